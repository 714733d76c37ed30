// Command flux-sync syncs a folder of a Git repository to a Kubernetes
// cluster the way Flux's kustomize-controller does, with Flux's own code:
// github.com/fluxcd/pkg/kustomize builds each path, github.com/fluxcd/pkg/ssa
// applies it in stages with server-side apply and waits for it with kstatus.
//
//	flux-sync -kubeconfig FILE -root REPO_ROOT -path ./dist/flux [-timeout 5m] [-expect-no-change]
//
// The objects of -path are applied as a root Kustomization (flux-system,
// with wait and prune on). The Flux Kustomizations among them
// (kustomize.toolkit.fluxcd.io/v1) are not applied: flux-sync reconciles
// them itself, each once its dependsOn are Ready, independent ones
// concurrently (at most four at a time, as kustomize-controller), started in
// namespace/name order. Flux sources (source.toolkit.fluxcd.io) are not
// applied either: -root stands for them. Inventories are kept in -state
// (one folder per cluster and root), so that a later run prunes what is
// gone, and deletes what a Kustomization that is gone had applied.
//
// -expect-no-change fails the run if any object was created, configured or
// deleted; "skipped" (ssa: IfNotPresent on an existing object, ssa: Ignore,
// prune: disabled) is not a change.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/apiutil"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"

	"github.com/fluxcd/cli-utils/pkg/kstatus/polling"
	"github.com/fluxcd/cli-utils/pkg/kstatus/polling/clusterreader"
	"github.com/fluxcd/cli-utils/pkg/kstatus/polling/engine"
	"github.com/fluxcd/pkg/runtime/statusreaders"
)

type options struct {
	kubeconfig     string
	root           string
	path           string
	state          string
	timeout        time.Duration
	poll           time.Duration
	expectNoChange bool
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("flux-sync", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "kubeconfig of the cluster (required)")
	fs.StringVar(&o.root, "root", "", "repository root: the directory that stands for the GitRepository artifact (required)")
	fs.StringVar(&o.path, "path", "", "path of the root Kustomization, relative to -root, e.g. ./dist/flux (required)")
	fs.StringVar(&o.state, "state", "", "folder of the Kustomizations' inventories (default: flux-sync-state next to the kubeconfig)")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "timeout of the root Kustomization, and the most any Kustomization's timeout may be")
	fs.DurationVar(&o.poll, "poll", 5*time.Second, "kstatus poll interval (kustomize-controller: 5s)")
	fs.BoolVar(&o.expectNoChange, "expect-no-change", false, "fail if the sync changed anything (created, configured or deleted an object)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if o.kubeconfig == "" || o.root == "" || o.path == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: flux-sync -kubeconfig FILE -root REPO_ROOT -path ./dist/flux [-state DIR] [-timeout 5m] [-expect-no-change]")
		return 2
	}
	if o.timeout <= 0 || o.poll <= 0 {
		fmt.Fprintln(stderr, "flux-sync: -timeout and -poll must be positive")
		return 2
	}
	if o.state == "" {
		o.state = filepath.Join(filepath.Dir(o.kubeconfig), "flux-sync-state")
	}

	out := &printer{w: stdout}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := syncAll(ctx, o, out); err != nil {
		out.linef("%s", err)
		return 1
	}
	return 0
}

// syncAll runs every Kustomization to Ready and reports.
func syncAll(ctx context.Context, o options, out *printer) error {
	start := time.Now()
	root, err := filepath.Abs(o.root)
	if err != nil {
		return err
	}
	path := o.path
	if filepath.IsAbs(path) {
		// An absolute -path is taken as a folder inside -root.
		rel, err := filepath.Rel(root, path)
		if err != nil || !within(root, path) {
			return fmt.Errorf("-path %s is outside -root %s", o.path, root)
		}
		path = "./" + filepath.ToSlash(rel)
	}
	if _, err := resolvePath(root, path); err != nil {
		return err
	}

	r, err := newReconciler(o, root, out)
	if err != nil {
		return err
	}
	s := newScheduler(r.reconcile, out)
	failed := s.run(ctx, rootKustomization(path, o.timeout))
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted")
	}
	if len(failed) > 0 {
		if o.expectNoChange {
			listChanges(out, r.changes)
		}
		return fmt.Errorf("not Ready: %s", shortKeys(failed))
	}

	// Kustomizations that were synced before and are gone now: their
	// objects go, as with kustomize-controller's finalizer.
	invs, err := r.state.all()
	if err != nil {
		return err
	}
	for _, inv := range invs {
		if _, ok := s.nodes[inv.Namespace+"/"+inv.Name]; ok {
			continue
		}
		if err := r.finalize(ctx, inv); err != nil {
			return fmt.Errorf("%s: garbage collection failed: %w", inv.Name, err)
		}
	}

	out.linef("all Kustomizations Ready in %.1fs (%d objects)", time.Since(start).Seconds(), r.objects)
	if o.expectNoChange {
		if listChanges(out, r.changes) {
			return fmt.Errorf("expected no change, found %d", len(r.changes))
		}
		out.linef("nothing to change")
	}
	return nil
}

// listChanges prints what a sync changed and reports whether it did.
func listChanges(out *printer, changes []string) bool {
	for _, c := range changes {
		out.linef("changed: %s", c)
	}
	return len(changes) > 0
}

func newReconciler(o options, root string, out *printer) (*reconciler, error) {
	// Flux's libraries log through controller-runtime and klog; this tool
	// reports on stdout itself.
	ctrllog.SetLogger(logr.Discard())
	klog.SetLogger(logr.Discard())

	cfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		return nil, fmt.Errorf("kubeconfig: %w", err)
	}
	// kustomize-controller's client defaults.
	cfg.QPS, cfg.Burst = 50, 300
	cfg.WarningHandler = rest.NewWarningWriter(os.Stderr, rest.WarningWriterOptions{Deduplicate: true})
	httpClient, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, err
	}
	mapper, err := apiutil.NewDynamicRESTMapper(cfg, httpClient)
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	kube, err := client.New(cfg, client.Options{HTTPClient: httpClient, Mapper: mapper})
	if err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	// As kustomize-controller: Flux's Job reader (a Job is Current once it
	// completed, not while it runs) and no status cache.
	poller := polling.NewStatusPoller(kube, mapper, polling.Options{
		CustomStatusReaders:  []engine.StatusReader{statusreaders.NewCustomJobStatusReader(mapper)},
		ClusterReaderFactory: engine.ClusterReaderFactoryFunc(clusterreader.NewDirectClusterReader),
	})
	return &reconciler{
		kube: kube, mapper: mapper, poller: poller, root: root,
		state: stateDir(o.state), out: out, maxWait: o.timeout, pollInterval: o.poll,
	}, nil
}

// Node states.
const (
	notCreated = iota // found in a build; its parent has not applied it yet
	pending           // waiting for its dependencies
	running
	ready
	failed
)

type node struct {
	k         *kustomization
	parent    string
	state     int
	announced bool // "waiting for dependencies" printed
}

type schedEvent struct {
	key      string
	children []*kustomization // built
	reply    chan error       // built
	applied  bool
	done     bool
	err      error
}

// scheduler starts each Kustomization once its dependencies are Ready, as
// kustomize-controller's dependsOn does, at most maxConcurrent at a time
// (kustomize-controller's --concurrent default), in key order among those
// free to start.
type scheduler struct {
	do     func(context.Context, *kustomization, hooks) error
	out    *printer
	nodes  map[string]*node
	events chan schedEvent
}

const maxConcurrent = 4

func newScheduler(do func(context.Context, *kustomization, hooks) error, out *printer) *scheduler {
	return &scheduler{do: do, out: out, nodes: map[string]*node{}, events: make(chan schedEvent)}
}

// run returns the keys of the Kustomizations that did not become Ready.
func (s *scheduler) run(ctx context.Context, root *kustomization) []string {
	s.nodes[root.key()] = &node{k: root, state: pending}
	active := 0
	for {
		active += s.startFree(ctx, active)
		if active == 0 {
			break
		}
		ev := <-s.events
		n := s.nodes[ev.key]
		switch {
		case ev.reply != nil:
			ev.reply <- s.add(ev.key, ev.children)
		case ev.applied:
			for _, c := range s.nodes {
				if c.parent == ev.key && c.state == notCreated {
					c.state = pending
				}
			}
		case ev.done:
			active--
			if ev.err != nil {
				n.state = failed
				s.out.ksf(n.k, "failed: %s", ev.err)
			} else {
				n.state = ready
			}
		}
	}

	var notReady []string
	for key, n := range s.nodes {
		switch n.state {
		case ready:
		case notCreated:
			s.out.ksf(n.k, "not reconciled: %s did not apply it", shortKeys([]string{n.parent}))
			notReady = append(notReady, key)
		case pending:
			s.out.ksf(n.k, "not reconciled: dependencies not Ready: %s", shortKeys(s.unready(n)))
			notReady = append(notReady, key)
		default:
			notReady = append(notReady, key)
		}
	}
	sort.Strings(notReady)
	return notReady
}

// add checks the Kustomizations a build found against those known (names,
// dependencies, cycles) and records them; nothing is applied if it fails.
func (s *scheduler) add(parent string, children []*kustomization) error {
	var graph []depNode
	for key, n := range s.nodes {
		graph = append(graph, depNode{Key: key, DependsOn: n.k.DependsOn})
	}
	for _, c := range children {
		graph = append(graph, depNode{Key: c.key(), DependsOn: c.DependsOn})
	}
	if _, err := orderGraph(graph); err != nil {
		return err
	}
	for _, c := range children {
		s.nodes[c.key()] = &node{k: c, parent: parent, state: notCreated}
		deps := ""
		if len(c.DependsOn) > 0 {
			deps = ", dependsOn " + shortKeys(c.DependsOn)
		}
		s.out.ksf(c, "found in %s (path %s, wait %t, prune %t%s)", shortKeys([]string{parent}), c.Path, c.Wait, c.Prune, deps)
	}
	return nil
}

func (s *scheduler) unready(n *node) []string {
	var out []string
	for _, d := range n.k.DependsOn {
		if s.nodes[d] == nil || s.nodes[d].state != ready {
			out = append(out, d)
		}
	}
	return out
}

// startFree starts the pending Kustomizations whose dependencies are all
// Ready and returns how many it started.
func (s *scheduler) startFree(ctx context.Context, active int) int {
	keys := make([]string, 0, len(s.nodes))
	for k := range s.nodes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	started := 0
	for _, key := range keys {
		n := s.nodes[key]
		if n.state != pending {
			continue
		}
		blocked := false
		for _, d := range n.k.DependsOn {
			if dn := s.nodes[d]; dn != nil && dn.state == failed {
				blocked = true
			}
		}
		if blocked {
			// Flux would retry it forever; there is nothing to wait for.
			n.state = failed
			s.out.ksf(n.k, "not reconciled: dependencies not Ready: %s", shortKeys(s.unready(n)))
			continue
		}
		if waiting := s.unready(n); len(waiting) > 0 {
			if !n.announced {
				n.announced = true
				s.out.ksf(n.k, "waiting for dependencies %s", shortKeys(waiting))
			}
			continue
		}
		if active+started >= maxConcurrent || ctx.Err() != nil {
			continue
		}
		n.state = running
		started++
		go s.reconcile(ctx, n.k)
	}
	if started == 0 && s.anyBlockedNewly() {
		// A failure above may have freed nothing but blocked more.
		return s.startFree(ctx, active)
	}
	return started
}

// anyBlockedNewly reports whether a pending node now depends on a failed
// one (so that startFree marks it failed as well).
func (s *scheduler) anyBlockedNewly() bool {
	for _, n := range s.nodes {
		if n.state != pending {
			continue
		}
		for _, d := range n.k.DependsOn {
			if dn := s.nodes[d]; dn != nil && dn.state == failed {
				return true
			}
		}
	}
	return false
}

func (s *scheduler) reconcile(ctx context.Context, k *kustomization) {
	key := k.key()
	var err error
	if k.Suspend {
		s.out.ksf(k, "suspended: not reconciled (counted as Ready)")
	} else {
		err = s.do(ctx, k, hooks{
			built: func(children []*kustomization) error {
				reply := make(chan error)
				s.events <- schedEvent{key: key, children: children, reply: reply}
				return <-reply
			},
			applied: func() { s.events <- schedEvent{key: key, applied: true} },
		})
	}
	s.events <- schedEvent{key: key, done: true, err: err}
}
