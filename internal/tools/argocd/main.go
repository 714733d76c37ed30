// Command argocd-sync syncs a directory of manifests to a Kubernetes cluster
// with Argo CD's own sync engine (github.com/argoproj/gitops-engine, the
// version Argo CD v2.14.21 pins), driven the way Argo CD's application
// controller drives it: each second it reads the app's live objects from a
// gitops-engine cluster cache, reconciles them with the targets and runs one
// step of the sync operation in a fresh sync context that resumes from the
// previous step's state.
//
//	argocd-sync -kubeconfig FILE -dir DIR [-app NAME] [-timeout 5m]
//	            [-server-side=true] [-expect-in-sync]
//
// The Application it stands for has
//
//	syncPolicy:
//	  automated: {prune: true, selfHeal: true}
//	  syncOptions: [ServerSideApply=true]
//
// and Argo CD 3.x's default annotation resource tracking. Waves, hooks,
// hook delete policies and per-resource sync options are the engine's own.
// Health is gitops-engine's built-in pkg/health: the Lua health checks
// Argo CD ships for custom resources live in the argo-cd repository and are
// not part of the engine, so a custom resource here has no health (it counts
// as healthy as soon as it is applied).
//
// Exit status: 0 when the operation Succeeded (and, with -expect-in-sync,
// nothing was OutOfSync or created), 1 on a failed or timed-out sync, a
// comparison error or a re-sync that changed something, 2 on bad usage.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

type options struct {
	kubeconfig   string
	dir          string
	app          string
	namespace    string
	timeout      time.Duration
	serverSide   bool
	expectInSync bool
	verbose      bool
	waveDelay    time.Duration
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintf(stderr, "argocd-sync: %v\n", err)
		return 2
	}
	rep := &reporter{w: stdout}
	ctx, cancel := context.WithTimeout(context.Background(), opts.timeout)
	defer cancel()
	return syncApp(ctx, opts, rep, stderr)
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("argocd-sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig `file` of the cluster to sync to (required)")
	fs.StringVar(&o.dir, "dir", "", "`directory` to sync: kustomize build when it holds a kustomization.yaml, else its *.yaml files (required)")
	fs.StringVar(&o.app, "app", "caracal", "Application `name`, used for resource tracking")
	fs.StringVar(&o.namespace, "namespace", "", "the Application's destination `namespace`: given to namespaced objects without one (default: \"default\") and written into the tracking id of cluster-scoped objects")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "give up when the sync has not finished after this long")
	fs.BoolVar(&o.serverSide, "server-side", true, "sync with the ServerSideApply=true sync option (and diff with structured merge, as Argo CD does for such apps)")
	fs.BoolVar(&o.expectInSync, "expect-in-sync", false, "re-sync check: report OutOfSync resources before syncing, and fail if anything was OutOfSync or created")
	fs.BoolVar(&o.verbose, "v", false, "write the sync engine's and cluster cache's logs to stderr")
	fs.DurationVar(&o.waveDelay, "wave-delay", waveDelayFromEnv(), "pause after applying each wave but the last (Argo CD's ARGOCD_SYNC_WAVE_DELAY)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if o.kubeconfig == "" || o.dir == "" {
		fs.Usage()
		return o, errors.New("-kubeconfig and -dir are required")
	}
	if o.app == "" {
		return o, errors.New("-app must not be empty")
	}
	if o.timeout <= 0 {
		return o, errors.New("-timeout must be positive")
	}
	return o, nil
}
