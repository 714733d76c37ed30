package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
)

// config is what every run shares.
type config struct {
	bin      binaries
	engines  map[string]engine
	crds     string
	timeout  time.Duration // of one sync
	tmp      string
	mu       sync.Mutex
	clusters int
}

// newCluster starts a fresh cluster in its own folder: runs never see
// each other's objects.
func (cfg *config) newCluster(name string) (*cluster, error) {
	cfg.mu.Lock()
	cfg.clusters++
	dir := filepath.Join(cfg.tmp, fmt.Sprintf("%02d-%s", cfg.clusters, strings.NewReplacer("/", "_", " ", "_").Replace(name)))
	cfg.mu.Unlock()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return startCluster(cfg.bin, dir, true)
}

// result is the outcome of one run, for the report.
type result struct {
	title string
	ok    bool
	lines []string
	took  map[string]time.Duration
	// elapsed is the whole run's wall time, for the report.
	elapsed time.Duration
}

func (r *result) fail(format string, args ...any) *result {
	r.ok = false
	r.lines = append(r.lines, fmt.Sprintf(format, args...))
	return r
}

func (r *result) note(format string, args ...any) {
	r.lines = append(r.lines, fmt.Sprintf(format, args...))
}

// task is one run: it sets up its own cluster and reports how it went.
type task func(ctx context.Context) *result

// runOptions are the flags of converge run.
type runOptions struct {
	cfg      *config
	parallel int
	fixtures string
	modes    string
	extras   bool
	pools    string
	releases string // Helm releases to migrate from
	runbook  string
	dirs     []string
}

func parseRunFlags(args []string) (*runOptions, error) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	cfg := &config{engines: map[string]engine{}}
	bin := binaryFlags(fs)
	argocd := fs.String("argocd-sync", "", "the argocd-sync program (internal/tools/argocd)")
	flux := fs.String("flux-sync", "", "the flux-sync program (internal/tools/flux)")
	fs.StringVar(&cfg.crds, "crds", "", "directory of the CRDs an output may ask for")
	fs.DurationVar(&cfg.timeout, "timeout", 5*time.Minute, "the most one sync may take")
	parallel := fs.Int("parallel", 2, "clusters run at once")
	fixtures := fs.String("fixtures", "testdata/converge", "deliberately broken outputs the harness must catch (\"\": none)")
	releases := fs.String("helm-releases", "", "directory of the Helm releases outputs migrate from: base.yaml and <output name>.yaml (\"\": none)")
	runbookPath := fs.String("runbook", "README.md", "the README whose marked blocks are the migration's runbook")
	pools := fs.String("node-pools", "", "directory of <output name>.yaml files: the node pools of the cluster an output is for (none: plain nodes)")
	modes := fs.String("modes", "argocd,flux", "the engines to sync each output with")
	extras := fs.Bool("extras", true, "also run the first output without a load balancer, on two nodes and short of CPU")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	cfg.bin = *bin
	cfg.engines["argocd"] = engine{name: "argocd", bin: *argocd}
	cfg.engines["flux"] = engine{name: "flux", bin: *flux}
	if *argocd == "" || *flux == "" || fs.NArg() == 0 {
		return nil, fmt.Errorf("usage: converge run -argocd-sync BIN -flux-sync BIN [binaries] DIR...")
	}
	return &runOptions{cfg: cfg, parallel: *parallel, fixtures: *fixtures, modes: *modes, extras: *extras, pools: *pools,
		releases: *releases, runbook: *runbookPath, dirs: fs.Args()}, nil
}

func runCmd(args []string) error {
	opts, err := parseRunFlags(args)
	if err != nil {
		return err
	}
	cfg := opts.cfg
	tmp, err := os.MkdirTemp("", "caracal-converge-")
	if err != nil {
		return err
	}
	cfg.tmp = tmp
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	tasks, err := opts.tasks()
	if err != nil {
		return err
	}
	start := time.Now()
	results := runTasks(ctx, tasks, opts.parallel)
	if ctx.Err() != nil {
		return fmt.Errorf("interrupted; clusters stopped (logs in %s)", tmp)
	}
	var failed []string
	for _, r := range results {
		if !r.ok {
			failed = append(failed, r.title)
		}
	}
	fmt.Printf("converge: %d runs in %s\n", len(results), time.Since(start).Round(time.Second))
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d runs failed: %s (cluster logs in %s)", len(failed), len(results), strings.Join(failed, "; "), tmp)
	}
	os.RemoveAll(tmp)
	return nil
}

// tasks are, in the order of their measured times so that the short ones
// fill the end: each distinct output synced by Argo CD's engine (about a
// minute and a half: it walks its waves twice), the migrations from a Helm
// release, the outputs synced by the other engines, the extra runs of the
// first output, the fixtures' self-tests.
func (opts *runOptions) tasks() ([]task, error) {
	cfg := opts.cfg
	var argocd, migrations, others []task
	seen := map[string]string{}
	var first *output
	for _, dir := range opts.dirs {
		o, err := readOutput(dir)
		if err != nil {
			return nil, err
		}
		if o.pools, err = readPools(opts.pools, dir); err != nil {
			return nil, err
		}
		if first == nil {
			first = o
		}
		if err := o.fits(); err != nil {
			return nil, err
		}
		if same, ok := seen[o.digest]; ok {
			fmt.Printf("same %s: byte for byte the same files as %s, proven there\n", dir, same)
			continue
		}
		seen[o.digest] = dir
		for _, mode := range strings.Split(opts.modes, ",") {
			t := func(ctx context.Context) *result { return cfg.converge(ctx, o, mode) }
			if mode == "argocd" {
				argocd = append(argocd, t)
			} else {
				others = append(others, t)
			}
		}
		m, err := opts.migrations(o)
		if err != nil {
			return nil, err
		}
		migrations = append(migrations, m...)
	}
	tasks := append(append(argocd, migrations...), others...)
	// The first output (dist/) also runs where the defaults meet a harder
	// cluster: no load-balancer controller, two nodes, too little CPU.
	if opts.extras {
		tasks = append(tasks,
			func(ctx context.Context) *result { return cfg.withoutLoadBalancer(ctx, first) },
			func(ctx context.Context) *result { return cfg.onTwoNodes(ctx, first) },
			func(ctx context.Context) *result { return cfg.underPressure(ctx, first) },
		)
	}
	fixtures, err := fixtureTasks(cfg, opts.fixtures)
	if err != nil {
		return nil, err
	}
	return append(tasks, fixtures...), nil
}

// migrations are the runs from a Helm release to the output o, one per
// engine; none when no release migrates to it.
func (opts *runOptions) migrations(o *output) ([]task, error) {
	rel, err := readHelmRelease(opts.releases, o.dir)
	if err != nil || rel == nil {
		return nil, err
	}
	rb, err := readRunbook(opts.runbook)
	if err != nil {
		return nil, err
	}
	var tasks []task
	for _, mode := range strings.Split(opts.modes, ",") {
		tasks = append(tasks, func(ctx context.Context) *result { return opts.cfg.migrate(ctx, o, rel, rb, mode) })
	}
	return tasks, nil
}

// runTasks runs the tasks, parallel at once and started in their order,
// printing each result as it comes; the results are in the order of the
// tasks. A run that only waits gives its slot back meanwhile (waiting), so
// that another may start; twice parallel clusters at most are up at once.
func runTasks(ctx context.Context, tasks []task, parallel int) []*result {
	results := make([]*result, len(tasks))
	s := make(slots, max(parallel, 1))
	up := make(chan struct{}, 2*cap(s))
	ctx = context.WithValue(ctx, slotsKey{}, s)
	var wg sync.WaitGroup
	var printMu sync.Mutex
	for i := range tasks {
		up <- struct{}{}
		s <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-s; <-up }()
			if ctx.Err() != nil {
				results[i] = &result{title: "(interrupted)"}
				return
			}
			start := time.Now()
			r := tasks[i](ctx)
			r.elapsed = time.Since(start)
			results[i] = r
			printMu.Lock()
			printResult(r)
			printMu.Unlock()
		}()
	}
	wg.Wait()
	return results
}

// slots bounds the runs that work at once: each holds one while it runs.
type slots chan struct{}

type slotsKey struct{}

// waiting runs f; if f still runs after a while, it gives the run's slot
// back until f returns, then takes a slot again. A drain whose evictions
// wait on disruption budgets (two minutes for a node with two members of
// one quorum) uses next to no CPU, and another run may start meanwhile; a
// short one keeps its slot, so that runs do not pile up. The run takes
// its turn for a slot behind a run that runTasks is already waiting to
// start (waiting senders on a channel are served in order).
func waiting(ctx context.Context, after time.Duration, f func()) {
	s, ok := ctx.Value(slotsKey{}).(slots)
	if !ok {
		f()
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
		return
	case <-time.After(after):
	}
	<-s
	<-done
	s <- struct{}{}
}

func printResult(r *result) {
	status := "ok  "
	if !r.ok {
		status = "FAIL"
	}
	fmt.Printf("%s %s (%s)\n", status, r.title, r.elapsed.Round(time.Second))
	for _, l := range r.lines {
		fmt.Printf("     %s\n", strings.ReplaceAll(l, "\n", "\n     "))
	}
}

// namespaces are those of the output's objects.
func (o *output) namespaces() []string {
	set := map[string]bool{}
	for _, u := range o.objects {
		if ns := u.GetNamespace(); ns != "" {
			set[ns] = true
		}
		if u.GetKind() == "Namespace" {
			set[u.GetName()] = true
		}
	}
	return sortedKeys(set)
}

// setUp starts a cluster for an output: nodes, storage for its claims,
// and what a user prepares by hand.
func (cfg *config) setUp(ctx context.Context, name string, o *output, zones []string) (*cluster, error) {
	c, err := cfg.newCluster(name)
	if err != nil {
		return c, err
	}
	if err := c.addNodes(ctx, zones, o.nodePools()); err != nil {
		return c, err
	}
	claims, err := o.claims()
	if err != nil {
		return c, err
	}
	if err := c.addStorage(ctx, claims); err != nil {
		return c, err
	}
	return c, c.prepare(ctx, o, cfg.crds)
}

// setUpWatched is setUp on three zones, with a cloud's load balancers
// stood in for and the order of events recorded from before any sync.
func (cfg *config) setUpWatched(ctx context.Context, name string, o *output) (*cluster, *recorder, error) {
	c, err := cfg.setUp(ctx, name, o, zones)
	if err != nil {
		return c, nil, err
	}
	go c.loadBalancers()
	rec, err := c.record()
	return c, rec, err
}

// converge syncs one output with one engine on a fresh three-zone
// cluster, checks what came of it, syncs again expecting no change, then
// drains the busiest node.
func (cfg *config) converge(ctx context.Context, o *output, mode string) *result {
	r := &result{title: fmt.Sprintf("%s [%s]", o.dir, mode), ok: true, took: map[string]time.Duration{}}
	start := time.Now()
	c, rec, err := cfg.setUpWatched(ctx, o.dir+"-"+mode, o)
	defer c.stop()
	if err != nil {
		return r.fail("setting up the cluster: %v", err)
	}
	r.took["setup"] = time.Since(start)

	eng := cfg.engines[mode]
	l, ok := cfg.firstSync(ctx, r, c, rec, o, eng)
	if !ok {
		return r
	}
	if !cfg.resync(ctx, r, c, o, eng) {
		return r
	}
	cfg.drainBusiest(ctx, r, c, o, l)
	return r
}

// firstSync is the sync: the engine applies and waits as Argo CD or Flux
// would. Then every check, once the controllers have caught up. It returns
// the cluster as it settled, or false once r failed.
func (cfg *config) firstSync(ctx context.Context, r *result, c *cluster, rec *recorder, o *output, eng engine) (*live, bool) {
	t := time.Now()
	if _, err := eng.sync(ctx, c, o, cfg.timeout, false); err != nil {
		r.fail("the sync failed: %v", err)
		return nil, false
	}
	l, probs, err := c.settle(ctx, o.namespaces(), 60*time.Second, fresh)
	if err != nil {
		r.fail("%v", err)
		return nil, false
	}
	probs = append(probs, rec.orderProblems()...)
	r.took["converge"] = time.Since(t)
	if len(probs) > 0 {
		r.fail("did not converge:")
		r.lines = append(r.lines, probs...)
		return nil, false
	}
	r.note("%d objects converged in %s: every workload ready, Service endpoints exact, claims bound, Jobs complete in order (%s), autoscalers resolve, budgets allow a disruption, spread as intended",
		len(o.objects), secs(r.took["converge"]), strings.Join(rec.jobsInOrder(), ", "))
	return l, true
}

// resync checks that every object of the output is there, and that a
// second sync changes nothing and re-creates nothing; false once r failed.
func (cfg *config) resync(ctx context.Context, r *result, c *cluster, o *output, eng engine) bool {
	before, err := c.identities(ctx, o)
	if err != nil {
		r.fail("%v", err)
		return false
	}
	var missing []string
	for _, k := range sortedKeys(before) {
		if before[k] == "missing" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		r.fail("the sync left out: %s", strings.Join(missing, ", "))
		return false
	}
	t := time.Now()
	if _, err := eng.sync(ctx, c, o, cfg.timeout, true); err != nil {
		r.fail("the second sync was not a no-op: %v", err)
		return false
	}
	after, err := c.identities(ctx, o)
	if err != nil {
		r.fail("%v", err)
		return false
	}
	if changed := identityProblems(before, after); len(changed) > 0 {
		r.fail("the second sync changed objects:")
		r.lines = append(r.lines, changed...)
		return false
	}
	r.took["resync"] = time.Since(t)
	r.note("re-sync in %s: nothing to change, nothing re-created", secs(r.took["resync"]))
	return true
}

// drainBusiest drains the busiest node of l, through the eviction API, and
// checks that everything is ready again, every claim on its volume.
func (cfg *config) drainBusiest(ctx context.Context, r *result, c *cluster, o *output, l *live) {
	node := l.busiestNode()
	volumes := l.volumes()
	res, log, err := c.drainNode(ctx, node, drainBound)
	if err != nil {
		r.fail("%v; %s", err, c.blockingBudgets(ctx, o.namespaces()))
		if b := blockers(log); b != "" {
			r.note("%s", b)
		}
		return
	}
	r.took["drain"] = res.took
	l2, probs, err := c.settle(ctx, o.namespaces(), 90*time.Second, drained)
	if err != nil {
		r.fail("%v", err)
		return
	}
	probs = append(probs, volumeProblems(volumes, l2.volumes())...)
	if len(probs) > 0 {
		r.fail("after draining %s:", node)
		r.lines = append(r.lines, probs...)
		return
	}
	r.note("drain of %s (zone %s, replaced by %s) finished in %s; every workload ready again, every claim on its volume", node, nodeZone(l, node), res.replacement, secs(res.took))
}

func nodeZone(l *live, node string) string {
	for _, n := range l.nodes {
		if n.Name == node {
			return n.Labels[labelZone]
		}
	}
	return "?"
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }

// identities are the UID and generation of each of the output's objects:
// a re-sync must keep both.
func (c *cluster) identities(ctx context.Context, o *output) (map[string]string, error) {
	dc, err := dynamic.NewForConfig(c.config)
	if err != nil {
		return nil, err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(c.client.Discovery()))
	out := map[string]string{}
	for _, u := range o.objects {
		gvk := u.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return nil, err
		}
		obj, err := dc.Resource(m.Resource).Namespace(u.GetNamespace()).Get(ctx, u.GetName(), metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			out[kind(u)] = "missing"
			continue
		}
		if err != nil {
			return nil, err
		}
		out[kind(u)] = fmt.Sprintf("uid %s generation %d", obj.GetUID(), obj.GetGeneration())
	}
	return out, nil
}

func identityProblems(before, after map[string]string) []string {
	var out []string
	keys := sortedKeys(before)
	sort.Strings(keys)
	for _, k := range keys {
		if before[k] != after[k] {
			out = append(out, fmt.Sprintf("%s: %s before, %s after", k, before[k], after[k]))
		}
	}
	return out
}
