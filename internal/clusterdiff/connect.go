// Package clusterdiff compares synthesized objects with a live cluster,
// read-only: what a sync would change (by a server-side apply dry run),
// create, prune, or fail on. It sends GET and LIST requests, and PATCH
// requests with dryRun=All; nothing else, so the cluster is never written.
package clusterdiff

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"

	// The auth plugins kubectl has (OIDC; the removed cloud ones explain
	// themselves): a kubeconfig that works with kubectl works here.
	_ "k8s.io/client-go/plugin/pkg/client/auth"
)

// DefaultFieldManager is the server-side apply field manager of the dry
// runs. Flux applies as "kustomize-controller" and Argo CD, with
// ServerSideApply=true, as "argocd-controller"; Argo CD's default
// client-side apply and kubectl apply record "kubectl-client-side-apply".
// A manager of our own claims no field another one owns, so the dry run
// shows what the output sets, whoever applied it before; with the
// manager that syncs (--field-manager), it also shows the fields the
// output stopped setting, which that manager would remove.
const DefaultFieldManager = "caracal-cdk8s"

// requestTimeout bounds each request: an unreachable cluster is an error
// within seconds, not a hang.
const requestTimeout = 10 * time.Second

// Config is how to reach the cluster, as kubectl is told.
type Config struct {
	Kubeconfig   string // "": $KUBECONFIG, else ~/.kube/config
	Context      string // "": the kubeconfig's current context
	FieldManager string // "": DefaultFieldManager
}

// Cluster is a connection that only reads and dry-runs.
type Cluster struct {
	Context, Server string
	dyn             dynamic.Interface
	mapper          meta.RESTMapper
	manager         string
	warnings        *warnings
}

// Connect loads the kubeconfig and checks that the API server answers.
// Its errors never quote the kubeconfig: it holds credentials.
func Connect(cfg Config) (*Cluster, error) {
	rc, context, err := restConfig(cfg)
	if err != nil {
		return nil, err
	}
	w := &warnings{}
	rc.WarningHandler = w
	rc.Timeout = requestTimeout
	// kubectl's rates: a diff sends two requests an object.
	rc.QPS, rc.Burst = 50, 100
	rc.UserAgent = "caracal-cdk8s-diff"
	disc, err := discovery.NewDiscoveryClientForConfig(rc)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig context %q: %v", context, err)
	}
	if _, err := disc.ServerVersion(); err != nil {
		return nil, fmt.Errorf("cannot reach the cluster of context %q at %s: %v", context, rc.Host, err)
	}
	dyn, err := dynamic.NewForConfig(rc)
	if err != nil {
		return nil, err
	}
	manager := cfg.FieldManager
	if manager == "" {
		manager = DefaultFieldManager
	}
	return &Cluster{
		Context: context, Server: rc.Host, dyn: dyn, manager: manager, warnings: w,
		// Discovery in memory only: a diff leaves no cache behind.
		mapper: restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(disc)),
	}, nil
}

// restConfig resolves the kubeconfig and context as kubectl does.
func restConfig(cfg Config) (*rest.Config, string, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if cfg.Kubeconfig != "" {
		if _, err := os.Stat(cfg.Kubeconfig); err != nil {
			return nil, "", fmt.Errorf("kubeconfig %s: %v", cfg.Kubeconfig, pathErr(err))
		}
		rules.ExplicitPath = cfg.Kubeconfig
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: cfg.Context})
	raw, err := cc.RawConfig()
	if err != nil {
		return nil, "", loadError(err)
	}
	context := cfg.Context
	if context == "" {
		context = raw.CurrentContext
	}
	rc, err := cc.ClientConfig()
	switch {
	case clientcmd.IsEmptyConfig(err):
		return nil, "", errors.New("no kubeconfig: set KUBECONFIG, or give --kubeconfig (and --context)")
	case err != nil:
		// Names of contexts, clusters, users and files: no credentials.
		return nil, "", fmt.Errorf("kubeconfig: %v", err)
	}
	return rc, context, nil
}

var (
	configFile = regexp.MustCompile(`config file "([^"]*)"`)
	yamlLine   = regexp.MustCompile(`line (\d+)`)
)

// loadError names the kubeconfig that does not parse, and the line, but
// never the parser's words: they may quote a token or a key.
func loadError(err error) error {
	var perr *fs.PathError
	if errors.As(err, &perr) {
		return fmt.Errorf("kubeconfig %s: %v", perr.Path, perr.Err)
	}
	file := "the kubeconfig"
	if m := configFile.FindStringSubmatch(err.Error()); m != nil {
		file = "kubeconfig " + m[1]
	}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		return fmt.Errorf("%s: line %s: not a valid kubeconfig", file, m[1])
	}
	return fmt.Errorf("%s: not a valid kubeconfig", file)
}

func pathErr(err error) error {
	var perr *fs.PathError
	if errors.As(err, &perr) {
		return perr.Err
	}
	return err
}

// warnings collects the API server's warnings (such as Pod Security's
// "would violate") for the object being dry-run; requests are sequential,
// so each warning belongs to the object of the last request.
type warnings struct {
	mu   sync.Mutex
	list []string
}

func (w *warnings) HandleWarningHeader(code int, _ string, text string) {
	if code != 299 || text == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, text)
}

// take returns the warnings since the last take.
func (w *warnings) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.list
	w.list = nil
	return out
}
