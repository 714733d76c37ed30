package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// live is what the checks read of the cluster, in the output's namespaces.
type live struct {
	nodes        []corev1.Node
	pods         []corev1.Pod
	deployments  []appsv1.Deployment
	statefulSets []appsv1.StatefulSet
	services     []corev1.Service
	slices       []discoveryv1.EndpointSlice
	claims       []corev1.PersistentVolumeClaim
	jobs         []string // problems of Jobs
	hpas         []autoscalingv2.HorizontalPodAutoscaler
	pdbs         []policyv1.PodDisruptionBudget
	events       []corev1.Event
}

// read lists the nodes, and in each namespace what the checks look at.
func (c *cluster) read(ctx context.Context, namespaces []string) (*live, error) {
	l := &live{}
	nodes, err := c.client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	l.nodes = nodes.Items
	for _, ns := range namespaces {
		if err := c.readWorkloads(ctx, ns, l); err != nil {
			return nil, err
		}
		if err := c.readServicesAndClaims(ctx, ns, l); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// readWorkloads adds to l the pods of ns, its workloads, the problems of
// its Jobs, its autoscalers and budgets, and its events.
func (c *cluster) readWorkloads(ctx context.Context, ns string, l *live) error {
	pods, err := c.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	l.pods = append(l.pods, pods.Items...)
	deps, err := c.client.AppsV1().Deployments(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	l.deployments = append(l.deployments, deps.Items...)
	sts, err := c.client.AppsV1().StatefulSets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	l.statefulSets = append(l.statefulSets, sts.Items...)
	jobs, err := c.client.BatchV1().Jobs(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	for _, j := range jobs.Items {
		if !jobComplete(&j) {
			l.jobs = append(l.jobs, fmt.Sprintf("Job %s/%s has not completed (active %d, failed %d)", ns, j.Name, j.Status.Active, j.Status.Failed))
		}
	}
	hpas, err := c.client.AutoscalingV2().HorizontalPodAutoscalers(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	l.hpas = append(l.hpas, hpas.Items...)
	pdbs, err := c.client.PolicyV1().PodDisruptionBudgets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	l.pdbs = append(l.pdbs, pdbs.Items...)
	events, err := c.client.CoreV1().Events(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	l.events = append(l.events, events.Items...)
	return nil
}

// readServicesAndClaims adds to l the Services of ns, their EndpointSlices
// and the PersistentVolumeClaims.
func (c *cluster) readServicesAndClaims(ctx context.Context, ns string, l *live) error {
	svcs, err := c.client.CoreV1().Services(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	l.services = append(l.services, svcs.Items...)
	slices, err := c.client.DiscoveryV1().EndpointSlices(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	l.slices = append(l.slices, slices.Items...)
	pvcs, err := c.client.CoreV1().PersistentVolumeClaims(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	l.claims = append(l.claims, pvcs.Items...)
	return nil
}

func podReady(p *corev1.Pod) bool {
	if p.DeletionTimestamp != nil {
		return false
	}
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// why says why a pod is not ready: the scheduler's reason when it could
// not place it.
func (l *live) why(p *corev1.Pod) string {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse {
			return fmt.Sprintf("Pending: %s: %s", c.Reason, c.Message)
		}
	}
	if p.Spec.NodeName == "" {
		return "Pending: not scheduled yet"
	}
	return fmt.Sprintf("%s on %s", p.Status.Phase, p.Spec.NodeName)
}

// podsOf are the pods a selector matches in ns.
func (l *live) podsOf(ns string, sel labels.Selector) []corev1.Pod {
	var out []corev1.Pod
	for _, p := range l.pods {
		if p.Namespace == ns && sel.Matches(labels.Set(p.Labels)) && p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			out = append(out, p)
		}
	}
	return out
}

// workloadProblems: every Deployment and StatefulSet has all its replicas
// ready and up to date; for the others, each pod that is not ready, and
// why.
func (l *live) workloadProblems() []string {
	var out []string
	check := func(kind, ns, name string, sel *metav1.LabelSelector, want, ready, updated int32, gen, observed int64) {
		if ready == want && updated == want && observed >= gen {
			return
		}
		s, _ := metav1.LabelSelectorAsSelector(sel)
		var why []string
		for _, p := range l.podsOf(ns, s) {
			if !podReady(&p) {
				why = append(why, p.Name+": "+l.why(&p))
			}
		}
		out = append(out, fmt.Sprintf("%s %s/%s: %d of %d replicas ready, %d up to date; %s", kind, ns, name, ready, want, updated, strings.Join(why, "; ")))
	}
	for _, d := range l.deployments {
		want := int32(1)
		if d.Spec.Replicas != nil {
			want = *d.Spec.Replicas
		}
		check("Deployment", d.Namespace, d.Name, d.Spec.Selector, want, d.Status.ReadyReplicas, d.Status.UpdatedReplicas, d.Generation, d.Status.ObservedGeneration)
	}
	for _, s := range l.statefulSets {
		want := int32(1)
		if s.Spec.Replicas != nil {
			want = *s.Spec.Replicas
		}
		check("StatefulSet", s.Namespace, s.Name, s.Spec.Selector, want, s.Status.ReadyReplicas, s.Status.UpdatedReplicas, s.Generation, s.Status.ObservedGeneration)
	}
	return out
}

// serviceProblems: every Service with a selector has exactly the ready
// endpoints of the pods it is meant for: pods of its own component, all of
// them ready, and at least one.
func (l *live) serviceProblems() []string {
	var out []string
	for _, svc := range l.services {
		if len(svc.Spec.Selector) == 0 {
			continue
		}
		name := "Service " + svc.Namespace + "/" + svc.Name
		pods := l.podsOf(svc.Namespace, labels.SelectorFromSet(svc.Spec.Selector))
		if len(pods) == 0 {
			out = append(out, fmt.Sprintf("%s selects no pod (selector %v)", name, svc.Spec.Selector))
			continue
		}
		want := map[string]bool{}
		for _, p := range pods {
			if comp := svc.Labels["app.kubernetes.io/component"]; comp != "" && p.Labels["app.kubernetes.io/component"] != comp {
				out = append(out, fmt.Sprintf("%s (component %s) selects pod %s of component %s", name, comp, p.Name, p.Labels["app.kubernetes.io/component"]))
			}
			if podReady(&p) && p.Status.PodIP != "" {
				want[p.Status.PodIP] = true
			}
		}
		got := map[string]bool{}
		for _, s := range l.slices {
			if s.Namespace != svc.Namespace || s.Labels[discoveryv1.LabelServiceName] != svc.Name {
				continue
			}
			for _, e := range s.Endpoints {
				if e.Conditions.Ready != nil && *e.Conditions.Ready {
					for _, a := range e.Addresses {
						got[a] = true
					}
				}
			}
		}
		if missing, extra := setDiff(want, got), setDiff(got, want); len(missing)+len(extra) > 0 || len(got) == 0 {
			out = append(out, fmt.Sprintf("%s: ready endpoints %v, ready pods %v (missing %v, extra %v)", name, sortedKeys(got), sortedKeys(want), missing, extra))
		}
	}
	return out
}

func setDiff(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

func (l *live) claimProblems() []string {
	var out []string
	for _, pvc := range l.claims {
		if pvc.Status.Phase != corev1.ClaimBound {
			msg := ""
			for _, e := range l.events {
				if e.InvolvedObject.Kind == "PersistentVolumeClaim" && e.InvolvedObject.Name == pvc.Name && e.InvolvedObject.Namespace == pvc.Namespace {
					msg = ": " + e.Reason + ": " + e.Message
				}
			}
			out = append(out, fmt.Sprintf("PersistentVolumeClaim %s/%s is %s, not Bound%s", pvc.Namespace, pvc.Name, pvc.Status.Phase, msg))
		}
	}
	return out
}

// hpaProblems: every autoscaler finds its target (AbleToScale). The
// simulated cluster has no metrics API, so ScalingActive stays False.
func (l *live) hpaProblems() []string {
	var out []string
	for _, h := range l.hpas {
		ok := false
		for _, c := range h.Status.Conditions {
			if c.Type == autoscalingv2.AbleToScale && c.Status == corev1.ConditionTrue {
				ok = true
			}
		}
		if !ok {
			out = append(out, fmt.Sprintf("HorizontalPodAutoscaler %s/%s does not resolve its target %s %s", h.Namespace, h.Name, h.Spec.ScaleTargetRef.Kind, h.Spec.ScaleTargetRef.Name))
		}
	}
	return out
}

// budgetProblems: once its pods are healthy, every disruption budget
// allows at least one disruption, or it would block every drain.
func (l *live) budgetProblems() []string {
	var out []string
	for _, p := range l.pdbs {
		if p.Status.DisruptionsAllowed >= 1 {
			continue
		}
		sel, _ := metav1.LabelSelectorAsSelector(p.Spec.Selector)
		var why []string
		for _, pod := range l.podsOf(p.Namespace, sel) {
			if !podReady(&pod) {
				why = append(why, pod.Name+": "+l.why(&pod))
			}
		}
		out = append(out, fmt.Sprintf("PodDisruptionBudget %s/%s allows no disruption (%d of %d pods healthy, %d desired): it would block every drain; %s",
			p.Namespace, p.Name, p.Status.CurrentHealthy, p.Status.ExpectedPods, p.Status.DesiredHealthy, strings.Join(why, "; ")))
	}
	return out
}

// spreadProblems: the pods of each workload are where their topology
// spread constraints put them. Hard constraints (DoNotSchedule) hold
// always; soft ones are checked when soft is set (on a fresh placement:
// nothing moves pods back after a drain or a roll).
func (l *live) spreadProblems(soft bool) []string {
	var out []string
	nodeLabels := map[string]map[string]string{}
	for _, n := range l.nodes {
		nodeLabels[n.Name] = n.Labels
	}
	check := func(kind, ns, name string, t corev1.PodTemplateSpec) {
		for _, tsc := range t.Spec.TopologySpreadConstraints {
			hard := tsc.WhenUnsatisfiable == corev1.DoNotSchedule
			if !hard && !soft {
				continue
			}
			sel, _ := metav1.LabelSelectorAsSelector(tsc.LabelSelector)
			counts := map[string]int{}
			for _, n := range l.nodes {
				// As the scheduler counts: with Honor, a tainted node
				// (cordoned, say) is no domain.
				honor := tsc.NodeTaintsPolicy != nil && *tsc.NodeTaintsPolicy == corev1.NodeInclusionPolicyHonor
				if v, ok := n.Labels[tsc.TopologyKey]; ok && !(honor && tainted(&n)) {
					counts[v] += 0
				}
			}
			for _, p := range l.podsOf(ns, sel) {
				if v := nodeLabels[p.Spec.NodeName][tsc.TopologyKey]; p.Spec.NodeName != "" {
					if _, counted := counts[v]; counted {
						counts[v]++
					}
				}
			}
			lo, hi := 1<<30, 0
			for _, n := range counts {
				lo, hi = min(lo, n), max(hi, n)
			}
			if tsc.MinDomains != nil && int(*tsc.MinDomains) > len(counts) {
				lo = 0 // too few domains: the global minimum is taken as 0
			}
			if hi-lo > int(tsc.MaxSkew) {
				mode := "preferred"
				if hard {
					mode = "required"
				}
				out = append(out, fmt.Sprintf("%s %s/%s: pods per %s %v, a skew of %d where the %s spread allows %d", kind, ns, name, tsc.TopologyKey, counts, hi-lo, mode, tsc.MaxSkew))
			}
		}
	}
	for _, d := range l.deployments {
		check("Deployment", d.Namespace, d.Name, d.Spec.Template)
	}
	for _, s := range l.statefulSets {
		check("StatefulSet", s.Namespace, s.Name, s.Spec.Template)
	}
	return out
}

// tainted: the node takes no new pods (Caracal's pods tolerate no taint).
func tainted(n *corev1.Node) bool {
	if n.Spec.Unschedulable {
		return true
	}
	for _, t := range n.Spec.Taints {
		if t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute {
			return true
		}
	}
	return false
}

// placement is how the pods came to be where they are, which decides
// what the checks can ask of them.
type placement int

const (
	// fresh: every pod was placed on a cluster without earlier ones; every
	// check holds.
	fresh placement = iota
	// rolled: the pods replaced earlier ones (a sync over a Helm release's
	// pods rolls them). The scheduler weighs the soft spread against the
	// pods of the moment, old ones included, and nothing evens it out once
	// they are gone, so the soft spread is left out.
	rolled
	// drained: after a drain, or on a cluster too small on purpose. The soft
	// spread is left out as when rolled, and budgets too: a budget counts a
	// StatefulSet pod it let go as disrupted for two minutes (DeletionTimeout
	// of the disruption controller), even once its replacement, of the same
	// name, is ready.
	drained
)

// problems runs the checks that hold for pods placed as p.
func (l *live) problems(p placement) []string {
	checks := [][]string{l.workloadProblems(), l.serviceProblems(), l.claimProblems(), l.jobs, l.hpaProblems(), l.spreadProblems(p == fresh)}
	if p != drained {
		checks = append(checks, l.budgetProblems())
	}
	var out []string
	for _, c := range checks {
		out = append(out, c...)
	}
	return out
}

// settle reads the cluster until every check passes or the timeout ends
// (endpoints and budgets follow the pods by a moment), and returns what
// still fails then.
func (c *cluster) settle(ctx context.Context, namespaces []string, timeout time.Duration, p placement) (*live, []string, error) {
	deadline := time.Now().Add(timeout)
	for {
		if err := c.crashed(); err != nil {
			return nil, nil, err
		}
		l, err := c.read(ctx, namespaces)
		if err != nil {
			return nil, nil, err
		}
		probs := l.problems(p)
		if len(probs) == 0 || time.Now().After(deadline) {
			return l, probs, nil
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}
