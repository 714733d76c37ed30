package zookeeper_test

import (
	"reflect"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"caracal.dev/caracal-cdk8s/constructs/zookeeper"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
	"github.com/aws/constructs-go/constructs/v10"
)

// props are minimal: what has no default.
func props(replicas int) zookeeper.Props {
	return zookeeper.Props{
		Datastore: workload.Datastore{
			Release:   kube.Release{Name: "caracal", Namespace: "ns1", Version: "0.3.0", ClusterDomain: "cluster.local"},
			Image:     kube.Image{Repository: "docker.io/library/zookeeper", Tag: "3.8.4", PullPolicy: "Always"},
			Storage:   kube.Storage{Size: "8Gi"},
			Resources: kube.Resources{Requests: kube.ResourceList{CPU: "1", Memory: "1Gi", EphemeralStorage: "1Gi"}, Limits: kube.ResourceList{CPU: "2", Memory: "2Gi", EphemeralStorage: "2Gi"}},
		},
		Replicas: replicas,
	}
}

func construct(t *testing.T, p zookeeper.Props) (manifest.Objects, *zookeeper.ZooKeeper) {
	var z *zookeeper.ZooKeeper
	objs := manifest.Construct(t, func(scope constructs.Construct) { z = zookeeper.NewZooKeeper(scope, "zk", p) })
	return objs, z
}

func build(t *testing.T, replicas int) (manifest.Objects, *zookeeper.ZooKeeper) {
	return construct(t, props(replicas))
}

// A drain keeps the ensemble's majority; a single server gets no budget,
// which would block every drain.
func TestEnsembleDisruptionBudget(t *testing.T) {
	for replicas, want := range map[int]int{3: 1, 5: 2, 7: 3} {
		objs, _ := build(t, replicas)
		if got := objs.Must(t, "PodDisruptionBudget", "caracal-zookeeper").Int("spec.maxUnavailable"); got != want {
			t.Errorf("%d servers: maxUnavailable %d, want %d", replicas, got, want)
		}
	}
	single, z := build(t, 1)
	if _, ok := single.Find("PodDisruptionBudget", "caracal-zookeeper"); ok || z.PodDisruptionBudget != nil {
		t.Error("a single server must not get a budget")
	}
}

func TestEnsemble(t *testing.T) {
	objs, z := build(t, 3)
	if got := objs.Summary(); got != "Service/caracal-zookeeper-headless, Service/caracal-zookeeper, ServiceAccount/caracal-zookeeper, StatefulSet/caracal-zookeeper, PodDisruptionBudget/caracal-zookeeper" {
		t.Fatalf("objects: %s", got)
	}
	for _, o := range objs {
		for _, p := range manifest.LabelProblems(o) {
			t.Error(p)
		}
	}
	headless := objs.Must(t, "Service", "caracal-zookeeper-headless")
	if headless.Str("spec.clusterIP") != "None" || headless.Int("spec.ports[client].port") != 2181 || headless.Int("spec.ports[peer].port") != 2888 || headless.Int("spec.ports[election].port") != 3888 {
		t.Errorf("headless: %v", headless["spec"])
	}
	if client := objs.Must(t, "Service", "caracal-zookeeper"); client.Int("spec.ports.0.port") != 2181 || client.Has("spec.ports.1") {
		t.Errorf("client service: %v", client["spec"])
	}
	sts := objs.Must(t, "StatefulSet", "caracal-zookeeper")
	if sts.Int("spec.replicas") != 3 || sts.Str("spec.podManagementPolicy") != "Parallel" || sts.Str("spec.serviceName") != "caracal-zookeeper-headless" {
		t.Errorf("statefulset %v", sts["spec"])
	}
	spec := objs.PodSpecs()["StatefulSet/caracal-zookeeper"]
	for _, p := range manifest.PodProblems(spec) {
		t.Error(p)
	}
	env := manifest.Env(manifest.Containers(spec)["zookeeper"])
	servers := env["ZOO_SERVERS"].Str("value")
	for i, want := range []string{
		"server.1=caracal-zookeeper-0.caracal-zookeeper-headless.ns1.svc.cluster.local:2888:3888;2181",
		"server.3=caracal-zookeeper-2.caracal-zookeeper-headless.ns1.svc.cluster.local:2888:3888;2181",
	} {
		if !strings.Contains(servers, want) {
			t.Errorf("%d: ZOO_SERVERS lacks %q: %s", i, want, servers)
		}
	}
	if env["ZOO_DATA_DIR"].Str("value") != "/data/zookeeper" || env["ZOO_DATA_LOG_DIR"].Str("value") != "/data/zookeeper-log" || env["ZOO_AUTOPURGE_PURGEINTERVAL"].Str("value") == "" {
		t.Errorf("snapshots and the transaction log go to the volume, and are purged: %v", env)
	}
	if spec.Has("volumes[datalog]") {
		t.Error("no transaction log on an emptyDir")
	}
	want := wiring.ZooKeeperEndpoint{
		Peer:          wiring.Pods("zookeeper"),
		ConnectString: "caracal-zookeeper-0.caracal-zookeeper-headless.ns1.svc.cluster.local:2181,caracal-zookeeper-1.caracal-zookeeper-headless.ns1.svc.cluster.local:2181,caracal-zookeeper-2.caracal-zookeeper-headless.ns1.svc.cluster.local:2181",
		Port:          2181,
	}
	if got := z.Endpoint(); got != want {
		t.Errorf("endpoint %+v", got)
	}
}

// The members follow the leader and elect one among themselves; Kafka's
// flow to them is Kafka's to report. No pod reads a Secret.
func TestEnsembleReport(t *testing.T) {
	_, z := build(t, 3)
	pods := wiring.Pods("zookeeper")
	want := wiring.Report{Component: "zookeeper", Flows: []wiring.Flow{{From: pods, To: pods, Ports: []int{2888, 3888}}}}
	if got := z.Report(); !reflect.DeepEqual(got, want) {
		t.Errorf("report %+v\nwant %+v", got, want)
	}
}

// Props without a default are refused with the field named.
func TestEnsembleErrors(t *testing.T) {
	for _, tc := range []struct {
		want string
		edit func(*zookeeper.Props)
	}{
		{"zookeeper: Props.Release.Name is empty", func(p *zookeeper.Props) { p.Release.Name = "" }},
		{"zookeeper: Props.Release.Namespace is empty", func(p *zookeeper.Props) { p.Release.Namespace = "" }},
		{"zookeeper: Props.Release.ClusterDomain is empty", func(p *zookeeper.Props) { p.Release.ClusterDomain = "" }},
		{"zookeeper: Props.Image.Repository is empty", func(p *zookeeper.Props) { p.Image.Repository = "" }},
		{"zookeeper: Props.Image.Tag is empty", func(p *zookeeper.Props) { p.Image.Tag = "" }},
		{"zookeeper: Props.Image.PullPolicy is empty", func(p *zookeeper.Props) { p.Image.PullPolicy = "" }},
		{"zookeeper: Props.Replicas is 0: an ensemble needs an odd number of servers", func(p *zookeeper.Props) { p.Replicas = 0 }},
		{"zookeeper: Props.Replicas is 4: an ensemble needs an odd number of servers", func(p *zookeeper.Props) { p.Replicas = 4 }},
		{"zookeeper: Props.Storage.Size is empty", func(p *zookeeper.Props) { p.Storage.Size = "" }},
	} {
		p := props(3)
		tc.edit(&p)
		manifest.MustPanic(t, tc.want, func() { construct(t, p) })
	}
}
