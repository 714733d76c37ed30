package zookeeper_test

import (
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/zookeeper"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/constructs-go/constructs/v10"
)

func build(t *testing.T, replicas int) (testkit.Objects, *zookeeper.ZooKeeper) {
	var z *zookeeper.ZooKeeper
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		z = zookeeper.NewZooKeeper(scope, "zk", zookeeper.Props{
			Release:   kube.Release{Name: "caracal", Namespace: "ns1", Version: "0.3.0", ClusterDomain: "cluster.local"},
			Replicas:  replicas,
			Image:     kube.Image{Repository: "docker.io/library/zookeeper", Tag: "3.8.4", PullPolicy: "Always"},
			Storage:   kube.Storage{Size: "8Gi"},
			Resources: kube.Resources{Requests: kube.ResourceList{CPU: "1", Memory: "1Gi", EphemeralStorage: "1Gi"}, Limits: kube.ResourceList{CPU: "2", Memory: "2Gi", EphemeralStorage: "2Gi"}},
		})
	})
	return objs, z
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
	single, _ := build(t, 1)
	if _, ok := single.Find("PodDisruptionBudget", "caracal-zookeeper"); ok {
		t.Error("a single server must not get a budget")
	}
}

func TestEnsemble(t *testing.T) {
	objs, z := build(t, 3)
	if got := objs.Summary(); got != "Service/caracal-zookeeper-headless, Service/caracal-zookeeper, ServiceAccount/caracal-zookeeper, StatefulSet/caracal-zookeeper, PodDisruptionBudget/caracal-zookeeper" {
		t.Fatalf("objects: %s", got)
	}
	sts := objs.Must(t, "StatefulSet", "caracal-zookeeper")
	if sts.Int("spec.replicas") != 3 || sts.Str("spec.podManagementPolicy") != "Parallel" || sts.Str("spec.serviceName") != "caracal-zookeeper-headless" {
		t.Errorf("statefulset %v", sts["spec"])
	}
	spec := objs.PodSpecs()["StatefulSet/caracal-zookeeper"]
	for _, p := range testkit.PodProblems(spec) {
		t.Error(p)
	}
	env := testkit.Env(testkit.Containers(spec)["zookeeper"])
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
	if z.ConnectString() != "caracal-zookeeper-0.caracal-zookeeper-headless.ns1.svc.cluster.local:2181,caracal-zookeeper-1.caracal-zookeeper-headless.ns1.svc.cluster.local:2181,caracal-zookeeper-2.caracal-zookeeper-headless.ns1.svc.cluster.local:2181" {
		t.Error(z.ConnectString())
	}
}
