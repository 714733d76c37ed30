// Package kafka is an Apache Kafka cluster in KRaft mode: every node is
// both broker and controller, with one persistent volume each, a headless
// Service for the quorum and a client Service for bootstrapping.
package kafka

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

const (
	// Component is the app.kubernetes.io/component label value.
	Component = "kafka"
	// DefaultName names the StatefulSet and the client Service; pods are
	// DefaultName-0, -1, ...
	DefaultName = "caracal-kafka"
	// Port is the client (broker) port; ControllerPort the KRaft quorum's.
	Port           = 9092
	ControllerPort = 9093

	configDir = "/etc/kafka/caracal"
	dataDir   = "/var/lib/kafka/data"
)

// Props configures a Kafka cluster.
type Props struct {
	Release kube.Release
	// Name of the StatefulSet and the client Service. Default: DefaultName.
	Name string
	// Replicas is the number of nodes; each is broker and controller.
	Replicas                 int
	Image                    kube.Image
	DefaultReplicationFactor int
	MinInsyncReplicas        int
	Storage                  kube.Storage
	Resources                kube.Resources
	ImagePullSecrets         []string
	// PriorityClass of the pods, e.g. one above the applications' so that
	// the datastores are placed first when a cluster is short ("": none).
	PriorityClass string
	// ClusterID is the KRaft cluster ID. Default: derived from the
	// release, so it is stable across synths and differs between installs.
	ClusterID string
	// ZooKeeper, when set (zookeeper.connect), runs the brokers in
	// ZooKeeper mode instead of KRaft: Kafka 3.x only.
	ZooKeeper string
}

// Kafka is the construct; BootstrapServers tells clients where it is.
type Kafka struct {
	constructs.Construct
	props           Props
	ConfigMap       k8s.KubeConfigMap
	HeadlessService k8s.KubeService
	Service         k8s.KubeService
	StatefulSet     cdk8s.ApiObject
	// PodDisruptionBudget lets a drain take one broker at a time, so
	// min.insync.replicas holds while nodes are upgraded.
	PodDisruptionBudget k8s.KubePodDisruptionBudget
}

// zooKeeperStartScript completes the shared configuration with what
// differs per pod, then runs the broker.
const zooKeeperStartScript = `set -eu
id="${POD_NAME##*-}"
mkdir -p /tmp/kafka
cfg=/tmp/kafka/server.properties
cp ` + configDir + `/server.properties "$cfg"
printf 'broker.id=%s\nadvertised.listeners=PLAINTEXT://%s.%s:%s\n' "$id" "$POD_NAME" "$KAFKA_PEER_DOMAIN" "$KAFKA_PORT" >> "$cfg"
exec /opt/kafka/bin/kafka-server-start.sh "$cfg"
`

// startScript completes the shared configuration with what differs per
// pod, formats the volume on first start (KRaft needs it), then runs the
// broker in the foreground.
const startScript = `set -eu
id="${POD_NAME##*-}"
mkdir -p /tmp/kafka
cfg=/tmp/kafka/server.properties
cp ` + configDir + `/server.properties "$cfg"
printf 'node.id=%s\nadvertised.listeners=PLAINTEXT://%s.%s:%s\n' "$id" "$POD_NAME" "$KAFKA_PEER_DOMAIN" "$KAFKA_PORT" >> "$cfg"
/opt/kafka/bin/kafka-storage.sh format --cluster-id "$KAFKA_CLUSTER_ID" --config "$cfg" --ignore-formatted
exec /opt/kafka/bin/kafka-server-start.sh "$cfg"
`

// log4j2 sends every log to stdout: the root filesystem is read-only and
// log files would fill the pod's ephemeral storage.
const log4j2 = `Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: INFO
      AppenderRef:
        - ref: STDOUT
`

// log4j is log4j2's configuration in log4j 1 form, for Kafka 3.x (the
// ZooKeeper mode), which still uses log4j 1 (reload4j).
const log4j = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
`

// NewKafka adds a Kafka cluster to scope.
func NewKafka(scope constructs.Construct, id string, props Props) *Kafka {
	if props.Name == "" {
		props.Name = DefaultName
	}
	r := props.Release
	if props.ClusterID == "" {
		props.ClusterID = DeriveClusterID(r.Namespace, r.Name, props.Name)
	}
	c := constructs.NewConstruct(scope, kube.Str(id))
	kf := &Kafka{Construct: c, props: props}
	client := kube.Port{Name: "kafka", Port: Port}
	controller := kube.Port{Name: "controller", Port: ControllerPort}
	zk := props.ZooKeeper != ""
	ports := []kube.Port{client, controller}
	script := startScript
	// Startup allows a long log recovery; readiness follows the broker
	// port, liveness the controller port, which opens first.
	readiness := kube.TCPProbe(kube.Timing{Period: 10, Timeout: 5, FailureThreshold: 3}, client.Name)
	liveness := kube.TCPProbe(kube.Timing{Period: 20, Timeout: 5, FailureThreshold: 6}, controller.Name)
	if zk {
		// No controller: ready when the broker answers API requests,
		// alive while it listens.
		ports, script = []kube.Port{client}, zooKeeperStartScript
		readiness = kube.ExecProbe(kube.Timing{Period: 30, Timeout: 20, FailureThreshold: 3}, "sh", "-c", `/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server 127.0.0.1:"$KAFKA_PORT" >/dev/null`)
		liveness = kube.TCPProbe(kube.Timing{Period: 20, Timeout: 5, FailureThreshold: 6}, client.Name)
	}

	properties := kf.serverProperties()
	env := []*k8s.EnvVar{kube.EnvFromField("POD_NAME", "metadata.name")}
	logging := map[string]string{"log4j2.yaml": log4j2}
	logOpts := "-Dlog4j2.configurationFile=" + configDir + "/log4j2.yaml"
	if !zk {
		env = append(env, kube.Env("KAFKA_CLUSTER_ID", props.ClusterID))
	} else {
		logging = map[string]string{"log4j.properties": log4j}
		logOpts = "-Dlog4j.configuration=file:" + configDir + "/log4j.properties"
	}
	env = append(env,
		// The start script appends it to server.properties.
		kube.Env("KAFKA_PEER_DOMAIN", kube.PropertiesValue(kf.peerDomain())),
		kube.Env("KAFKA_PORT", fmt.Sprint(Port)),
		// The heap follows the memory limit; the rest is page cache.
		kube.Env("KAFKA_HEAP_OPTS", "-XX:InitialRAMPercentage=50.0 -XX:MaxRAMPercentage=50.0"),
		kube.Env("KAFKA_LOG4J_OPTS", logOpts),
		// Without -loggc: no rotating GC log files on ephemeral storage.
		kube.Env("EXTRA_ARGS", "-name kafkaServer"),
		kube.Env("LOG_DIR", "/tmp/kafka/logs"),
	)
	configData := kube.Merge(logging, map[string]string{"server.properties": properties})
	kf.ConfigMap = k8s.NewKubeConfigMap(c, kube.Str("config"), &k8s.KubeConfigMapProps{
		Metadata: r.Meta(kf.configMapName(), Component),
		Data:     kube.StrMap(configData),
	})
	kf.HeadlessService = workload.NewHeadlessService(c, "headless", r, kf.headlessName(), Component, ports...)
	kf.Service = workload.NewService(c, "service", r, workload.Service{Name: props.Name, Component: Component, Ports: []kube.Port{client}})

	tmp := kube.Scratch{Name: "tmp", MountPath: "/tmp", SizeLimit: "512Mi"}
	container := &k8s.Container{
		Name:            kube.Str("kafka"),
		Image:           kube.Str(props.Image.Ref()),
		ImagePullPolicy: kube.Str(props.Image.PullPolicy),
		Command:         kube.Command("sh", "-c", script),
		Ports:           kube.ContainerPorts(ports...),
		Env:             &env,
		StartupProbe:    kube.TCPProbe(kube.Timing{Period: 10, Timeout: 5, FailureThreshold: 60}, client.Name),
		ReadinessProbe:  readiness,
		LivenessProbe:   liveness,
		Resources:       props.Resources.Requirements(),
		SecurityContext: kube.ContainerSecurityContext(),
		VolumeMounts: &[]*k8s.VolumeMount{
			workload.DataMount(dataDir),
			{Name: kube.Str("config"), MountPath: kube.Str(configDir), ReadOnly: kube.Bool(true)},
			tmp.Mount(),
		},
	}
	config := &k8s.Volume{Name: kube.Str("config"), ConfigMap: &k8s.ConfigMapVolumeSource{Name: kube.Str(kf.configMapName())}}
	kf.StatefulSet = workload.NewStatefulSet(c, "statefulset", r, workload.StatefulSet{
		Name:        props.Name,
		Component:   Component,
		ServiceName: kf.headlessName(),
		Replicas:    props.Replicas,
		Parallel:    true,
		Storage:     props.Storage,
		Pod: workload.Pod{
			Containers:       []*k8s.Container{container},
			Volumes:          []*k8s.Volume{config, tmp.Volume()},
			ImagePullSecrets: props.ImagePullSecrets,
			PriorityClass:    props.PriorityClass,
			// No node may hold a majority of the KRaft voters (or, in
			// ZooKeeper mode, of the brokers, which hold the replicas).
			Quorum: props.Replicas,
			// The pods roll when the shared configuration changes.
			Annotations: map[string]string{"checksum/config": kube.ConfigChecksum(configData)},
			// Time for a controlled shutdown: partition leadership moves
			// away before the broker stops.
			TerminationGracePeriodSeconds: 120,
		},
	})
	if props.Replicas > 1 {
		kf.PodDisruptionBudget = workload.NewPodDisruptionBudget(c, "pdb", r, props.Name, Component, kf.maxUnavailable(zk))
	}
	return kf
}

// maxUnavailable is how many brokers a drain may stop at once: the KRaft
// quorum keeps its majority, and every partition keeps
// min.insync.replicas, so writes go on. It can be 0: then drains wait
// for an operator.
func (k *Kafka) maxUnavailable(zk bool) int {
	n := k.props.DefaultReplicationFactor - k.props.MinInsyncReplicas
	if quorum := (k.props.Replicas - 1) / 2; !zk && quorum < n {
		n = quorum
	}
	return max(n, 0)
}

func (k *Kafka) configMapName() string { return k.props.Name + "-config" }
func (k *Kafka) headlessName() string  { return k.props.Name + "-headless" }

// peerDomain is the DNS domain of the pods, under the headless Service.
func (k *Kafka) peerDomain() string { return k.props.Release.ServiceHost(k.headlessName()) }

// serverProperties is the configuration every node shares. Every line is
// written by shared.PropertiesLine, so no value can add one.
func (k *Kafka) serverProperties() string {
	voters := make([]string, k.props.Replicas)
	for i := range voters {
		voters[i] = fmt.Sprintf("%d@%s-%d.%s:%d", i, k.props.Name, i, k.peerDomain(), ControllerPort)
	}
	comment := "# node.id and advertised.listeners are added per pod at start."
	settings := [][2]string{
		{"process.roles", "broker,controller"},
		{"controller.quorum.voters", strings.Join(voters, ",")},
		{"listeners", fmt.Sprintf("PLAINTEXT://:%d,CONTROLLER://:%d", Port, ControllerPort)},
		{"listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"},
		{"inter.broker.listener.name", "PLAINTEXT"},
		{"controller.listener.names", "CONTROLLER"},
		{"log.dirs", dataDir + "/topics"},
	}
	if k.props.ZooKeeper != "" {
		comment = "# broker.id and advertised.listeners are added per pod at start."
		settings = [][2]string{
			{"zookeeper.connect", k.props.ZooKeeper},
			{"listeners", fmt.Sprintf("PLAINTEXT://:%d", Port)},
			{"listener.security.protocol.map", "PLAINTEXT:PLAINTEXT"},
			{"inter.broker.listener.name", "PLAINTEXT"},
			{"log.dirs", dataDir + "/topics"},
		}
	}
	// Internal topics get the same durability as Caracal's own topics.
	settings = append(settings,
		[2]string{"default.replication.factor", strconv.Itoa(k.props.DefaultReplicationFactor)},
		[2]string{"min.insync.replicas", strconv.Itoa(k.props.MinInsyncReplicas)},
		[2]string{"offsets.topic.replication.factor", strconv.Itoa(k.props.DefaultReplicationFactor)},
		[2]string{"transaction.state.log.replication.factor", strconv.Itoa(k.props.DefaultReplicationFactor)},
		[2]string{"transaction.state.log.min.isr", strconv.Itoa(k.props.MinInsyncReplicas)},
		// Topics are created on purpose (caracal kafka create-topics),
		// never by a typo in a client.
		[2]string{"auto.create.topics.enable", "false"},
	)
	lines := []string{comment}
	for _, s := range settings {
		lines = append(lines, kube.PropertiesLine(s[0], s[1]))
	}
	return strings.Join(lines, "\n") + "\n"
}

// Endpoint tells clients where to bootstrap from.
func (k *Kafka) Endpoint() wiring.KafkaEndpoint {
	return wiring.KafkaEndpoint{BootstrapServers: k.BootstrapServers()}
}

// BootstrapServers is the address clients bootstrap from.
func (k *Kafka) BootstrapServers() string {
	return fmt.Sprintf("%s:%d", k.props.Release.ServiceHost(k.props.Name), Port)
}

// DeriveClusterID makes a KRaft cluster ID (16 bytes, base64url without
// padding, as kafka-storage.sh random-uuid prints) from the install's
// identity, so every synth of the same install gives the same ID.
func DeriveClusterID(parts ...string) string {
	sum := sha256.Sum256([]byte("caracal-kafka-cluster-id\x00" + strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}
