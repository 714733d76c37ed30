package main

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/kubectl/pkg/drain"
)

// drainBound is how long a drain may take: kubectl drain's own timeout.
// Every disruption budget must let it finish within it. A node with two
// members of one quorum takes two minutes at least: the disruption
// controller counts an evicted StatefulSet pod as disrupted for two
// minutes (DeletionTimeout), even once its replacement, of the same name,
// is ready, so the second member waits that long.
const drainBound = 3 * time.Minute

// drainResult is what a drain did.
type drainResult struct {
	node, replacement string
	took              time.Duration
}

// busiestNode is the node whose drain is hardest: the one with the most
// members of one quorum (each waits for the one before to be back), then
// the most pods (the first by name on a tie).
func (l *live) busiestNode() string {
	count := map[string]int{}
	for _, p := range l.pods {
		if p.Spec.NodeName != "" && p.Status.Phase == corev1.PodRunning {
			count[p.Spec.NodeName]++
		}
	}
	for _, q := range quorumMembers(l) {
		for node, n := range q.count {
			count[node] += 1000 * (n - 1)
		}
	}
	names := sortedKeys(count)
	sort.SliceStable(names, func(i, j int) bool { return count[names[i]] > count[names[j]] })
	if len(names) == 0 {
		return ""
	}
	return names[0]
}

// drainNode replaces a node the way a managed node pool upgrades one: a
// new node joins in the same zone (a volume stays in its zone, so a pod
// bound to one can only move within it), then the old one is cordoned and
// drained through the eviction API, as kubectl drain does: each eviction
// waits for the PodDisruptionBudgets to allow it.
func (c *cluster) drainNode(ctx context.Context, node string, bound time.Duration) (drainResult, string, error) {
	res := drainResult{node: node, replacement: node + "-next"}
	n, err := c.client.CoreV1().Nodes().Get(ctx, node, metav1.GetOptions{})
	if err != nil {
		return res, "", err
	}
	// The replacement joins the drained node's pool, as a node group's
	// next node does.
	if err := c.addNode(ctx, res.replacement, n.Labels[labelZone], poolOf(n)); err != nil {
		return res, "", err
	}
	err = c.waitFor(ctx, 60*time.Second, "node "+res.replacement+" Ready", func() (bool, string, error) {
		n, err := c.client.CoreV1().Nodes().Get(ctx, res.replacement, metav1.GetOptions{})
		if err != nil {
			return false, "", err
		}
		return nodeReady(n), "not Ready", nil
	})
	if err != nil {
		return res, "", err
	}
	var log bytes.Buffer
	h := &drain.Helper{
		Ctx: ctx, Client: c.client,
		GracePeriodSeconds:  -1, // each pod's own
		IgnoreAllDaemonSets: true,
		DeleteEmptyDirData:  true, // scratch space only; data is on volumes
		Timeout:             bound,
		Out:                 &log, ErrOut: &log,
	}
	start := time.Now()
	if err := drain.RunCordonOrUncordon(h, n, true); err != nil {
		return res, log.String(), fmt.Errorf("cordoning %s: %w", node, err)
	}
	waiting(ctx, 10*time.Second, func() {
		err = drain.RunNodeDrain(h, node)
		res.took = time.Since(start)
	})
	if err != nil {
		return res, log.String(), fmt.Errorf("draining %s did not finish within %s: %w", node, bound, err)
	}
	return res, log.String(), nil
}

// volumes maps each claim to its volume and UID: after a drain, every
// claim must still be bound to the same volume.
func (l *live) volumes() map[string]string {
	out := map[string]string{}
	for _, pvc := range l.claims {
		out[pvc.Namespace+"/"+pvc.Name] = string(pvc.UID) + " " + pvc.Spec.VolumeName
	}
	return out
}

func volumeProblems(before, after map[string]string) []string {
	var out []string
	for _, k := range sortedKeys(before) {
		if after[k] != before[k] {
			out = append(out, fmt.Sprintf("PersistentVolumeClaim %s was %q before the drain and is %q after: a volume was lost", k, before[k], after[k]))
		}
	}
	return out
}

// blockingBudgets names the disruption budgets that allow no disruption
// now: what a drain that does not finish waits for.
func (c *cluster) blockingBudgets(ctx context.Context, namespaces []string) string {
	var out []string
	for _, ns := range namespaces {
		pdbs, err := c.client.PolicyV1().PodDisruptionBudgets(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return err.Error()
		}
		for _, p := range pdbs.Items {
			if p.Status.DisruptionsAllowed < 1 {
				out = append(out, fmt.Sprintf("PodDisruptionBudget %s/%s allows no disruption (%d of %d pods healthy, %d desired)", ns, p.Name, p.Status.CurrentHealthy, p.Status.ExpectedPods, p.Status.DesiredHealthy))
			}
		}
	}
	if len(out) == 0 {
		return "no disruption budget blocks it"
	}
	return "the drain waits for: " + strings.Join(out, "; ")
}

// blockers are the last eviction refusals a failed drain logged.
func blockers(log string) string {
	var out []string
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "disruption budget") {
			out = append(out, strings.TrimSpace(line))
		}
	}
	if len(out) > 3 {
		out = out[len(out)-3:]
	}
	return strings.Join(out, "\n")
}
