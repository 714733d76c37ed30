package main

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// kubectl runs the pinned kubectl against the cluster.
func (c *cluster) kubectl(args ...string) (string, error) {
	cmd := exec.Command(c.bin.kubectl, append([]string{"--kubeconfig", c.kubeconfig}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// withoutLoadBalancer syncs the output with Argo CD's engine on a cluster
// where nothing gives a LoadBalancer Service an address (kind, bare metal
// without MetalLB). The sync must still complete, since the applications
// are the last wave, and Argo CD reports the Service as Progressing: what
// the README says to expect, and what to set there.
func (cfg *config) withoutLoadBalancer(ctx context.Context, o *output) *result {
	r := &result{title: o.dir + " [argocd, no load-balancer controller]", ok: true}
	c, err := cfg.setUp(ctx, o.dir+"-no-lb", o, zones)
	defer c.stop()
	if err != nil {
		return r.fail("setting up the cluster: %v", err)
	}
	t := time.Now()
	log, err := cfg.engines["argocd"].sync(ctx, c, o, cfg.timeout, false)
	if err != nil {
		return r.fail("the sync did not complete without a load balancer: %v", err)
	}
	_, probs, err := c.settle(ctx, o.namespaces(), 60*time.Second, fresh)
	if err != nil {
		return r.fail("%v", err)
	}
	if len(probs) > 0 {
		r.fail("did not converge:")
		r.lines = append(r.lines, probs...)
		return r
	}
	var lbs []string
	for _, u := range o.objects {
		if t, _, _ := unstructured.NestedString(u.Object, "spec", "type"); u.GetKind() == "Service" && t == "LoadBalancer" {
			lbs = append(lbs, u.GetNamespace()+"/"+u.GetName())
		}
	}
	for _, lb := range lbs {
		// Argo CD's health of the app names the Service.
		if !regexp.MustCompile(`(?m)^argocd: health .*Service ` + regexp.QuoteMeta(lb) + ` Progressing`).MatchString(log) {
			return r.fail("Argo CD does not report Service %s as Progressing without an address; its log:\n%s", lb, lastLines(log, 8))
		}
	}
	r.note("the sync completed in %s with every workload ready; Argo CD reports Service %s Progressing until a load balancer gives it an address", secs(time.Since(t)), strings.Join(lbs, ", "))
	return r
}

// onTwoNodes applies the output to two nodes in two zones. A quorum needs
// three nodes: the third Kafka broker (or ZooKeeper node) must stay
// Pending, with the scheduler's FailedScheduling saying why, rather than
// share a node with another and put the quorum at that node's mercy.
// Everything else runs.
func (cfg *config) onTwoNodes(ctx context.Context, o *output) *result {
	r := &result{title: o.dir + " [two nodes]", ok: true}
	c, err := cfg.setUp(ctx, o.dir+"-two-nodes", o, zones[:2])
	defer c.stop()
	if err != nil {
		return r.fail("setting up the cluster: %v", err)
	}
	if out, err := c.kubectl("apply", "--server-side", "-k", o.dir); err != nil {
		return r.fail("apply: %s", out)
	}
	l, probs, err := c.settle(ctx, o.namespaces(), 30*time.Second, drained)
	if err != nil {
		return r.fail("%v", err)
	}
	quorums := quorumMembers(l)
	if len(quorums) == 0 {
		return r.fail("the output has no quorum spread over nodes")
	}
	pending := 0
	for _, p := range probs {
		// A quorum's own problems are expected: its StatefulSet, the
		// claim of its Pending member, its budget. Nothing else may fail.
		member := false
		for name := range quorums {
			ns, sts, _ := strings.Cut(strings.TrimPrefix(name, "StatefulSet "), "/")
			for _, prefix := range []string{name + ":", "PersistentVolumeClaim " + ns + "/data-" + sts + "-", "PodDisruptionBudget " + ns + "/" + sts + " "} {
				member = member || strings.HasPrefix(p, prefix)
			}
		}
		if !member {
			r.fail("%s", p)
		}
		if strings.Contains(p, "Unschedulable") && strings.Contains(p, "topology spread") {
			pending++
		}
	}
	for name, perNode := range quorums {
		for node, n := range perNode.count {
			if n > perNode.tolerated {
				r.fail("%s has %d members on %s; its quorum survives losing %d", name, n, node, perNode.tolerated)
			}
		}
	}
	if pending == 0 {
		r.fail("no quorum member was refused a node: %v", probs)
	}
	if r.ok {
		r.note("every other workload ready; %s: one member Pending (FailedScheduling: topology spread), never two on a node", strings.Join(sortedKeys(quorums), ", "))
	}
	return r
}

// quorum is how a quorum's members sit on the nodes.
type quorum struct {
	count     map[string]int
	tolerated int
}

// quorumMembers finds the StatefulSets whose pods must be spread over
// nodes (a required host spread) and counts their pods per node.
func quorumMembers(l *live) map[string]quorum {
	out := map[string]quorum{}
	for _, s := range l.statefulSets {
		for _, tsc := range s.Spec.Template.Spec.TopologySpreadConstraints {
			if tsc.TopologyKey != labelHostname || tsc.WhenUnsatisfiable != corev1.DoNotSchedule {
				continue
			}
			n := int(*s.Spec.Replicas)
			q := quorum{count: map[string]int{}, tolerated: max((n-1)/2, 1)}
			for _, p := range l.pods {
				if p.Namespace == s.Namespace && p.Labels["app.kubernetes.io/component"] == s.Spec.Template.Labels["app.kubernetes.io/component"] && p.Spec.NodeName != "" {
					q.count[p.Spec.NodeName]++
				}
			}
			out["StatefulSet "+s.Namespace+"/"+s.Name] = q
		}
	}
	return out
}

// underPressure applies the applications first, then the datastores, to
// nodes too small for everything: the datastores' priority must get them
// scheduled (the scheduler preempts stateless replicas for them), and only
// stateless replicas may wait.
func (cfg *config) underPressure(ctx context.Context, o *output) *result {
	r := &result{title: o.dir + " [too little CPU]", ok: true}
	d, err := measureCPU(o.dir)
	if err != nil {
		return r.fail("%v", err)
	}
	// Room for the datastores (their share per node, and the biggest of
	// them on top) and part of the rest: not for everything.
	perNode := math.Ceil((d.stateful/3+d.biggest)*10) / 10
	if perNode*3 >= d.stateful+d.stateless {
		return r.fail("cannot size a cluster too small for the output (%.2f CPU stateful, %.2f stateless)", d.stateful, d.stateless)
	}
	c, err := cfg.smallCluster(ctx, o, fmt.Sprintf("%.1f", perNode))
	defer c.stop()
	if err != nil {
		return r.fail("%v", err)
	}
	if err := c.applyFiles(d.otherFiles); err != nil {
		return r.fail("%v", err)
	}
	time.Sleep(5 * time.Second) // the stateless replicas take the room first
	if err := c.applyFiles(d.statefulFiles); err != nil {
		return r.fail("%v", err)
	}
	// Stateless replicas are meant to wait here: the checks' verdict is
	// not the point, where each pod landed is.
	l, _, err := c.settle(ctx, o.namespaces(), 30*time.Second, drained)
	if err != nil {
		return r.fail("%v", err)
	}
	waiting := 0
	for _, p := range l.pods {
		if podReady(&p) {
			continue
		}
		owner := ""
		if len(p.OwnerReferences) > 0 {
			owner = p.OwnerReferences[0].Kind
		}
		if owner == "StatefulSet" {
			r.fail("datastore pod %s is not running: %s", p.Name, l.why(&p))
		} else if p.Status.Phase == corev1.PodPending {
			waiting++
		}
	}
	if r.ok && waiting == 0 {
		r.fail("the cluster was not short of CPU: nothing waited")
	}
	if r.ok {
		r.note("nodes of %s CPU (the datastores ask %.2f, the rest %.2f in all): every datastore pod runs, %d stateless pods wait", c.nodeCPU, d.stateful, d.stateless, waiting)
	}
	return r
}

// cpuDemand is the CPU an output's workloads request in all, the
// StatefulSets' apart, and its files split by whether they hold one.
type cpuDemand struct {
	stateful, stateless float64
	// biggest is the largest request of one StatefulSet pod.
	biggest                   float64
	statefulFiles, otherFiles []string
}

func measureCPU(dir string) (cpuDemand, error) {
	var d cpuDemand
	files, _ := filepath.Glob(filepath.Join(dir, "*.k8s.yaml"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return d, err
		}
		objs, err := parseManifests(data)
		if err != nil {
			return d, err
		}
		sts := false
		for _, w := range workloads(objs) {
			cpu := w.cpu.AsApproximateFloat64()
			if w.kind == "StatefulSet" {
				sts = true
				d.stateful += cpu * float64(w.replicas)
				d.biggest = max(d.biggest, cpu)
			} else {
				d.stateless += cpu * float64(w.replicas)
			}
		}
		if sts {
			d.statefulFiles = append(d.statefulFiles, f)
		} else {
			d.otherFiles = append(d.otherFiles, f)
		}
	}
	return d, nil
}

// smallCluster starts a three-zone cluster of nodes with cpu CPU each,
// with storage for the output's claims and what a user prepares by hand.
func (cfg *config) smallCluster(ctx context.Context, o *output, cpu string) (*cluster, error) {
	c, err := cfg.newCluster(o.dir + "-pressure")
	if err != nil {
		return c, err
	}
	c.nodeCPU = cpu
	if err := c.addNodes(ctx, zones, o.nodePools()); err != nil {
		return c, err
	}
	claims, _ := o.claims()
	if err := c.addStorage(ctx, claims); err != nil {
		return c, err
	}
	return c, c.prepare(ctx, o, cfg.crds)
}

// applyFiles applies manifest files with kubectl, server-side.
func (c *cluster) applyFiles(files []string) error {
	args := []string{"apply", "--server-side"}
	for _, f := range files {
		args = append(args, "-f", f)
	}
	if out, err := c.kubectl(args...); err != nil {
		return fmt.Errorf("apply: %s", out)
	}
	return nil
}
