package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// A migration from a live Helm release: the objects a Helm install of
// the chart creates (base.yaml and <output>.yaml in the releases folder)
// are created as Helm creates them, run, and bind their volumes; then the
// README's runbook ("From a Helm release to GitOps") is run, its kubectl
// commands as written and its sync by the engine, and the cluster must
// hold the output, on the very same claims, with nothing of the release
// left behind.

// runbook is the README's migration, by step: the commands of each block
// marked <!-- migrate: <step> -->.
type runbook map[string][]string

// Steps of the runbook, in order; sync is the engine's.
var runbookSteps = []string{"orphan", "sync", "leftover-pods", "finalize"}

// readRunbook reads the marked blocks of the README.
func readRunbook(path string) (runbook, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rb := runbook{}
	step, inBlock := "", false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "<!-- migrate: ") && strings.HasSuffix(line, " -->"):
			step = strings.TrimSuffix(strings.TrimPrefix(line, "<!-- migrate: "), " -->")
		case step != "" && strings.HasPrefix(line, "```"):
			if inBlock {
				step = ""
			}
			inBlock = !inBlock
		case inBlock && line != "" && !strings.HasPrefix(line, "#"):
			rb[step] = append(rb[step], line)
		}
	}
	for _, s := range runbookSteps {
		if len(rb[s]) == 0 {
			return nil, fmt.Errorf("%s: no commands for the migration step %q (a block after <!-- migrate: %s -->)", path, s, s)
		}
	}
	return rb, sc.Err()
}

// run runs the kubectl commands of a step, as written: the runbook holds
// no shell syntax, so the words are the arguments.
func (rb runbook) run(c *cluster, step string) ([]string, error) {
	var log []string
	for _, line := range rb[step] {
		words := strings.Fields(line)
		if words[0] != "kubectl" || strings.ContainsAny(line, "|;&$`\"'<>") {
			return log, fmt.Errorf("step %s: %q is not a plain kubectl command", step, line)
		}
		out, err := c.kubectl(words[1:]...)
		log = append(log, "$ "+line+"\n"+strings.TrimSpace(out))
		if err != nil {
			return log, fmt.Errorf("step %s: %s: %v\n%s", step, line, err, out)
		}
	}
	return log, nil
}

// helmRelease is the fixture of a release an output migrates from.
type helmRelease struct {
	files []string // base.yaml, <output>.yaml
}

// readHelmRelease finds the release an output (dir) migrates from: none
// when the folder has no file of its name.
func readHelmRelease(dir, output string) (*helmRelease, error) {
	if dir == "" {
		return nil, nil
	}
	own := filepath.Join(dir, filepath.Base(filepath.Clean(output))+".yaml")
	if _, err := os.Stat(own); os.IsNotExist(err) {
		return nil, nil
	}
	base := filepath.Join(dir, "base.yaml")
	if _, err := os.Stat(base); err != nil {
		return nil, err
	}
	return &helmRelease{files: []string{base, own}}, nil
}

// claimState is what identifies a claim's data: its UID and its volume.
type claimState struct{ uid, volume string }

// migrate runs the runbook from the release to the output with an engine.
func (cfg *config) migrate(ctx context.Context, o *output, rel *helmRelease, rb runbook, mode string) *result {
	r := &result{title: fmt.Sprintf("migration from a Helm release to %s [%s]", o.dir, mode), ok: true}
	c, err := cfg.newCluster("helm-" + o.dir + "-" + mode)
	defer c.stop()
	if err != nil {
		return r.fail("setting up the cluster: %v", err)
	}
	before, err := cfg.installRelease(ctx, c, o, rel)
	if err != nil {
		return r.fail("the Helm release: %v", err)
	}
	r.note("the Helm release runs: %d claims bound (%s)", len(before), strings.Join(sortedKeys(before), ", "))
	if !cfg.runMigration(ctx, r, c, o, rb, mode) {
		return r
	}
	after, err := c.claimStates(ctx, o.namespaces()[0])
	if err != nil {
		return r.fail("%v", err)
	}
	for _, p := range claimProblems(before, after) {
		r.fail("%s", p)
	}
	for _, p := range c.statefulPodProblems(ctx, o.namespaces()[0], before) {
		r.fail("%s", p)
	}
	for _, p := range c.chartFieldProblems(ctx, o.namespaces()[0]) {
		r.fail("%s", p)
	}
	left, err := c.helmLeftovers(ctx, o.namespaces()[0])
	if err != nil {
		return r.fail("%v", err)
	}
	for _, l := range left {
		r.fail("left of the Helm release: %s", l)
	}
	if r.ok {
		r.note("the same %d claims (same UIDs, same volumes) are bound to the new StatefulSets' pods; nothing of the release is left", len(before))
	}
	return r
}

// installRelease creates the release's objects as Helm does (in a
// namespace helm --create-namespace made, with Helm's field manager),
// waits for its pods and claims, and returns its claims.
func (cfg *config) installRelease(ctx context.Context, c *cluster, o *output, rel *helmRelease) (map[string]claimState, error) {
	if err := c.addNodes(ctx, zones, o.nodePools()); err != nil {
		return nil, err
	}
	claims, err := o.claims()
	if err != nil {
		return nil, err
	}
	if err := c.addStorage(ctx, claims); err != nil {
		return nil, err
	}
	ns := o.namespaces()[0]
	if _, err := c.client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}, metav1.CreateOptions{}); err != nil {
		return nil, err
	}
	args := []string{"create", "--field-manager=helm"}
	for _, f := range rel.files {
		args = append(args, "-f", f)
	}
	if out, err := c.kubectl(args...); err != nil {
		return nil, fmt.Errorf("%v: %s", err, out)
	}
	if err := c.installCRDs(ctx, o, cfg.crds); err != nil {
		return nil, err
	}
	_, probs, err := c.settle(ctx, []string{ns}, 90*time.Second, fresh)
	if err != nil {
		return nil, fmt.Errorf("the release does not run: %v", err)
	}
	if len(probs) > 0 {
		return nil, fmt.Errorf("the release does not run: %s", strings.Join(probs, "; "))
	}
	return c.claimStates(ctx, ns)
}

// runMigration runs the runbook's steps, the sync with the engine, and
// checks the output converged; false once r failed.
func (cfg *config) runMigration(ctx context.Context, r *result, c *cluster, o *output, rb runbook, mode string) bool {
	for _, step := range runbookSteps {
		if step == "sync" {
			start := time.Now()
			if _, err := cfg.engines[mode].sync(ctx, c, o, cfg.timeout, false); err != nil {
				r.fail("the sync over the release failed: %v", err)
				return false
			}
			// The release's pods roll into the output's.
			_, probs, err := c.settle(ctx, o.namespaces(), 90*time.Second, rolled)
			if err != nil {
				r.fail("after the sync: %v", err)
				return false
			}
			if len(probs) > 0 {
				r.fail("after the sync: %s", strings.Join(probs, "\n"))
				return false
			}
			r.note("synced over the release and converged in %s", time.Since(start).Round(100*time.Millisecond))
			continue
		}
		if _, err := rb.run(c, step); err != nil {
			r.fail("%v", err)
			return false
		}
		r.note("ran the runbook's step %s (%d commands)", step, len(rb[step]))
	}
	return true
}

// claimStates are the claims of a namespace, by name.
func (c *cluster) claimStates(ctx context.Context, ns string) (map[string]claimState, error) {
	list, err := c.client.CoreV1().PersistentVolumeClaims(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	out := map[string]claimState{}
	for _, pvc := range list.Items {
		if pvc.Status.Phase != corev1.ClaimBound {
			return nil, fmt.Errorf("PersistentVolumeClaim %s is %s", pvc.Name, pvc.Status.Phase)
		}
		out[pvc.Name] = claimState{uid: string(pvc.UID), volume: pvc.Spec.VolumeName}
	}
	return out, nil
}

// claimProblems: every claim of the release is still there, the same
// object on the same volume.
func claimProblems(before, after map[string]claimState) []string {
	var out []string
	for _, name := range sortedKeys(before) {
		a, ok := after[name]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("PersistentVolumeClaim %s is gone", name))
		case a != before[name]:
			out = append(out, fmt.Sprintf("PersistentVolumeClaim %s was UID %s on %s, and is UID %s on %s: not the release's claim", name, before[name].uid, before[name].volume, a.uid, a.volume))
		}
	}
	return out
}

// statefulPodProblems: each claim of the release is mounted by a pod of
// the output's StatefulSet of its name (data-<pod>), not by a pod of the
// release.
func (c *cluster) statefulPodProblems(ctx context.Context, ns string, claims map[string]claimState) []string {
	pods, err := c.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return []string{err.Error()}
	}
	sets, err := c.client.AppsV1().StatefulSets(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return []string{err.Error()}
	}
	current := map[string]bool{}
	for _, s := range sets.Items {
		current[string(s.UID)] = true
	}
	mounted := map[string]string{}
	for _, p := range pods.Items {
		for _, v := range p.Spec.Volumes {
			if v.PersistentVolumeClaim == nil {
				continue
			}
			owner := metav1.GetControllerOf(&p)
			switch {
			case p.Labels["app.kubernetes.io/managed-by"] == "Helm":
				mounted[v.PersistentVolumeClaim.ClaimName] = "the release's pod " + p.Name
			case owner == nil || !current[string(owner.UID)] || p.Status.Phase != corev1.PodRunning:
				mounted[v.PersistentVolumeClaim.ClaimName] = "pod " + p.Name + ", not running under a StatefulSet of the output"
			default:
				mounted[v.PersistentVolumeClaim.ClaimName] = ""
			}
		}
	}
	var out []string
	for _, name := range sortedKeys(claims) {
		who, ok := mounted[name]
		switch {
		case !ok && strings.HasPrefix(name, "data-"):
			out = append(out, fmt.Sprintf("PersistentVolumeClaim %s: no pod mounts it", name))
		case who != "":
			out = append(out, fmt.Sprintf("PersistentVolumeClaim %s is mounted by %s", name, who))
		}
	}
	return out
}

// helmOnlyEnv is set by every container of the release and never by the
// output (see testdata/helm-release/base.yaml).
const helmOnlyEnv = "CARACAL_HELM_ONLY"

// chartFieldProblems: no pod runs with a field only the chart set.
func (c *cluster) chartFieldProblems(ctx context.Context, ns string) []string {
	pods, err := c.client.CoreV1().Pods(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, p := range pods.Items {
		for _, ctr := range p.Spec.Containers {
			for _, e := range ctr.Env {
				if e.Name == helmOnlyEnv {
					out = append(out, fmt.Sprintf("pod %s runs with %s, a field only the chart set", p.Name, helmOnlyEnv))
				}
			}
		}
	}
	return out
}

// helmMarked are the kinds a chart's release can hold, to search for what
// is left of it.
var helmMarked = []schema.GroupVersionResource{
	{Version: "v1", Resource: "configmaps"}, {Version: "v1", Resource: "secrets"}, {Version: "v1", Resource: "services"},
	{Version: "v1", Resource: "serviceaccounts"}, {Version: "v1", Resource: "pods"}, {Version: "v1", Resource: "persistentvolumeclaims"},
	{Group: "apps", Version: "v1", Resource: "deployments"}, {Group: "apps", Version: "v1", Resource: "statefulsets"},
	{Group: "apps", Version: "v1", Resource: "replicasets"},
	{Group: "batch", Version: "v1", Resource: "jobs"}, {Group: "batch", Version: "v1", Resource: "cronjobs"},
	{Group: "autoscaling", Version: "v2", Resource: "horizontalpodautoscalers"},
	{Group: "policy", Version: "v1", Resource: "poddisruptionbudgets"},
	{Group: "networking.k8s.io", Version: "v1", Resource: "networkpolicies"},
}

// helmLeftovers are the objects of the namespace that are still the
// release's: its record, or an object with Helm's marks that nothing owns
// (a ReplicaSet of an adopted Deployment's history is the Deployment's).
func (c *cluster) helmLeftovers(ctx context.Context, ns string) ([]string, error) {
	dyn, err := dynamic.NewForConfig(c.config)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, gvr := range helmMarked {
		list, err := dyn.Resource(gvr).Namespace(ns).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, fmt.Errorf("listing %s: %w", gvr.Resource, err)
		}
		for _, u := range list.Items {
			if why := helmMark(&u); why != "" && len(u.GetOwnerReferences()) == 0 {
				out = append(out, fmt.Sprintf("%s %s (%s)", u.GetKind(), u.GetName(), why))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// helmMark says what marks an object as the release's, or "".
func helmMark(u *unstructured.Unstructured) string {
	var marks []string
	if u.GetLabels()["owner"] == "helm" {
		marks = append(marks, "Helm's release record")
	}
	if u.GetLabels()["app.kubernetes.io/managed-by"] == "Helm" {
		marks = append(marks, "managed-by: Helm")
	}
	for k := range u.GetAnnotations() {
		if strings.HasPrefix(k, "meta.helm.sh/") {
			marks = append(marks, k)
		}
	}
	if _, ok := u.GetLabels()["helm.sh/chart"]; ok {
		marks = append(marks, "helm.sh/chart")
	}
	sort.Strings(marks)
	return strings.Join(marks, ", ")
}
