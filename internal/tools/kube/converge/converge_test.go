package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func objects(t *testing.T, yaml string) []*unstructured.Unstructured {
	t.Helper()
	objs, err := parseManifests([]byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

const workloadsYAML = `
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: kafka, namespace: ns}
spec:
  replicas: 3
  template:
    spec:
      containers: [{name: k, resources: {requests: {cpu: 500m, memory: 1Gi}}}]
  volumeClaimTemplates:
    - spec: {storageClassName: fast, resources: {requests: {storage: 20Gi}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: gw, namespace: ns}
spec:
  template:
    spec:
      containers:
        - name: g
          resources: {requests: {cpu: 250m, memory: 256Mi}}
          env: [{name: P, valueFrom: {secretKeyRef: {name: creds, key: pg}}}]
      volumes: [{name: tls, secret: {secretName: tls, items: [{key: ca.crt, path: ca.crt}]}}]
      imagePullSecrets: [{name: regcred}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: gw, namespace: ns}
spec: {minReplicas: 3, maxReplicas: 10, scaleTargetRef: {kind: Deployment, name: gw}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: backup, namespace: ns}
spec: {resources: {requests: {storage: 5Gi}}}
`

// Whole numbers stay integers, so replicas and claims count right.
func TestClaimsAndRequests(t *testing.T) {
	o := &output{dir: "x", objects: objects(t, workloadsYAML)}
	claims, err := o.claims()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range claims {
		got = append(got, c.class+":"+c.size.String())
	}
	if strings.Join(got, " ") != "fast:20Gi fast:20Gi fast:20Gi :5Gi" {
		t.Errorf("claims %v", got)
	}
	cpu, memory := o.requests()
	// 3 brokers of 500m, and the autoscaler's 3 gateways of 250m.
	if cpu.String() != "2250m" || memory.String() != "3840Mi" {
		t.Errorf("requests %s CPU, %s memory", cpu.String(), memory.String())
	}
	if err := o.fits(); err != nil {
		t.Error(err)
	}
	huge := &output{dir: "huge", objects: objects(t, strings.Replace(workloadsYAML, "replicas: 3", "replicas: 70", 1))}
	if err := huge.fits(); err == nil || !strings.Contains(err.Error(), "more than two of the simulated nodes") {
		t.Errorf("an output too big for two nodes is refused, not fitted: %v", err)
	}
}

func TestSecretRefs(t *testing.T) {
	o := &output{objects: objects(t, workloadsYAML)}
	refs := o.secretRefs()
	if !refs[[2]string{"ns", "creds"}]["pg"] || !refs[[2]string{"ns", "tls"}]["ca.crt"] || !refs[[2]string{"ns", "regcred"}][".dockerconfigjson"] {
		t.Errorf("refs %v", refs)
	}
}

func TestFluxPath(t *testing.T) {
	stage := func(path string) string {
		return "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: s}\nspec: {path: " + path + "}\n---\n"
	}
	for _, tc := range []struct{ stages, want, err string }{
		{stage("./dist/flux/base") + stage("./dist/flux/applications"), "./dist", ""},
		{stage("./dist/environments/dev/flux/base"), "./dist/environments/dev", ""},
		{stage("./a/flux/base") + stage("./b/flux/base"), "", "different folders"},
		{stage("../outside/flux/base"), "", "no path inside a repository"},
		{"", "", ""},
	} {
		o := &output{stages: objects(t, tc.stages)}
		got, err := o.fluxPath()
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%q: %q, %v", tc.stages, got, err)
		}
	}
}

// The order check compares resource versions: a later step created
// before an earlier one completed is out of order, whatever the clock.
func TestOrderProblems(t *testing.T) {
	r := &recorder{
		created: map[string]event{
			"Job ns/init":       {rv: 10, component: "db-init"},
			"Job ns/migrate":    {rv: 20, component: "db-migrate"},
			"Deployment ns/gw":  {rv: 25, component: "gateway"},
			"StatefulSet ns/pg": {rv: 1, component: "postgres"},
		},
		completed: map[string]event{
			"Job ns/init":    {rv: 15, component: "db-init"},
			"Job ns/migrate": {rv: 30, component: "db-migrate"},
		},
	}
	probs := r.orderProblems()
	if len(probs) != 1 || !strings.Contains(probs[0], "Deployment ns/gw (gateway) was created before Job ns/migrate (db-migrate) completed") {
		t.Errorf("problems %v", probs)
	}
	if got := strings.Join(r.jobsInOrder(), ","); got != "db-init,db-migrate" {
		t.Errorf("order %s", got)
	}
	r.created["Deployment ns/gw"] = event{rv: 31, component: "gateway"}
	r.created["Job ns/topics"] = event{rv: 32, component: "kafka-topics"}
	if probs := r.orderProblems(); len(probs) != 1 || !strings.Contains(probs[0], "Job ns/topics never completed") {
		t.Errorf("problems %v", probs)
	}
}

func node(name, zone string, cordoned bool) corev1.Node {
	return corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{labelHostname: name, labelZone: zone}}, Spec: corev1.NodeSpec{Unschedulable: cordoned}}
}

func pod(name, nodeName string) corev1.Pod {
	return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", Labels: map[string]string{"app": "k", "app.kubernetes.io/component": "kafka"}},
		Spec: corev1.PodSpec{NodeName: nodeName}, Status: corev1.PodStatus{Phase: corev1.PodRunning}}
}

// The spread check counts as the scheduler does: a required spread that
// honours taints leaves a cordoned node out.
func TestSpreadProblems(t *testing.T) {
	honor := corev1.NodeInclusionPolicyHonor
	three := int32(3)
	replicas := int32(5)
	tsc := corev1.TopologySpreadConstraint{MaxSkew: 1, TopologyKey: labelHostname, WhenUnsatisfiable: corev1.DoNotSchedule,
		LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "k"}}, MinDomains: &three, NodeTaintsPolicy: &honor}
	sts := appsStatefulSet(replicas, tsc)
	l := &live{
		nodes:        []corev1.Node{node("a", "a", true), node("a-next", "a", false), node("b", "b", false), node("c", "c", false)},
		pods:         []corev1.Pod{pod("k-0", "a-next"), pod("k-1", "b"), pod("k-2", "b"), pod("k-3", "c"), pod("k-4", "c")},
		statefulSets: sts,
	}
	if probs := l.spreadProblems(false); len(probs) != 0 {
		t.Errorf("a cordoned node is no domain: %v", probs)
	}
	ignore := corev1.NodeInclusionPolicyIgnore
	l.statefulSets[0].Spec.Template.Spec.TopologySpreadConstraints[0].NodeTaintsPolicy = &ignore
	if probs := l.spreadProblems(false); len(probs) != 1 || !strings.Contains(probs[0], "a skew of 2 where the required spread allows 1") {
		t.Errorf("counting the cordoned node, the skew is 2: %v", probs)
	}
	if q := quorumMembers(l); q["StatefulSet ns/kafka"].tolerated != 2 || q["StatefulSet ns/kafka"].count["b"] != 2 {
		t.Errorf("quorum %v", q)
	}
	if got := l.busiestNode(); got != "b" {
		t.Errorf("the node with two members is drained first, not %s", got)
	}
}

// What the checks ask depends on how the pods were placed: a soft spread
// only on a fresh placement, a budget unless after a drain.
func TestPlacementDecidesTheChecks(t *testing.T) {
	tsc := corev1.TopologySpreadConstraint{MaxSkew: 1, TopologyKey: labelHostname, WhenUnsatisfiable: corev1.ScheduleAnyway,
		LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "k"}}}
	l := &live{
		nodes:        []corev1.Node{node("a", "a", false), node("b", "b", false), node("c", "c", false)},
		pods:         []corev1.Pod{pod("k-0", "b"), pod("k-1", "b"), pod("k-2", "c")},
		statefulSets: appsStatefulSet(3, tsc),
		pdbs: []policyv1.PodDisruptionBudget{{ObjectMeta: metav1.ObjectMeta{Name: "kafka", Namespace: "ns"},
			Spec: policyv1.PodDisruptionBudgetSpec{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "k"}}}}},
	}
	for _, c := range []struct {
		p              placement
		spread, budget bool
	}{{fresh, true, true}, {rolled, false, true}, {drained, false, false}} {
		var spread, budget bool
		for _, p := range l.problems(c.p) {
			spread = spread || strings.Contains(p, "a skew of 2 where the preferred spread allows 1")
			budget = budget || strings.Contains(p, "PodDisruptionBudget ns/kafka allows no disruption")
		}
		if spread != c.spread || budget != c.budget {
			t.Errorf("placement %d: the soft spread reported %v, want %v; the budget reported %v, want %v", c.p, spread, c.spread, budget, c.budget)
		}
	}
}

// The README states the size of the simulated nodes.
func TestReadmeStatesTheNodeSize(t *testing.T) {
	data, err := os.ReadFile("../../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := "three nodes of " + nodeCPU + " CPU and " + strings.TrimSuffix(nodeMemory, "Gi") + " GiB"
	if !strings.Contains(string(data), want) {
		t.Errorf("the README does not say %q", want)
	}
}

func appsStatefulSet(replicas int32, tsc corev1.TopologySpreadConstraint) []appsv1.StatefulSet {
	return []appsv1.StatefulSet{{
		ObjectMeta: metav1.ObjectMeta{Name: "kafka", Namespace: "ns"},
		Spec: appsv1.StatefulSetSpec{Replicas: &replicas, Template: corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "k", "app.kubernetes.io/component": "kafka"}},
			Spec:       corev1.PodSpec{TopologySpreadConstraints: []corev1.TopologySpreadConstraint{tsc}},
		}},
	}}
}

// The runs start in the order of the tasks (longest first is only worth
// it if the first task starts first), and each result lands at its index.
func TestRunTasksStartsInOrder(t *testing.T) {
	var mu sync.Mutex
	var started []int
	var tasks []task
	for i := range 6 {
		tasks = append(tasks, func(context.Context) *result {
			mu.Lock()
			started = append(started, i)
			mu.Unlock()
			return &result{title: fmt.Sprint(i), ok: true}
		})
	}
	results := runTasks(context.Background(), tasks, 1)
	if fmt.Sprint(started) != "[0 1 2 3 4 5]" {
		t.Errorf("started in the order %v", started)
	}
	for i, r := range results {
		if r.title != fmt.Sprint(i) {
			t.Errorf("result %d is task %s's", i, r.title)
		}
	}
}
