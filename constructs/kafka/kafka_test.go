package kafka_test

import (
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/internal/javaprops"
	"caracal.dev/caracal-cdk8s/constructs/kafka"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/constructs-go/constructs/v10"
)

var release = kube.Release{Name: "caracal", Namespace: "ns1", Version: "0.3.0", ClusterDomain: "example.local"}

func build(t *testing.T, replicas, rf, isr int) (testkit.Objects, *kafka.Kafka) {
	return buildWith(t, replicas, rf, isr, nil)
}

// buildWith builds a cluster after edit changes the props.
func buildWith(t *testing.T, replicas, rf, isr int, edit func(*kafka.Props)) (testkit.Objects, *kafka.Kafka) {
	var kf *kafka.Kafka
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		p := kafka.Props{
			Release:                  release,
			Replicas:                 replicas,
			Image:                    kube.Image{Repository: "docker.io/apache/kafka", Tag: "4.1.0", PullPolicy: "Always"},
			DefaultReplicationFactor: rf,
			MinInsyncReplicas:        isr,
			Storage:                  kube.Storage{Size: "20Gi"},
			Resources:                kube.Resources{Requests: kube.ResourceList{CPU: "1", Memory: "1Gi", EphemeralStorage: "1Gi"}, Limits: kube.ResourceList{CPU: "2", Memory: "2Gi", EphemeralStorage: "2Gi"}},
		}
		if edit != nil {
			edit(&p)
		}
		kf = kafka.NewKafka(scope, "kafka", p)
	})
	return objs, kf
}

func TestKafkaObjects(t *testing.T) {
	objs, kf := build(t, 3, 3, 2)
	if got := objs.Summary(); got != "ConfigMap/caracal-kafka-config, Service/caracal-kafka-headless, Service/caracal-kafka, ServiceAccount/caracal-kafka, StatefulSet/caracal-kafka, PodDisruptionBudget/caracal-kafka" {
		t.Fatalf("objects: %s", got)
	}
	for _, o := range objs {
		for _, p := range testkit.LabelProblems(o) {
			t.Error(p)
		}
	}
	headless := objs.Must(t, "Service", "caracal-kafka-headless")
	if headless.Str("spec.clusterIP") != "None" {
		t.Error("the quorum Service must be headless")
	}
	if v, _ := headless.Get("spec.publishNotReadyAddresses"); v != true {
		t.Error("peers must resolve each other before they are ready")
	}
	client := objs.Must(t, "Service", "caracal-kafka")
	if client.Int("spec.ports.0.port") != 9092 || client.Has("spec.clusterIP") {
		t.Errorf("client service: %v", client["spec"])
	}
	sts := objs.Must(t, "StatefulSet", "caracal-kafka")
	if sts.Int("spec.replicas") != 3 || sts.Str("spec.serviceName") != "caracal-kafka-headless" || sts.Str("spec.podManagementPolicy") != "Parallel" {
		t.Errorf("replicas %d, serviceName %q, policy %q", sts.Int("spec.replicas"), sts.Str("spec.serviceName"), sts.Str("spec.podManagementPolicy"))
	}
	spec := testkit.Object(sts.MustGet(t, "spec.template.spec").(map[string]any))
	for _, p := range testkit.PodProblems(spec) {
		t.Error(p)
	}
	props := objs.Must(t, "ConfigMap", "caracal-kafka-config").Str(`data."server.properties"`)
	for _, want := range []string{
		"process.roles=broker,controller\n",
		"controller.quorum.voters=0@caracal-kafka-0.caracal-kafka-headless.ns1.svc.example.local:9093,1@caracal-kafka-1.caracal-kafka-headless.ns1.svc.example.local:9093,2@caracal-kafka-2.caracal-kafka-headless.ns1.svc.example.local:9093\n",
		"default.replication.factor=3\n",
		"min.insync.replicas=2\n",
		"offsets.topic.replication.factor=3\n",
		"auto.create.topics.enable=false\n",
	} {
		if !strings.Contains(props, want) {
			t.Errorf("server.properties lacks %q:\n%s", want, props)
		}
	}
	env := testkit.Env(testkit.Containers(spec)["kafka"])
	if id := env["KAFKA_CLUSTER_ID"].Str("value"); len(id) != 22 {
		t.Errorf("cluster id %q: want 22 base64 characters", id)
	}
	if env["POD_NAME"].Str("valueFrom.fieldRef.fieldPath") != "metadata.name" {
		t.Error("each pod derives its node.id from its name")
	}
	if kf.BootstrapServers() != "caracal-kafka.ns1.svc.example.local:9092" {
		t.Error(kf.BootstrapServers())
	}
}

// Drains take one broker at a time; a single broker has nothing to keep.
func TestKafkaDisruptionBudget(t *testing.T) {
	objs, _ := build(t, 3, 3, 2)
	pdb := objs.Must(t, "PodDisruptionBudget", "caracal-kafka")
	if pdb.Int("spec.maxUnavailable") != 1 || pdb.Str(`spec.selector.matchLabels."app.kubernetes.io/component"`) != "kafka" {
		t.Errorf("pdb: %v", pdb["spec"])
	}
	single, _ := build(t, 1, 1, 1)
	if _, ok := single.Find("PodDisruptionBudget", "caracal-kafka"); ok {
		t.Error("a one-broker cluster must not get a budget that blocks every drain")
	}
	// The quorum keeps its majority and partitions their in-sync replicas.
	for _, tc := range []struct{ brokers, rf, isr, want int }{{5, 3, 2, 1}, {5, 5, 2, 2}, {7, 5, 1, 3}, {3, 2, 2, 0}} {
		objs, _ := build(t, tc.brokers, tc.rf, tc.isr)
		if got := objs.Must(t, "PodDisruptionBudget", "caracal-kafka").Int("spec.maxUnavailable"); got != tc.want {
			t.Errorf("%d brokers, RF %d, ISR %d: maxUnavailable %d, want %d", tc.brokers, tc.rf, tc.isr, got, tc.want)
		}
	}
}

// With ZooKeeper there is no KRaft quorum to keep: only the in-sync
// replicas bound a drain.
func TestKafkaDisruptionBudgetZooKeeperMode(t *testing.T) {
	for _, tc := range []struct{ brokers, rf, isr, want int }{{3, 3, 1, 2}, {5, 5, 1, 4}, {3, 3, 2, 1}} {
		objs, _ := buildWith(t, tc.brokers, tc.rf, tc.isr, func(p *kafka.Props) {
			p.Image.Tag = "3.9.1"
			p.ZooKeeper = "zk-0:2181"
		})
		if got := objs.Must(t, "PodDisruptionBudget", "caracal-kafka").Int("spec.maxUnavailable"); got != tc.want {
			t.Errorf("%d brokers, RF %d, ISR %d: maxUnavailable %d, want %d", tc.brokers, tc.rf, tc.isr, got, tc.want)
		}
	}
}

func TestKafkaFollowsReplicasAndDurability(t *testing.T) {
	objs, _ := build(t, 5, 4, 3)
	props := objs.Must(t, "ConfigMap", "caracal-kafka-config").Str(`data."server.properties"`)
	if !strings.Contains(props, "4@caracal-kafka-4.") || strings.Contains(props, "5@") {
		t.Errorf("five voters expected:\n%s", props)
	}
	for _, want := range []string{"default.replication.factor=4\n", "min.insync.replicas=3\n", "transaction.state.log.min.isr=3\n"} {
		if !strings.Contains(props, want) {
			t.Errorf("lacks %q", want)
		}
	}
	if objs.Must(t, "StatefulSet", "caracal-kafka").Int("spec.replicas") != 5 {
		t.Error("replicas")
	}
}

// A configuration change must roll the brokers: the pod template carries a
// checksum of it.
func TestKafkaConfigChecksum(t *testing.T) {
	a, _ := build(t, 3, 3, 2)
	b, _ := build(t, 3, 3, 1)
	c, _ := build(t, 3, 3, 2)
	sum := func(objs testkit.Objects) string {
		return objs.Must(t, "StatefulSet", "caracal-kafka").Str(`spec.template.metadata.annotations."checksum/config"`)
	}
	if sum(a) == "" || sum(a) == sum(b) || sum(a) != sum(c) {
		t.Errorf("checksums %q %q %q", sum(a), sum(b), sum(c))
	}
}

func TestClusterIDIsStableAndPerInstall(t *testing.T) {
	a := kafka.DeriveClusterID("caracal", "caracal", "caracal-kafka")
	if a != kafka.DeriveClusterID("caracal", "caracal", "caracal-kafka") {
		t.Error("not stable")
	}
	if a == kafka.DeriveClusterID("staging", "caracal", "caracal-kafka") {
		t.Error("two installs share an ID")
	}
	if len(a) != 22 {
		t.Errorf("%q: want 22 base64 characters", a)
	}
}

// An existing cluster's ID can be kept; by default it is derived.
func TestKafkaClusterID(t *testing.T) {
	id := func(objs testkit.Objects) string {
		return testkit.Env(testkit.Containers(objs.PodSpecs()["StatefulSet/caracal-kafka"])["kafka"])["KAFKA_CLUSTER_ID"].Str("value")
	}
	derived, _ := build(t, 3, 3, 2)
	if got := id(derived); got != kafka.DeriveClusterID(release.Namespace, release.Name, kafka.DefaultName) {
		t.Errorf("default ID %q", got)
	}
	kept, _ := buildWith(t, 3, 3, 2, func(p *kafka.Props) { p.ClusterID = "MkU3OEVBNTcwNTJENDM2Qk" })
	if got := id(kept); got != "MkU3OEVBNTcwNTJENDM2Qk" {
		t.Errorf("kept ID %q", got)
	}
}

// In ZooKeeper mode the brokers have no controller: no KRaft settings, no
// controller port, a broker.id per pod, and log4j 1 configuration.
func TestKafkaZooKeeperMode(t *testing.T) {
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		kafka.NewKafka(scope, "kafka", kafka.Props{
			Release: release, Replicas: 3, DefaultReplicationFactor: 3, MinInsyncReplicas: 2,
			Image:     kube.Image{Repository: "docker.io/apache/kafka", Tag: "3.9.1", PullPolicy: "Always"},
			Storage:   kube.Storage{Size: "20Gi"},
			Resources: kube.Resources{Requests: kube.ResourceList{CPU: "1", Memory: "1Gi", EphemeralStorage: "1Gi"}, Limits: kube.ResourceList{CPU: "2", Memory: "2Gi", EphemeralStorage: "2Gi"}},
			ZooKeeper: "zk-0:2181,zk-1:2181",
		})
	})
	cm := objs.Must(t, "ConfigMap", "caracal-kafka-config")
	props := cm.Str(`data."server.properties"`)
	if !strings.Contains(props, "zookeeper.connect=zk-0:2181,zk-1:2181\n") || strings.Contains(props, "process.roles") || strings.Contains(props, "CONTROLLER") {
		t.Errorf("server.properties:\n%s", props)
	}
	if cm.Str(`data."log4j.properties"`) == "" || cm.Has(`data."log4j2.yaml"`) {
		t.Error("Kafka 3 logs with log4j 1")
	}
	spec := objs.PodSpecs()["StatefulSet/caracal-kafka"]
	for _, p := range testkit.PodProblems(spec) {
		t.Error(p)
	}
	c := testkit.Containers(spec)["kafka"]
	if c.Has("ports[controller]") || objs.Must(t, "Service", "caracal-kafka-headless").Has("spec.ports[controller]") {
		t.Error("no controller port in ZooKeeper mode")
	}
	if script := testkit.Sprint(c["command"]); !strings.Contains(script, "broker.id=") || strings.Contains(script, "kafka-storage.sh format") {
		t.Errorf("start script: %s", script)
	}
	if env := testkit.Env(c); env["KAFKA_CLUSTER_ID"] != nil || !strings.Contains(env["KAFKA_LOG4J_OPTS"].Str("value"), "log4j.properties") {
		t.Errorf("env: %v", env)
	}
}

// A value cannot add a line to server.properties: a cluster domain with a
// line break is refused (it is no DNS name, and host names also go into
// comma-separated lists inside the file), and whatever the connect string
// holds, the file reads back, as Kafka reads it, as exactly the settings
// written, the connect string among them unchanged.
func TestServerPropertiesHoldNoInjectedLine(t *testing.T) {
	for _, domain := range []string{"cluster.local\nlisteners=EVIL", "cluster.local,evil:9093", "cluster.local listeners=EVIL"} {
		testkit.MustPanic(t, "is not a DNS name", func() {
			buildWith(t, 3, 3, 2, func(p *kafka.Props) { p.Release.ClusterDomain = domain })
		})
	}
	connect := "zk:2181\nlisteners=EVIL\r\\\n#x\u2028"
	objs, _ := buildWith(t, 3, 3, 2, func(p *kafka.Props) { p.ZooKeeper = connect })
	file := objs.Must(t, "ConfigMap", "caracal-kafka-config").Str(`data."server.properties"`)
	entries, err := javaprops.Load(file)
	if err != nil {
		t.Fatalf("server.properties: %v\n%s", err, file)
	}
	got := map[string]string{}
	var keys []string
	for _, e := range entries {
		if _, dup := got[e.Key]; dup {
			t.Errorf("%s is set twice", e.Key)
		}
		got[e.Key] = e.Value
		keys = append(keys, e.Key)
	}
	if got["zookeeper.connect"] != connect || got["listeners"] != "PLAINTEXT://:9092" {
		t.Errorf("zookeeper.connect %q, listeners %q", got["zookeeper.connect"], got["listeners"])
	}
	want := "zookeeper.connect listeners listener.security.protocol.map inter.broker.listener.name log.dirs default.replication.factor min.insync.replicas offsets.topic.replication.factor transaction.state.log.replication.factor transaction.state.log.min.isr auto.create.topics.enable"
	if strings.Join(keys, " ") != want {
		t.Errorf("settings %v", keys)
	}
}
