package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/fluxcd/cli-utils/pkg/kstatus/polling"
	"github.com/fluxcd/cli-utils/pkg/kstatus/status"
	"github.com/fluxcd/cli-utils/pkg/object"
	"github.com/fluxcd/pkg/runtime/statusreaders"
	"github.com/fluxcd/pkg/ssa"
	"github.com/fluxcd/pkg/ssa/normalize"
	ssautil "github.com/fluxcd/pkg/ssa/utils"
)

// reconciler does for one Kustomization what kustomize-controller's
// reconcile does: build, apply in stages, record the inventory, prune,
// and wait with kstatus.
type reconciler struct {
	kube    client.Client
	mapper  meta.RESTMapper
	poller  *polling.StatusPoller
	root    string
	state   stateDir
	out     *printer
	maxWait time.Duration
	// pollInterval is how often kstatus polls: Flux uses 5 seconds.
	pollInterval time.Duration

	mu      sync.Mutex
	changes []string // "<action> <object>" of every entry that is not unchanged or skipped
	objects int      // objects applied, in all Kustomizations
}

// concurrentSSA is kustomize-controller's --concurrent-ssa default.
const concurrentSSA = 4

func (r *reconciler) manager() *ssa.ResourceManager {
	m := ssa.NewResourceManager(r.kube, r.poller, ssa.Owner{Field: fieldManager, Group: fluxGroup})
	m.SetConcurrency(concurrentSSA)
	return m
}

// hooks let the scheduler see the Kustomizations a build brings (before
// anything is applied, so that it can refuse a bad graph) and learn when
// they exist (once the parent's apply went through).
type hooks struct {
	built   func(children []*kustomization) error
	applied func()
}

// reconcile runs one Kustomization to Ready, or says why not.
func (r *reconciler) reconcile(ctx context.Context, k *kustomization, h hooks) error {
	start := time.Now()
	if len(k.Ignored) > 0 {
		r.out.ksf(k, "warning: not supported by flux-sync, ignored: spec.%s", strings.Join(k.Ignored, ", spec."))
	}
	r.out.ksf(k, "reconciling %s (timeout %s)", k.Path, k.Timeout)

	applyCtx, cancel := context.WithTimeout(ctx, k.Timeout)
	defer cancel()

	built, err := build(applyCtx, r.kube, r.root, k)
	if err != nil {
		return fmt.Errorf("build failed: %w", err)
	}
	r.out.maskSecrets(built)
	kids, objects := splitKustomizations(built)
	children, err := r.children(k, kids)
	if err != nil {
		return err
	}
	if err := h.built(children); err != nil {
		return err
	}
	objects = r.dropSources(k, objects)

	m := r.manager()
	changeSet, err := r.apply(applyCtx, m, k, objects)
	if err != nil {
		return err
	}
	h.applied()
	if err := r.recordAndPrune(applyCtx, m, k, changeSet); err != nil {
		return err
	}

	r.mu.Lock()
	r.objects += len(objects)
	r.mu.Unlock()

	if err := r.checkHealth(ctx, m, k, changeSet, ssautil.ExtractJobsWithTTL(objects)); err != nil {
		return err
	}
	r.out.ksf(k, "Ready in %.1fs", time.Since(start).Seconds())
	return nil
}

// children parses the Kustomizations that k's build brings, less k itself.
func (r *reconciler) children(k *kustomization, kids []*unstructured.Unstructured) ([]*kustomization, error) {
	var children []*kustomization
	for _, u := range kids {
		if u.GetName() == k.Name && (u.GetNamespace() == k.Namespace || u.GetNamespace() == "") {
			// A Kustomization that applies itself, as flux bootstrap lays
			// out flux-system: it is this one.
			continue
		}
		if u.GetNamespace() == "" {
			// kustomize-controller's apply fails on a namespaced object
			// without a namespace.
			return nil, fmt.Errorf("Kustomization %s has no metadata.namespace: Flux cannot apply it", u.GetName())
		}
		c, err := parseKustomization(u, u.GetNamespace(), r.maxWait)
		if err != nil {
			return nil, err
		}
		children = append(children, c)
	}
	return children, nil
}

// dropSources removes the Flux sources from objects, saying so.
func (r *reconciler) dropSources(k *kustomization, objects []*unstructured.Unstructured) []*unstructured.Unstructured {
	return slices.DeleteFunc(objects, func(o *unstructured.Unstructured) bool {
		if isFluxSource(o) {
			r.out.ksf(k, "%s not applied: a Flux source, which -root stands for", fmtChange(object.UnstructuredToObjMetadata(o)))
			return true
		}
		return false
	})
}

// apply labels objects as k's, normalizes them, and applies them in
// stages; the change set holds what was applied, even on failure.
func (r *reconciler) apply(ctx context.Context, m *ssa.ResourceManager, k *kustomization, objects []*unstructured.Unstructured) (*ssa.ChangeSet, error) {
	m.SetOwnerLabels(objects, k.Name, k.Namespace)
	if err := normalize.UnstructuredList(objects); err != nil {
		return nil, err
	}
	if labels, annotations := commonMetadata(k); labels != nil || annotations != nil {
		ssautil.SetCommonMetadata(objects, labels, annotations)
	}

	changeSet := ssa.NewChangeSet()
	if len(objects) > 0 {
		cs, err := m.ApplyAllStaged(ctx, objects, applyOptions(k))
		if cs != nil {
			r.report(k, cs.Entries)
			changeSet.Append(cs.Entries)
		}
		if err != nil {
			return nil, fmt.Errorf("apply failed: %w", err)
		}
	}
	return changeSet, nil
}

// recordAndPrune saves k's new inventory and, with prune, deletes what the
// previous one held and this one does not.
func (r *reconciler) recordAndPrune(ctx context.Context, m *ssa.ResourceManager, k *kustomization, changeSet *ssa.ChangeSet) error {
	// The inventory is recorded before pruning, as Flux sets
	// status.inventory before it collects garbage.
	prev, err := r.state.load(k.Namespace, k.Name)
	if err != nil {
		return err
	}
	inv := &inventory{Name: k.Name, Namespace: k.Namespace, Path: k.Path, Prune: k.Prune,
		Entries: entriesFromChangeSet(changeSet)}
	if err := r.state.save(inv); err != nil {
		return err
	}
	if prev == nil || !k.Prune {
		return nil
	}
	stale := staleEntries(prev.Entries, inv.Entries)
	if len(stale) == 0 {
		return nil
	}
	survivors, err := r.prune(ctx, m, k, stale)
	if err != nil {
		inv.Entries = mergeEntries(inv.Entries, survivors)
		if serr := r.state.save(inv); serr != nil {
			return serr
		}
		return fmt.Errorf("prune failed: %w", err)
	}
	return nil
}

// applyOptions are kustomize-controller's: the per-object annotations
// kustomize.toolkit.fluxcd.io/{reconcile,ssa,force} and the cleanup of
// fields that kubectl or older Flux versions own.
func applyOptions(k *kustomization) ssa.ApplyOptions {
	opts := ssa.DefaultApplyOptions()
	opts.Force = k.Force
	opts.ExclusionSelector = map[string]string{
		fluxGroup + "/reconcile": "disabled",
		fluxGroup + "/ssa":       "Ignore",
	}
	opts.IfNotPresentSelector = map[string]string{fluxGroup + "/ssa": "IfNotPresent"}
	opts.ForceSelector = map[string]string{fluxGroup + "/force": "enabled"}
	opts.Cleanup = ssa.ApplyCleanupOptions{
		Annotations: []string{
			corev1.LastAppliedConfigAnnotation,
			fluxGroup + "/checksum",
			"fluxcd.io/sync-checksum",
		},
		Labels: []string{"fluxcd.io/sync-gc-mark"},
		FieldManagers: []ssa.FieldManager{
			{Name: "kubectl", OperationType: metav1.ManagedFieldsOperationApply},
			{Name: "kubectl", OperationType: metav1.ManagedFieldsOperationUpdate},
			{Name: "before-first-apply", OperationType: metav1.ManagedFieldsOperationUpdate},
			{Name: fieldManager, OperationType: metav1.ManagedFieldsOperationUpdate},
		},
		Exclusions: map[string]string{fluxGroup + "/ssa": "Merge"},
	}
	return opts
}

// deleteOptions are those of kustomize-controller's garbage collection:
// only objects that carry this Kustomization's owner labels, and none
// annotated prune: disabled, reconcile: disabled or ssa: Ignore.
func deleteOptions(m *ssa.ResourceManager, name, namespace string) ssa.DeleteOptions {
	return ssa.DeleteOptions{
		PropagationPolicy: metav1.DeletePropagationBackground,
		Inclusions:        m.GetOwnerLabels(name, namespace),
		Exclusions: map[string]string{
			fluxGroup + "/prune":     "disabled",
			fluxGroup + "/reconcile": "disabled",
			fluxGroup + "/ssa":       "Ignore",
		},
	}
}

func commonMetadata(k *kustomization) (labels, annotations map[string]string) {
	labels, _, _ = unstructured.NestedStringMap(k.obj.Object, "spec", "commonMetadata", "labels")
	annotations, _, _ = unstructured.NestedStringMap(k.obj.Object, "spec", "commonMetadata", "annotations")
	return labels, annotations
}

// report prints change-set entries and keeps those that changed something.
func (r *reconciler) report(k *kustomization, entries []ssa.ChangeSetEntry) {
	for _, e := range entries {
		r.out.ksf(k, "%s %s", fmtChange(e.ObjMetadata), e.Action)
		if e.Action != ssa.UnchangedAction && e.Action != ssa.SkippedAction {
			r.mu.Lock()
			r.changes = append(r.changes, fmt.Sprintf("%s %s", e.Action, fmtChange(e.ObjMetadata)))
			r.mu.Unlock()
		}
	}
}

// prune deletes stale objects and returns those whose deletion was not
// confirmed, for the inventory to keep.
func (r *reconciler) prune(ctx context.Context, m *ssa.ResourceManager, k *kustomization, stale []inventoryEntry) ([]inventoryEntry, error) {
	objs, err := objects(stale)
	if err != nil {
		return stale, err
	}
	cs, err := m.DeleteAll(ctx, objs, deleteOptions(m, k.Name, k.Namespace))
	if cs != nil {
		r.report(k, cs.Entries)
	}
	if err == nil {
		return nil, nil
	}
	settled := map[string]bool{}
	if cs != nil {
		for _, e := range cs.Entries {
			if e.Action == ssa.DeletedAction || e.Action == ssa.SkippedAction {
				settled[e.ObjMetadata.String()] = true
			}
		}
	}
	var survivors []inventoryEntry
	for _, e := range stale {
		if !settled[e.ID] {
			survivors = append(survivors, e)
		}
	}
	return survivors, err
}

// checkHealth is kustomize-controller's: with wait, every applied object
// that was not skipped; without, spec.healthChecks; kstatus, polled every
// five seconds, failing fast on a Failed object.
func (r *reconciler) checkHealth(ctx context.Context, m *ssa.ResourceManager, k *kustomization, cs *ssa.ChangeSet, jobsWithTTL object.ObjMetadataSet) error {
	var set object.ObjMetadataSet
	if k.Wait {
		for _, e := range cs.Entries {
			if e.Action != ssa.SkippedAction {
				set = append(set, e.ObjMetadata)
			}
		}
	} else {
		set = k.HealthChecks
	}
	if len(set) == 0 {
		return nil
	}

	start := time.Now()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.progress(ctx, k, set, jobsWithTTL, done)
	}()
	err := m.WaitForSetWithContext(ctx, set, ssa.WaitOptions{
		Interval:    r.pollInterval,
		Timeout:     k.Timeout,
		FailFast:    true,
		JobsWithTTL: jobsWithTTL,
	})
	close(done)
	wg.Wait()
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	r.out.ksf(k, "health check failed after %.1fs: %s", time.Since(start).Seconds(), err)
	statusCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	for _, id := range set {
		s, msg := r.status(statusCtx, id, jobsWithTTL)
		if s != status.CurrentStatus {
			r.out.ksf(k, "not ready: %s %s: %s", fmtObject(id), s, msg)
		}
	}
	return fmt.Errorf("health check failed")
}

// progress looks every five seconds, until done, at the objects that are
// not Current yet, and prints them when that changed, or every 30 seconds.
func (r *reconciler) progress(ctx context.Context, k *kustomization, set object.ObjMetadataSet, jobsWithTTL object.ObjMetadataSet, done <-chan struct{}) {
	const (
		every  = 5 * time.Second
		repeat = 30 * time.Second
	)
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	var last string
	var lastAt time.Time
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		var waiting []string
		for _, id := range set {
			s, msg := r.status(ctx, id, jobsWithTTL)
			if s != status.CurrentStatus {
				waiting = append(waiting, fmt.Sprintf("%s %s: %s", fmtObject(id), s, msg))
			}
		}
		select {
		case <-done:
			return
		default:
		}
		if len(waiting) == 0 {
			continue
		}
		detail := waiting
		more := ""
		if len(detail) > 2 {
			more = fmt.Sprintf("; and %d more", len(detail)-2)
			detail = detail[:2]
		}
		noun := "objects"
		if len(waiting) == 1 {
			noun = "object"
		}
		line := fmt.Sprintf("waiting for %d %s (%s%s)", len(waiting), noun, strings.Join(detail, "; "), more)
		if line == last && time.Since(lastAt) < repeat {
			continue
		}
		last, lastAt = line, time.Now()
		r.out.ksf(k, "%s", line)
	}
}

// status computes an object's kstatus now, as the poller would: Flux's
// Job reader for Jobs (Current only once complete), kstatus for the rest.
func (r *reconciler) status(ctx context.Context, id object.ObjMetadata, jobsWithTTL object.ObjMetadataSet) (status.Status, string) {
	mapping, err := r.mapper.RESTMapping(id.GroupKind)
	if err != nil {
		return status.UnknownStatus, err.Error()
	}
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(mapping.GroupVersionKind)
	err = r.kube.Get(ctx, client.ObjectKey{Namespace: id.Namespace, Name: id.Name}, u)
	switch {
	case apierrors.IsNotFound(err):
		if jobsWithTTL.Contains(id) {
			return status.CurrentStatus, "Job deleted after completion (ttlSecondsAfterFinished)"
		}
		return status.NotFoundStatus, "not found"
	case err != nil:
		return status.UnknownStatus, err.Error()
	}
	if id.GroupKind.Group == "batch" && id.GroupKind.Kind == "Job" {
		res := statusreaders.ComputeJobStatus(u)
		return res.Status, res.Message
	}
	res, err := status.Compute(u)
	if err != nil {
		return status.UnknownStatus, err.Error()
	}
	return res.Status, res.Message
}

// finalize deletes what a Kustomization that is gone had applied, as
// kustomize-controller's finalizer does (deletionPolicy MirrorPrune: only
// if it pruned), and forgets its inventory.
func (r *reconciler) finalize(ctx context.Context, inv *inventory) error {
	k := &kustomization{Name: inv.Name, Namespace: inv.Namespace}
	if inv.Prune && len(inv.Entries) > 0 {
		r.out.ksf(k, "no longer defined: deleting its %d objects", len(inv.Entries))
		objs, err := objects(inv.Entries)
		if err != nil {
			return err
		}
		m := r.manager()
		cs, err := m.DeleteAll(ctx, objs, deleteOptions(m, inv.Name, inv.Namespace))
		if cs != nil {
			r.report(k, cs.Entries)
		}
		if err != nil {
			return err
		}
	} else {
		r.out.ksf(k, "no longer defined: forgetting its inventory (prune is off)")
	}
	return r.state.remove(inv.Namespace, inv.Name)
}
