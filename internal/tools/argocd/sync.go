package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/argoproj/gitops-engine/pkg/cache"
	"github.com/argoproj/gitops-engine/pkg/health"
	"github.com/argoproj/gitops-engine/pkg/sync"
	"github.com/argoproj/gitops-engine/pkg/sync/common"
	"github.com/argoproj/gitops-engine/pkg/sync/hook"
	"github.com/argoproj/gitops-engine/pkg/sync/ignore"
	"github.com/argoproj/gitops-engine/pkg/sync/syncwaves"
	"github.com/argoproj/gitops-engine/pkg/utils/kube"
	"github.com/argoproj/gitops-engine/pkg/utils/tracing"
	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	"k8s.io/klog/v2/textlogger"
)

const (
	// stepInterval is how often the operation is advanced, like the
	// controller re-processing a running operation.
	stepInterval = time.Second
	// waitingInterval bounds how often a "waiting for" line is printed.
	waitingInterval = 5 * time.Second
	// ignoreHealthCheckAnnotation excludes a resource from the app's health.
	ignoreHealthCheckAnnotation = "argocd.argoproj.io/ignore-healthcheck"
	// healthSettle bounds the wait for the cache to show every applied
	// object before the app's health is reported.
	healthSettle = 5 * time.Second
)

// quietLogger swallows the engine's logs unless -v.
var quietLogger = logr.Discard()

func waveDelayFromEnv() time.Duration {
	if s := os.Getenv("ARGOCD_SYNC_WAVE_DELAY"); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			return time.Duration(n) * time.Second
		}
	}
	return 2 * time.Second
}

// resInfo is what the cluster cache keeps about each object, as Argo CD's
// populate handler does: the application its tracking annotation names,
// for top-level (owner-less) objects only.
type resInfo struct {
	appName string
}

// argoExclusions are the kinds Argo CD never watches: its core exclusions
// plus the resource.exclusions of Argo CD 3.x's default argocd-cm (the parts
// that matter on a plain cluster).
type argoExclusions struct{}

func (argoExclusions) IsExcludedResource(group, kind, _ string) bool {
	switch group {
	case "events.k8s.io", "metrics.k8s.io":
		return true
	case "coordination.k8s.io":
		return kind == "Lease"
	case "discovery.k8s.io":
		return kind == "EndpointSlice"
	case "":
		return kind == "Event" || kind == "Endpoints"
	case "authentication.k8s.io", "authorization.k8s.io", "certificates.k8s.io":
		return true
	}
	return false
}

// noHealthOverride: Argo CD passes its Lua health overrides here; we have
// none (see the package comment).
type noHealthOverride struct{}

func (noHealthOverride) GetResourceHealth(*unstructured.Unstructured) (*health.HealthStatus, error) {
	return nil, nil
}

// app holds everything one sync run works with.
type app struct {
	opts       options
	rep        *reporter
	log        logr.Logger
	restConfig *rest.Config
	kubectl    *kube.KubectlCmd
	cache      cache.ClusterCache
	targets    []*unstructured.Unstructured
	revision   string
	// waves of targets and hooks by key; hooks with generateName by prefix.
	waves       map[kube.ResourceKey]int
	genWaves    map[string]int
	modified    map[kube.ResourceKey]bool
	initialUIDs map[kube.ResourceKey]types.UID
}

// syncApp syncs the manifests of opts.dir as one Argo CD application and
// returns the exit code.
func syncApp(ctx context.Context, opts options, rep *reporter, stderr io.Writer) int {
	start := time.Now()
	a := newApp(opts, rep, stderr)

	objs, stream, err := renderDir(opts.dir)
	if err != nil {
		rep.printf("ComparisonError: cannot render %s: %v", opts.dir, err)
		return 1
	}
	rep.maskSecrets(objs)
	a.revision = revisionOf(stream)

	if err := a.connect(ctx); err != nil {
		rep.printf("error: %v", err)
		return 1
	}

	defer a.cache.Invalidate()

	a.prepareTargets(objs)
	rep.printf("syncing %d objects from %s as application %q (revision %s, server-side apply %v)",
		len(a.targets), opts.dir, opts.app, a.revision[:7], opts.serverSide)

	// The comparison Argo CD makes before (and for) every sync: it decides
	// the app's sync status, and a comparison error blocks the sync.
	statuses, err := a.compare()
	if err != nil {
		rep.printf("ComparisonError: %v", err)
		return 1
	}
	outOfSync := a.noteStatuses(statuses)

	res := a.runOperation(ctx, start)
	if res.phase != common.OperationSucceeded {
		return 1
	}

	rep.printf("sync Succeeded in %s (%d resources)", duration(time.Since(start)), len(res.results))
	a.reportHealth()

	if !opts.expectInSync {
		return 0
	}
	return a.checkInSync(res, outOfSync)
}

// newApp sets up the logging of a run: the engine's and client-go's logs
// (through klog: a watch that ends with the run, say) show only with -v.
func newApp(opts options, rep *reporter, stderr io.Writer) *app {
	a := &app{opts: opts, rep: rep, log: quietLogger}
	klog.SetLogger(quietLogger)
	if opts.verbose {
		a.log = textlogger.NewLogger(textlogger.NewConfig(textlogger.Verbosity(1), textlogger.Output(stderr)))
		klog.SetLogger(a.log)
	}
	return a
}

// noteStatuses records what the comparison before the sync found (the
// resources out of sync, the live UIDs) and returns how many resources
// count as OutOfSync; with -expect-in-sync it prints them.
func (a *app) noteStatuses(statuses []resourceStatus) int {
	outOfSync := 0
	for _, s := range statuses {
		if s.OutOfSync {
			a.modified[s.Key] = true
			if s.Counted {
				outOfSync++
			}
		}
		if s.Live != nil {
			a.initialUIDs[kube.GetResourceKey(s.Live)] = s.Live.GetUID()
		}
		if a.opts.expectInSync && s.OutOfSync && s.Counted {
			a.rep.printf("OutOfSync %s: %s", refOfKey(s.Key), s.Summary)
		}
	}
	if a.opts.expectInSync && outOfSync == 0 {
		a.rep.printf("Synced: no resource differs from the manifests")
	}
	return outOfSync
}

// checkInSync is -expect-in-sync after a successful sync: the exit code is
// 1 if the app was OutOfSync, or the sync created or re-created anything.
func (a *app) checkInSync(res operation, outOfSync int) int {
	recreated, err := a.recreated(res)
	if err != nil {
		a.rep.printf("ComparisonError: cannot read the live objects after the sync: %v", err)
		return 1
	}
	changed := len(res.created) + len(recreated)
	if outOfSync == 0 && changed == 0 {
		a.rep.printf("in sync, nothing to change")
		return 0
	}
	var what []string
	if outOfSync > 0 {
		what = append(what, fmt.Sprintf("%d OutOfSync", outOfSync))
	}
	for _, k := range res.created {
		what = append(what, fmt.Sprintf("created %s", refOfKey(k)))
	}
	for _, k := range recreated {
		what = append(what, fmt.Sprintf("re-created %s", refOfKey(k)))
	}
	a.rep.printf("not in sync: %s", joinLimited(what, 20))
	return 1
}

// connect builds the clients and fills the cluster cache, as the controller
// does for its destination cluster.
func (a *app) connect(ctx context.Context) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", a.opts.kubeconfig)
	if err != nil {
		return fmt.Errorf("kubeconfig %s: %w", a.opts.kubeconfig, err)
	}
	// The controller's default client rate limits.
	cfg.QPS, cfg.Burst = 50, 100
	cfg.WarningHandler = rest.NoWarnings{}
	a.restConfig = cfg
	a.kubectl = &kube.KubectlCmd{Log: a.log, Tracer: tracing.NopTracer{}}
	app := a.opts.app
	a.cache = cache.NewClusterCache(cfg,
		cache.SetKubectl(a.kubectl),
		cache.SetLogr(a.log),
		cache.SetSettings(cache.Settings{ResourceHealthOverride: noHealthOverride{}, ResourcesFilter: argoExclusions{}}),
		cache.SetPopulateResourceInfoHandler(func(un *unstructured.Unstructured, isRoot bool) (interface{}, bool) {
			info := &resInfo{}
			if name := trackedApp(un); isRoot && name != "" {
				info.appName = name
			}
			// Keep whole manifests of app objects, and of all CRDs (they
			// carry no tracking annotation), as Argo CD does.
			return info, info.appName == app || un.GetKind() == kube.CustomResourceDefinitionKind
		}),
	)
	done := make(chan error, 1)
	go func() { done <- a.cache.EnsureSynced() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("cannot load the cluster state: %w", err)
		}
	case <-ctx.Done():
		return fmt.Errorf("timeout loading the cluster state")
	}
	return nil
}

func (a *app) isManaged(r *cache.Resource) bool {
	info, ok := r.Info.(*resInfo)
	return ok && info.appName == a.opts.app
}

// prepareTargets does the repo-server's and the controller's part on the
// rendered manifests: tracking annotation, namespaces, de-duplication.
func (a *app) prepareTargets(objs []*unstructured.Unstructured) {
	fallbackNS := a.opts.namespace
	if fallbackNS == "" {
		fallbackNS = "default"
	}
	for _, obj := range objs {
		if obj.GetNamespace() == "" && kube.IsNamespacedOrUnknown(a.cache, obj.GroupVersionKind().GroupKind()) {
			obj.SetNamespace(fallbackNS)
		}
	}
	setTracking(objs, a.opts.app, a.opts.namespace)
	targets, warnings := dedupTargets(objs, fallbackNS, a.cache)
	for _, w := range warnings {
		a.rep.printf("warning: %s", w)
	}
	a.targets = targets
	a.waves = map[kube.ResourceKey]int{}
	a.genWaves = map[string]int{}
	a.modified = map[kube.ResourceKey]bool{}
	a.initialUIDs = map[kube.ResourceKey]types.UID{}
	for _, t := range targets {
		if t.GetName() == "" && t.GetGenerateName() != "" {
			a.genWaves[t.GetGenerateName()] = syncwaves.Wave(t)
			continue
		}
		a.waves[kube.GetResourceKey(t)] = syncwaves.Wave(t)
	}
}

// reconcile reads the app's live objects from the cache and pairs them with
// fresh copies of the targets, like CompareAppState.
func (a *app) reconcile() (sync.ReconciliationResult, error) {
	targets := make([]*unstructured.Unstructured, len(a.targets))
	for i, t := range a.targets {
		targets[i] = t.DeepCopy()
	}
	live, err := a.cache.GetManagedLiveObjs(targets, a.isManaged)
	if err != nil {
		return sync.ReconciliationResult{}, fmt.Errorf("failed to load live state: %w", err)
	}
	return sync.Reconcile(targets, live, a.opts.namespace, a.cache), nil
}

func (a *app) compare() ([]resourceStatus, error) {
	recon, err := a.reconcile()
	if err != nil {
		return nil, err
	}
	return compare(recon, a.opts.app, diffOptions(a.opts.serverSide, a.cache.GetGVKParser()))
}

// operation is the state the controller keeps in the Application's
// status.operationState between steps.
type operation struct {
	phase     common.OperationPhase
	message   string
	results   []common.ResourceSyncResult
	startedAt metav1.Time
	created   []kube.ResourceKey
}

// runOperation advances the sync operation step by step until it completes
// or the deadline passes, printing what changes.
func (a *app) runOperation(ctx context.Context, start time.Time) operation {
	op := operation{phase: common.OperationRunning, startedAt: metav1.NewTime(start)}
	seen := newResultsSeen()
	fail := func(err error) operation {
		op.phase, op.message = common.OperationError, err.Error()
		a.rep.printf("sync Error in %s: %v", duration(time.Since(start)), err)
		return op
	}
	var recon sync.ReconciliationResult
	for step := 0; ; step++ {
		if step > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(stepInterval):
			}
		}
		if ctx.Err() != nil {
			a.reportTimeout(op, recon)
			op.phase = common.OperationError
			return op
		}
		var err error
		recon, err = a.reconcile()
		if err != nil {
			return fail(err)
		}
		liveByKey := liveIndex(recon)
		if err := a.advance(&op, recon, step); err != nil {
			return fail(err)
		}
		a.printResults(&op, seen, liveByKey)

		switch op.phase {
		case common.OperationSucceeded:
			return op
		case common.OperationFailed, common.OperationError:
			a.reportFailure(op, start)
			return op
		}
		if time.Since(seen.lastLine) >= waitingInterval {
			seen.lastLine = time.Now()
			if fresh, err := a.reconcile(); err == nil {
				recon = fresh
			}
			a.rep.printf("%s", a.waitingLine(op, recon))
		}
	}
}

// advance runs one step of the operation and keeps its state in op.
func (a *app) advance(op *operation, recon sync.ReconciliationResult, step int) error {
	phase, message, results, err := a.step(*op, recon)
	if err != nil {
		return err
	}
	// As the controller does, carry the results over in order.
	for i := range results {
		results[i].Order = i + 1
	}
	op.phase, op.message, op.results = phase, message, results
	if a.opts.verbose {
		a.log.Info("operation step", "step", step, "phase", phase, "message", message)
		for _, r := range results {
			a.log.Info("result", "key", r.ResourceKey.String(), "syncPhase", r.SyncPhase, "status", r.Status, "hookPhase", r.HookPhase, "message", r.Message)
		}
	}
	return nil
}

// resultsSeen is what runOperation remembers between steps, to print only
// what changed.
type resultsSeen struct {
	prev    map[string]common.ResourceSyncResult
	created map[kube.ResourceKey]bool
	// A "waiting" line is printed after waitingInterval without any line.
	lastLine time.Time
}

func newResultsSeen() *resultsSeen {
	return &resultsSeen{
		prev:     map[string]common.ResourceSyncResult{},
		created:  map[kube.ResourceKey]bool{},
		lastLine: time.Now(),
	}
}

// printResults prints a line for every result that changed since the last
// step, and adds the resources the step created to op.created. liveByKey
// is the live state before the step.
func (a *app) printResults(op *operation, seen *resultsSeen, liveByKey map[kube.ResourceKey]*unstructured.Unstructured) {
	for _, r := range op.results {
		key := resultKey(r)
		var p *common.ResourceSyncResult
		if old, ok := seen.prev[key]; ok {
			p = &old
		}
		created := false
		if r.Status == common.ResultCodeSynced && (p == nil || p.Status != common.ResultCodeSynced) {
			created = lookupLive(liveByKey, r.ResourceKey) == nil
			if created && !seen.created[r.ResourceKey] {
				seen.created[r.ResourceKey] = true
				op.created = append(op.created, r.ResourceKey)
			}
		}
		hasHealth := health.GetHealthCheckFunc(schema.GroupVersionKind{Group: r.ResourceKey.Group, Version: r.Version, Kind: r.ResourceKey.Kind}) != nil
		if ev := resultEvent(p, r, created, a.modified[r.ResourceKey], hasHealth); ev != "" {
			a.rep.printf("%s: %s %s", waveLabel(r.SyncPhase, a.waveOf(r.ResourceKey, liveByKey)), refOfKey(r.ResourceKey), ev)
			seen.lastLine = time.Now()
		}
		seen.prev[key] = r
	}
}

// step runs one Sync() of a sync context built from scratch, resuming from
// the previous state, with the options Argo CD's controller passes.
func (a *app) step(op operation, recon sync.ReconciliationResult) (common.OperationPhase, string, []common.ResourceSyncResult, error) {
	propagation := metav1.DeletePropagationForeground
	appName := a.opts.app
	waveDelay := a.opts.waveDelay
	syncOpts := []sync.SyncOpt{
		sync.WithLogr(a.log),
		// Argo CD passes its Lua health overrides here (see package doc).
		sync.WithHealthOverride(nil),
		// dryRun=false, prune=true (automated prune), force=false,
		// skipHooks=false (hook strategy, all resources).
		sync.WithOperationSettings(false, true, false, false),
		sync.WithInitialState(op.phase, op.message, op.results, op.startedAt),
		sync.WithResourcesFilter(func(_ kube.ResourceKey, target, live *unstructured.Unstructured) bool {
			return isSelfReferencedObj(live, target, appName)
		}),
		sync.WithManifestValidation(true),
		sync.WithSyncWaveHook(func(_ common.SyncPhase, _ int, final bool) error {
			if !final {
				time.Sleep(waveDelay)
			}
			return nil
		}),
		sync.WithPruneLast(false),
		sync.WithResourceModificationChecker(false, nil),
		sync.WithPrunePropagationPolicy(&propagation),
		sync.WithReplace(false),
		sync.WithServerSideApply(a.opts.serverSide),
		sync.WithServerSideApplyManager(ssaManager),
		sync.WithPruneConfirmed(false),
		// CreateNamespace=true is not set: no namespace modifier.
	}
	syncCtx, cleanup, err := sync.NewSyncContext(a.revision, recon, a.restConfig, a.restConfig, a.kubectl,
		a.opts.namespace, a.cache.GetOpenAPISchema(), syncOpts...)
	if err != nil {
		return "", "", nil, fmt.Errorf("failed to initialize sync context: %w", err)
	}
	defer cleanup()
	syncCtx.Sync()
	phase, message, results := syncCtx.GetState()
	return phase, message, results, nil
}

func resultKey(r common.ResourceSyncResult) string {
	return r.ResourceKey.String() + ":" + string(r.SyncPhase)
}

func liveIndex(recon sync.ReconciliationResult) map[kube.ResourceKey]*unstructured.Unstructured {
	m := map[kube.ResourceKey]*unstructured.Unstructured{}
	for _, l := range recon.Live {
		if l != nil {
			m[kube.GetResourceKey(l)] = l
		}
	}
	return m
}

// lookupLive finds a live object by key; the engine gives cluster-scoped
// objects the destination namespace in its keys.
func lookupLive(live map[kube.ResourceKey]*unstructured.Unstructured, k kube.ResourceKey) *unstructured.Unstructured {
	if l, ok := live[k]; ok {
		return l
	}
	k.Namespace = ""
	return live[k]
}

func (a *app) waveOf(k kube.ResourceKey, live map[kube.ResourceKey]*unstructured.Unstructured) int {
	if w, ok := a.waves[k]; ok {
		return w
	}
	if l := lookupLive(live, k); l != nil {
		return syncwaves.Wave(l)
	}
	for prefix, w := range a.genWaves {
		if strings.HasPrefix(k.Name, prefix) {
			return w
		}
	}
	k.Namespace = ""
	return a.waves[k]
}

// pending describes what the current step waits for: every resource whose
// operation is Running, with its live health.
func (a *app) pending(op operation, recon sync.ReconciliationResult) (string, []string) {
	live := liveIndex(recon)
	var items []string
	label := ""
	minWave := 0
	var minPhase common.SyncPhase
	for _, r := range op.results {
		if r.HookPhase != common.OperationRunning {
			continue
		}
		w := a.waveOf(r.ResourceKey, live)
		if label == "" || w < minWave {
			minWave, minPhase = w, r.SyncPhase
			label = waveLabel(minPhase, minWave)
		}
		l := lookupLive(live, r.ResourceKey)
		var what string
		switch {
		case l == nil:
			what = "not in the cluster yet"
		default:
			h, err := health.GetResourceHealth(l, nil)
			switch {
			case err != nil:
				what = "health unknown: " + err.Error()
			case h == nil:
				what = "no health check"
			default:
				what = healthText(h)
			}
		}
		items = append(items, fmt.Sprintf("%s %s", refOfKey(r.ResourceKey), what))
	}
	sort.Strings(items)
	return label, items
}

func (a *app) waitingLine(op operation, recon sync.ReconciliationResult) string {
	label, items := a.pending(op, recon)
	if len(items) == 0 {
		return fmt.Sprintf("waiting: %s", op.message)
	}
	return fmt.Sprintf("waiting for %s: %s", label, joinLimited(items, 10))
}

func (a *app) reportTimeout(op operation, recon sync.ReconciliationResult) {
	label, items := a.pending(op, recon)
	if len(items) == 0 {
		a.rep.printf("sync timed out after %s: %s", a.opts.timeout, op.message)
		return
	}
	a.rep.printf("sync timed out after %s waiting for %s: %s", a.opts.timeout, label, joinLimited(items, 20))
}

func (a *app) reportFailure(op operation, start time.Time) {
	var failed []string
	label := ""
	for _, r := range op.results {
		bad := r.Status == common.ResultCodeSyncFailed ||
			r.HookPhase == common.OperationFailed || r.HookPhase == common.OperationError
		if !bad {
			continue
		}
		if label == "" {
			label = waveLabel(r.SyncPhase, a.waveOf(r.ResourceKey, nil))
		}
		what := string(r.HookPhase)
		if r.Status == common.ResultCodeSyncFailed {
			what = string(r.Status)
		}
		if r.Message != "" {
			what += ": " + shorten(r.Message)
		}
		failed = append(failed, fmt.Sprintf("%s %s", refOfKey(r.ResourceKey), what))
	}
	if len(failed) == 0 {
		a.rep.printf("sync %s after %s: %s", op.phase, duration(time.Since(start)), op.message)
		return
	}
	a.rep.printf("sync %s after %s (%s) in %s: %s", op.phase, duration(time.Since(start)), engineReason(op.message), label, joinLimited(failed, 20))
}

// engineReason is the engine's operation message without the per-task
// reasons it appends (they are listed separately).
func engineReason(message string) string {
	if i := strings.Index(message, ", reason: "); i >= 0 {
		return message[:i]
	}
	return message
}

// reportHealth prints the app's health as Argo CD aggregates it, with one
// line per managed resource that is not Healthy.
func (a *app) reportHealth() {
	recon, err := a.settledRecon()
	if err != nil {
		a.rep.printf("health unknown: %v", err)
		return
	}
	appHealth := health.HealthStatusHealthy
	var lines []string
	for i, target := range recon.Target {
		obj, h := a.resourceHealth(target, recon.Live[i])
		if h == nil {
			continue
		}
		if health.IsWorse(appHealth, h.Status) {
			appHealth = h.Status
		}
		if h.Status != health.HealthStatusHealthy {
			lines = append(lines, fmt.Sprintf("%s %s", refOfKey(kube.GetResourceKey(obj)), healthText(h)))
		}
	}
	sort.Strings(lines)
	a.rep.printf("app health %s", appHealth)
	for _, l := range lines {
		a.rep.printf("health %s", l)
	}
}

// settledRecon reconciles once the cache shows every target, or after
// healthSettle.
func (a *app) settledRecon() (sync.ReconciliationResult, error) {
	// The watch events for what the last step applied may still be on their
	// way into the cache: give them a moment, as Argo CD's refresh after
	// an operation would.
	for deadline := time.Now().Add(healthSettle); ; time.Sleep(200 * time.Millisecond) {
		recon, err := a.reconcile()
		if err != nil {
			return recon, err
		}
		if allLive(recon) || time.Now().After(deadline) {
			return recon, nil
		}
	}
}

// resourceHealth is the health one resource adds to the app's, and the
// object it is reported as; a nil health when it adds none (hooks, ignored
// or unmanaged resources, kinds without a health check).
func (a *app) resourceHealth(target, live *unstructured.Unstructured) (*unstructured.Unstructured, *health.HealthStatus) {
	if target != nil && hook.Skip(target) {
		return nil, nil
	}
	if target != nil && target.GetAnnotations()[ignoreHealthCheckAnnotation] == "true" {
		return nil, nil
	}
	if live != nil && (hook.IsHook(live) || ignore.Ignore(live)) {
		return nil, nil
	}
	obj := target
	if obj == nil {
		obj = live
	}
	if obj == nil || hook.IsHook(obj) || !isSelfReferencedObj(live, target, a.opts.app) {
		return nil, nil
	}
	if live == nil {
		// Missing counts only for kinds that have a health check.
		if health.GetHealthCheckFunc(obj.GroupVersionKind()) == nil {
			return nil, nil
		}
		return obj, &health.HealthStatus{Status: health.HealthStatusMissing}
	}
	h, _ := health.GetResourceHealth(live, nil)
	return obj, h
}

// allLive reports whether every target has a live counterpart.
func allLive(recon sync.ReconciliationResult) bool {
	for i, t := range recon.Target {
		if t != nil && recon.Live[i] == nil {
			return false
		}
	}
	return true
}

// recreated lists synced resources whose live object now has another UID
// than before the sync (deleted and created again), beyond those already
// seen created.
func (a *app) recreated(op operation) ([]kube.ResourceKey, error) {
	seen := map[kube.ResourceKey]bool{}
	for _, k := range op.created {
		seen[k] = true
	}
	recon, err := a.reconcile()
	if err != nil {
		return nil, err
	}
	live := liveIndex(recon)
	var out []kube.ResourceKey
	for _, r := range op.results {
		if r.Status != common.ResultCodeSynced || seen[r.ResourceKey] {
			continue
		}
		l := lookupLive(live, r.ResourceKey)
		if l == nil {
			continue
		}
		before, ok := a.initialUIDs[kube.GetResourceKey(l)]
		if ok && before != l.GetUID() {
			seen[r.ResourceKey] = true
			out = append(out, r.ResourceKey)
		}
	}
	return out, nil
}
