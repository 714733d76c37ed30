package kafka_test

import (
	"reflect"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/internal/javaprops"
	"caracal.dev/caracal-cdk8s/constructs/kafka"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
	"github.com/aws/constructs-go/constructs/v10"
)

var release = kube.Release{Name: "caracal", Namespace: "ns1", Version: "0.3.0", ClusterDomain: "example.local"}

// ensemble is a ZooKeeper ensemble as the zookeeper construct describes it.
var ensemble = wiring.ZooKeeperEndpoint{Peer: wiring.Pods("zookeeper"), ConnectString: "zk-0:2181,zk-1:2181", Port: 2181}

// brokers are minimal props: what has no default.
func brokers(replicas, rf, isr int) kafka.BrokerProps {
	return kafka.BrokerProps{
		Datastore: workload.Datastore{
			Release:   release,
			Image:     kube.Image{Repository: "docker.io/apache/kafka", Tag: "4.1.0", PullPolicy: "Always"},
			Storage:   kube.Storage{Size: "20Gi"},
			Resources: kube.Resources{Requests: kube.ResourceList{CPU: "1", Memory: "1Gi", EphemeralStorage: "1Gi"}, Limits: kube.ResourceList{CPU: "2", Memory: "2Gi", EphemeralStorage: "2Gi"}},
		},
		Replicas:                 replicas,
		DefaultReplicationFactor: rf,
		MinInsyncReplicas:        isr,
	}
}

func kraft(t *testing.T, p kafka.KRaftProps) (manifest.Objects, *kafka.KRaft) {
	var k *kafka.KRaft
	objs := manifest.Construct(t, func(scope constructs.Construct) { k = kafka.NewKRaft(scope, "kafka", p) })
	return objs, k
}

func build(t *testing.T, replicas, rf, isr int) (manifest.Objects, *kafka.KRaft) {
	return kraft(t, kafka.KRaftProps{BrokerProps: brokers(replicas, rf, isr)})
}

func zooKeeperMode(t *testing.T, replicas, rf, isr int, connect string) (manifest.Objects, *kafka.ZooKeeperMode) {
	p := kafka.ZooKeeperModeProps{BrokerProps: brokers(replicas, rf, isr), ZooKeeper: ensemble}
	p.Image.Tag = "3.9.1"
	p.ZooKeeper.ConnectString = connect
	var z *kafka.ZooKeeperMode
	objs := manifest.Construct(t, func(scope constructs.Construct) { z = kafka.NewZooKeeperMode(scope, "kafka", p) })
	return objs, z
}

func TestKRaftObjects(t *testing.T) {
	objs, kf := build(t, 3, 3, 2)
	if got := objs.Summary(); got != "ConfigMap/caracal-kafka-config, Service/caracal-kafka-headless, Service/caracal-kafka, ServiceAccount/caracal-kafka, StatefulSet/caracal-kafka, PodDisruptionBudget/caracal-kafka" {
		t.Fatalf("objects: %s", got)
	}
	for _, o := range objs {
		for _, p := range manifest.LabelProblems(o) {
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
	if headless.Int("spec.ports[kafka].port") != 9092 || headless.Int("spec.ports[controller].port") != 9093 {
		t.Errorf("headless ports: %v", headless["spec"])
	}
	client := objs.Must(t, "Service", "caracal-kafka")
	if client.Int("spec.ports.0.port") != 9092 || client.Has("spec.ports.1") || client.Has("spec.clusterIP") {
		t.Errorf("client service: %v", client["spec"])
	}
	sts := objs.Must(t, "StatefulSet", "caracal-kafka")
	if sts.Int("spec.replicas") != 3 || sts.Str("spec.serviceName") != "caracal-kafka-headless" || sts.Str("spec.podManagementPolicy") != "Parallel" {
		t.Errorf("replicas %d, serviceName %q, policy %q", sts.Int("spec.replicas"), sts.Str("spec.serviceName"), sts.Str("spec.podManagementPolicy"))
	}
	for _, p := range manifest.PodProblems(objs.PodSpecs()["StatefulSet/caracal-kafka"]) {
		t.Error(p)
	}
	want := wiring.KafkaEndpoint{Peer: wiring.Pods("kafka"), BootstrapServers: "caracal-kafka.ns1.svc.example.local:9092"}
	if got := kf.Endpoint(); got != want {
		t.Errorf("endpoint %+v", got)
	}
}

// Every node is broker and voter: the voters are listed, each pod names
// itself and formats its volume on first start.
func TestKRaftConfiguration(t *testing.T) {
	objs, _ := build(t, 3, 3, 2)
	props := objs.Must(t, "ConfigMap", "caracal-kafka-config").Str(`data."server.properties"`)
	for _, want := range []string{
		"# node.id and advertised.listeners are added per pod at start.\n",
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
	c := manifest.Containers(objs.PodSpecs()["StatefulSet/caracal-kafka"])["kafka"]
	env := manifest.Env(c)
	if id := env["KAFKA_CLUSTER_ID"].Str("value"); len(id) != 22 {
		t.Errorf("cluster id %q: want 22 base64 characters", id)
	}
	if env["POD_NAME"].Str("valueFrom.fieldRef.fieldPath") != "metadata.name" {
		t.Error("each pod derives its node.id from its name")
	}
	if script := manifest.Sprint(c["command"]); !strings.Contains(script, "printf 'node.id=%s") || !strings.Contains(script, "kafka-storage.sh format") {
		t.Errorf("start script: %s", script)
	}
	if c.Str("livenessProbe.tcpSocket.port") != "controller" || c.Str("readinessProbe.tcpSocket.port") != "kafka" {
		t.Errorf("probes: liveness %v, readiness %v", c["livenessProbe"], c["readinessProbe"])
	}
}

// The brokers replicate on the client port and the voters talk on the
// controller port; no pod reads a Secret.
func TestKRaftReport(t *testing.T) {
	_, kf := build(t, 3, 3, 2)
	kafkaPods := wiring.Pods("kafka")
	want := wiring.Report{Component: "kafka", Flows: []wiring.Flow{
		{From: kafkaPods, To: kafkaPods, Ports: []int{9092}},
		{From: kafkaPods, To: kafkaPods, Ports: []int{9093}},
	}}
	if got := kf.Report(); !reflect.DeepEqual(got, want) {
		t.Errorf("report %+v\nwant %+v", got, want)
	}
}

// The name is a default; the Services, the StatefulSet and the endpoint
// follow it.
func TestKRaftName(t *testing.T) {
	p := kafka.KRaftProps{BrokerProps: brokers(1, 1, 1)}
	p.Name = "events"
	objs, kf := kraft(t, p)
	if got := objs.Summary(); got != "ConfigMap/events-config, Service/events-headless, Service/events, ServiceAccount/events, StatefulSet/events" {
		t.Errorf("objects: %s", got)
	}
	if kf.Endpoint().BootstrapServers != "events.ns1.svc.example.local:9092" {
		t.Error(kf.Endpoint().BootstrapServers)
	}
}

// Drains take one broker at a time; a single broker has nothing to keep.
func TestKRaftDisruptionBudget(t *testing.T) {
	objs, kf := build(t, 3, 3, 2)
	pdb := objs.Must(t, "PodDisruptionBudget", "caracal-kafka")
	if pdb.Int("spec.maxUnavailable") != 1 || pdb.Str(`spec.selector.matchLabels."app.kubernetes.io/component"`) != "kafka" || kf.PodDisruptionBudget == nil {
		t.Errorf("pdb: %v", pdb["spec"])
	}
	single, one := build(t, 1, 1, 1)
	if _, ok := single.Find("PodDisruptionBudget", "caracal-kafka"); ok || one.PodDisruptionBudget != nil {
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
func TestZooKeeperModeDisruptionBudget(t *testing.T) {
	for _, tc := range []struct{ brokers, rf, isr, want int }{{3, 3, 1, 2}, {5, 5, 1, 4}, {3, 3, 2, 1}} {
		objs, _ := zooKeeperMode(t, tc.brokers, tc.rf, tc.isr, "zk-0:2181")
		if got := objs.Must(t, "PodDisruptionBudget", "caracal-kafka").Int("spec.maxUnavailable"); got != tc.want {
			t.Errorf("%d brokers, RF %d, ISR %d: maxUnavailable %d, want %d", tc.brokers, tc.rf, tc.isr, got, tc.want)
		}
	}
}

func TestKRaftFollowsReplicasAndDurability(t *testing.T) {
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
	sum := func(objs manifest.Objects) string {
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
func TestKRaftClusterID(t *testing.T) {
	id := func(objs manifest.Objects) string {
		return manifest.Env(manifest.Containers(objs.PodSpecs()["StatefulSet/caracal-kafka"])["kafka"])["KAFKA_CLUSTER_ID"].Str("value")
	}
	derived, _ := build(t, 3, 3, 2)
	if got := id(derived); got != kafka.DeriveClusterID(release.Namespace, release.Name, kafka.DefaultName) {
		t.Errorf("default ID %q", got)
	}
	kept, _ := kraft(t, kafka.KRaftProps{BrokerProps: brokers(3, 3, 2), ClusterID: "MkU3OEVBNTcwNTJENDM2Qk"})
	if got := id(kept); got != "MkU3OEVBNTcwNTJENDM2Qk" {
		t.Errorf("kept ID %q", got)
	}
}

// In ZooKeeper mode the brokers have no controller: no KRaft settings, no
// controller port, a broker.id per pod, other probes, and log4j 1
// configuration. They reach the ensemble on its client port.
func TestZooKeeperMode(t *testing.T) {
	objs, z := zooKeeperMode(t, 3, 3, 2, "zk-0:2181,zk-1:2181")
	if got := objs.Summary(); got != "ConfigMap/caracal-kafka-config, Service/caracal-kafka-headless, Service/caracal-kafka, ServiceAccount/caracal-kafka, StatefulSet/caracal-kafka, PodDisruptionBudget/caracal-kafka" {
		t.Fatalf("objects: %s", got)
	}
	cm := objs.Must(t, "ConfigMap", "caracal-kafka-config")
	props := cm.Str(`data."server.properties"`)
	if !strings.HasPrefix(props, "# broker.id and advertised.listeners are added per pod at start.\nzookeeper.connect=zk-0:2181,zk-1:2181\n") || strings.Contains(props, "process.roles") || strings.Contains(props, "CONTROLLER") {
		t.Errorf("server.properties:\n%s", props)
	}
	if cm.Str(`data."log4j.properties"`) == "" || cm.Has(`data."log4j2.yaml"`) {
		t.Error("Kafka 3 logs with log4j 1")
	}
	spec := objs.PodSpecs()["StatefulSet/caracal-kafka"]
	for _, p := range manifest.PodProblems(spec) {
		t.Error(p)
	}
	c := manifest.Containers(spec)["kafka"]
	if c.Has("ports[controller]") || objs.Must(t, "Service", "caracal-kafka-headless").Has("spec.ports[controller]") {
		t.Error("no controller port in ZooKeeper mode")
	}
	if script := manifest.Sprint(c["command"]); !strings.Contains(script, "printf 'broker.id=%s") || strings.Contains(script, "kafka-storage.sh format") {
		t.Errorf("start script: %s", script)
	}
	if !c.Has("readinessProbe.exec") || c.Str("livenessProbe.tcpSocket.port") != "kafka" {
		t.Errorf("probes: readiness %v, liveness %v", c["readinessProbe"], c["livenessProbe"])
	}
	if env := manifest.Env(c); env["KAFKA_CLUSTER_ID"] != nil || !strings.Contains(env["KAFKA_LOG4J_OPTS"].Str("value"), "log4j.properties") {
		t.Errorf("env: %v", env)
	}
	if got := z.Endpoint(); got != (wiring.KafkaEndpoint{Peer: wiring.Pods("kafka"), BootstrapServers: "caracal-kafka.ns1.svc.example.local:9092"}) {
		t.Errorf("endpoint %+v", got)
	}
	kafkaPods := wiring.Pods("kafka")
	want := wiring.Report{Component: "kafka", Flows: []wiring.Flow{
		{From: kafkaPods, To: kafkaPods, Ports: []int{9092}},
		{From: kafkaPods, To: wiring.Pods("zookeeper"), Ports: []int{2181}},
	}}
	if got := z.Report(); !reflect.DeepEqual(got, want) {
		t.Errorf("report %+v\nwant %+v", got, want)
	}
}

// A value cannot add a line to server.properties: a cluster domain with a
// line break is refused (it is no DNS name, and host names also go into
// comma-separated lists inside the file), and whatever the connect string
// holds, the file reads back, as Kafka reads it, as exactly the settings
// written, the connect string among them unchanged.
func TestServerPropertiesHoldNoInjectedLine(t *testing.T) {
	for _, domain := range []string{"cluster.local\nlisteners=EVIL", "cluster.local,evil:9093", "cluster.local listeners=EVIL"} {
		manifest.MustPanic(t, "is not a DNS name", func() {
			p := kafka.KRaftProps{BrokerProps: brokers(3, 3, 2)}
			p.Release.ClusterDomain = domain
			kraft(t, p)
		})
	}
	connect := "zk:2181\nlisteners=EVIL\r\\\n#x\u2028"
	objs, _ := zooKeeperMode(t, 3, 3, 2, connect)
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

// Props without a default are refused with the construct and the field
// named, never written as port 0, replicas 0 or image ":".
func TestBrokersErrors(t *testing.T) {
	for _, tc := range []struct {
		want string
		edit func(*kafka.BrokerProps)
	}{
		{"kafka: %s.Release.Name is empty", func(p *kafka.BrokerProps) { p.Release.Name = "" }},
		{"kafka: %s.Release.Namespace is empty", func(p *kafka.BrokerProps) { p.Release.Namespace = "" }},
		{"kafka: %s.Release.ClusterDomain is empty", func(p *kafka.BrokerProps) { p.Release.ClusterDomain = "" }},
		{"kafka: %s.Image.Repository is empty", func(p *kafka.BrokerProps) { p.Image.Repository = "" }},
		{"kafka: %s.Image.Tag is empty", func(p *kafka.BrokerProps) { p.Image.Tag = "" }},
		{"kafka: %s.Image.PullPolicy is empty", func(p *kafka.BrokerProps) { p.Image.PullPolicy = "" }},
		{"kafka: %s.Replicas is 0", func(p *kafka.BrokerProps) { p.Replicas = 0 }},
		{"kafka: %s.DefaultReplicationFactor is 0", func(p *kafka.BrokerProps) { p.DefaultReplicationFactor = 0 }},
		{"kafka: %s.DefaultReplicationFactor is 4: it must be 1 to Replicas (3)", func(p *kafka.BrokerProps) { p.DefaultReplicationFactor = 4 }},
		{"kafka: %s.MinInsyncReplicas is 0", func(p *kafka.BrokerProps) { p.MinInsyncReplicas = 0 }},
		{"kafka: %s.MinInsyncReplicas is 4: it must be 1 to DefaultReplicationFactor (3)", func(p *kafka.BrokerProps) { p.MinInsyncReplicas = 4 }},
		{"kafka: %s.Storage.Size is empty", func(p *kafka.BrokerProps) { p.Storage.Size = "" }},
	} {
		p := brokers(3, 3, 2)
		tc.edit(&p)
		manifest.MustPanic(t, strings.ReplaceAll(tc.want, "%s", "KRaftProps"), func() {
			kraft(t, kafka.KRaftProps{BrokerProps: p})
		})
		manifest.MustPanic(t, strings.ReplaceAll(tc.want, "%s", "ZooKeeperModeProps"), func() {
			manifest.Construct(t, func(scope constructs.Construct) {
				kafka.NewZooKeeperMode(scope, "kafka", kafka.ZooKeeperModeProps{BrokerProps: p, ZooKeeper: ensemble})
			})
		})
	}
}

// What only one mode has is refused in that mode.
func TestModeErrors(t *testing.T) {
	manifest.MustPanic(t, "kafka: KRaftProps.Replicas is 2: a KRaft quorum of 2 stops when either node does", func() {
		kraft(t, kafka.KRaftProps{BrokerProps: brokers(2, 2, 1)})
	})
	for _, id := range []string{"short", "MkU3OEVBNTcwNTJENDM2Qk+/", "not base64 at all!!!!!"} {
		manifest.MustPanic(t, "kafka: KRaftProps.ClusterID", func() {
			kraft(t, kafka.KRaftProps{BrokerProps: brokers(3, 3, 2), ClusterID: id})
		})
	}
	for _, tc := range []struct {
		want string
		edit func(*wiring.ZooKeeperEndpoint)
	}{
		{"kafka: ZooKeeperModeProps.ZooKeeper.Peer is empty", func(e *wiring.ZooKeeperEndpoint) { e.Peer = wiring.Peer{} }},
		{"kafka: ZooKeeperModeProps.ZooKeeper.ConnectString is empty", func(e *wiring.ZooKeeperEndpoint) { e.ConnectString = "" }},
		{"kafka: ZooKeeperModeProps.ZooKeeper.Port is 0", func(e *wiring.ZooKeeperEndpoint) { e.Port = 0 }},
	} {
		zk := ensemble
		tc.edit(&zk)
		manifest.MustPanic(t, tc.want, func() {
			manifest.Construct(t, func(scope constructs.Construct) {
				kafka.NewZooKeeperMode(scope, "kafka", kafka.ZooKeeperModeProps{BrokerProps: brokers(3, 3, 2), ZooKeeper: zk})
			})
		})
	}
}
