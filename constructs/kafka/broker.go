package kafka

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

const (
	configDir = "/etc/kafka/caracal"
	dataDir   = "/var/lib/kafka/data"
)

// mode is what a Kafka mode gives the broker core: all that differs
// between KRaft and ZooKeeper mode.
type mode struct {
	// ports the brokers listen on, the client port first.
	ports []kube.Port
	// idKey is the setting of each broker's identity, which the start
	// script adds per pod; prepare runs once the configuration is
	// complete, before the broker starts ("" or lines ending in "\n").
	idKey, prepare      string
	readiness, liveness *k8s.Probe
	// env is what the mode adds to the broker's environment.
	env []*k8s.EnvVar
	// log is the logging configuration: its file name, its text, and the
	// KAFKA_LOG4J_OPTS that load it.
	logFile, logConfig, logOpts string
	// settings open server.properties; the durability settings follow.
	settings [][2]string
	// maxUnavailable is how many brokers a drain may stop at once.
	maxUnavailable int
}

// clientPort is the port clients and the brokers themselves use.
var clientPort = kube.Port{Name: "kafka", Port: Port}

// newBrokers adds to scope the construct id holding the brokers of a
// mode, whose props are checked.
func newBrokers(scope constructs.Construct, id string, p BrokerProps, m mode) (constructs.Construct, *Brokers) {
	r := p.Release
	b := &Brokers{props: p}
	configData := map[string]string{m.logFile: m.logConfig, "server.properties": p.serverProperties(m)}
	var first kube.Batch
	first.Add(&b.ConfigMap, kube.Object{ID: "config", GVK: kube.ConfigMapKind, Props: &k8s.KubeConfigMapProps{
		Metadata: r.Meta(p.configMapName(), Component),
		Data:     kube.StrMap(configData),
	}})
	first.Add(&b.HeadlessService, workload.HeadlessServiceObject("headless", r, p.headlessName(), Component, m.ports...))
	first.Add(&b.Service, workload.ServiceObject("service", r, workload.Service{Name: p.Name, Component: Component, Ports: []kube.Port{clientPort}}))
	pod := p.pod(m, configData)
	b.secrets = pod.SecretsRead()
	workload.AddStatefulSet(&first, &b.StatefulSet, "statefulset", r, workload.StatefulSet{
		Name:        p.Name,
		Component:   Component,
		ServiceName: p.headlessName(),
		Replicas:    p.Replicas,
		Parallel:    true,
		Storage:     p.Storage,
		Pod:         pod,
	})
	if p.Replicas > 1 {
		first.Add(&b.PodDisruptionBudget, workload.PodDisruptionBudgetObject("pdb", r, p.Name, Component, m.maxUnavailable))
	}
	// The construct and all it holds are made in one jsii call.
	return first.MakeScope(scope, id), b
}

// pod is a broker's pod; configData is the shared configuration, whose
// checksum rolls the pods when it changes.
func (p BrokerProps) pod(m mode, configData map[string]string) workload.Pod {
	tmp := kube.Scratch{Name: "tmp", MountPath: "/tmp", SizeLimit: "512Mi"}
	config := &k8s.Volume{Name: kube.Str("config"), ConfigMap: &k8s.ConfigMapVolumeSource{Name: kube.Str(p.configMapName())}}
	return workload.Pod{
		Containers:       []*k8s.Container{p.container(m, tmp)},
		Volumes:          []*k8s.Volume{config, tmp.Volume()},
		ImagePullSecrets: p.ImagePullSecrets,
		PriorityClass:    p.PriorityClass,
		Extra:            p.Extra,
		// No node may hold a majority of the KRaft voters (or, in
		// ZooKeeper mode, of the brokers, which hold the replicas).
		Quorum:      p.Replicas,
		Annotations: map[string]string{"checksum/config": kube.ConfigChecksum(configData)},
		// Time for a controlled shutdown: partition leadership moves
		// away before the broker stops.
		TerminationGracePeriodSeconds: 120,
	}
}

// container is the broker; its start up allows a long log recovery.
func (p BrokerProps) container(m mode, tmp kube.Scratch) *k8s.Container {
	env := p.env(m)
	return &k8s.Container{
		Name:            kube.Str("kafka"),
		Image:           kube.Str(p.Image.Ref()),
		ImagePullPolicy: kube.Str(p.Image.PullPolicy),
		Command:         kube.Command("sh", "-c", startScript(m.idKey, m.prepare)),
		Ports:           kube.ContainerPorts(m.ports...),
		Env:             &env,
		StartupProbe:    kube.TCPProbe(kube.Timing{Period: 10, Timeout: 5, FailureThreshold: 60}, clientPort.Name),
		ReadinessProbe:  m.readiness,
		LivenessProbe:   m.liveness,
		Resources:       p.Resources.Requirements(),
		SecurityContext: kube.ContainerSecurityContext(),
		VolumeMounts: &[]*k8s.VolumeMount{
			workload.DataMount(dataDir),
			{Name: kube.Str("config"), MountPath: kube.Str(configDir), ReadOnly: kube.Bool(true)},
			tmp.Mount(),
		},
	}
}

// env is the broker's environment: its pod name (whose ordinal is its
// identity), what the mode adds, and what the start script and Kafka's
// own scripts read.
func (p BrokerProps) env(m mode) []*k8s.EnvVar {
	env := append([]*k8s.EnvVar{kube.EnvFromField("POD_NAME", "metadata.name")}, m.env...)
	return append(env,
		// The start script appends it to server.properties.
		kube.Env("KAFKA_PEER_DOMAIN", kube.PropertiesValue(p.peerDomain())),
		kube.Env("KAFKA_PORT", fmt.Sprint(Port)),
		// The heap follows the memory limit; the rest is page cache.
		kube.Env("KAFKA_HEAP_OPTS", "-XX:InitialRAMPercentage=50.0 -XX:MaxRAMPercentage=50.0"),
		kube.Env("KAFKA_LOG4J_OPTS", m.logOpts),
		// Without -loggc: no rotating GC log files on ephemeral storage.
		kube.Env("EXTRA_ARGS", "-name kafkaServer"),
		kube.Env("LOG_DIR", "/tmp/kafka/logs"),
	)
}

// startScript completes the shared configuration with what differs per
// pod (idKey, the broker's identity, is the pod's ordinal), runs prepare,
// then runs the broker in the foreground.
func startScript(idKey, prepare string) string {
	return `set -eu
id="${POD_NAME##*-}"
mkdir -p /tmp/kafka
cfg=/tmp/kafka/server.properties
cp ` + configDir + `/server.properties "$cfg"
printf '` + idKey + `=%s\nadvertised.listeners=PLAINTEXT://%s.%s:%s\n' "$id" "$POD_NAME" "$KAFKA_PEER_DOMAIN" "$KAFKA_PORT" >> "$cfg"
` + prepare + `exec /opt/kafka/bin/kafka-server-start.sh "$cfg"
`
}

// serverProperties is the configuration every broker shares: the mode's
// settings, then the durability ones. Every line is written by
// kube.PropertiesLine, so no value can add one.
func (p BrokerProps) serverProperties(m mode) string {
	rf, isr := strconv.Itoa(p.DefaultReplicationFactor), strconv.Itoa(p.MinInsyncReplicas)
	settings := slices.Concat(m.settings, [][2]string{
		// Internal topics get the same durability as Caracal's own topics.
		{"default.replication.factor", rf},
		{"min.insync.replicas", isr},
		{"offsets.topic.replication.factor", rf},
		{"transaction.state.log.replication.factor", rf},
		{"transaction.state.log.min.isr", isr},
		// Topics are created on purpose (caracal kafka create-topics),
		// never by a typo in a client.
		{"auto.create.topics.enable", "false"},
	})
	lines := []string{"# " + m.idKey + " and advertised.listeners are added per pod at start."}
	for _, s := range settings {
		lines = append(lines, kube.PropertiesLine(s[0], s[1]))
	}
	return strings.Join(lines, "\n") + "\n"
}

// replicaSlack is how many replicas of a partition may be down while
// writes go on (min.insync.replicas holds). It can be 0: then a budget
// makes drains wait for an operator.
func (p BrokerProps) replicaSlack() int {
	return max(p.DefaultReplicationFactor-p.MinInsyncReplicas, 0)
}

func (p BrokerProps) configMapName() string { return p.Name + "-config" }
func (p BrokerProps) headlessName() string  { return p.Name + "-headless" }

// peerDomain is the DNS domain of the pods, under the headless Service.
func (p BrokerProps) peerDomain() string { return p.Release.ServiceHost(p.headlessName()) }

// withDefaults fills in the defaults and records in r what has none;
// props names the props type in the messages.
func (p BrokerProps) withDefaults(r *kube.Refusals, props string) BrokerProps {
	if p.Name == "" {
		p.Name = DefaultName
	}
	p.Datastore.Check(r, props)
	switch {
	case p.Replicas < 1:
		r.Refuse("%s.Replicas is %d: a cluster needs a broker", props, p.Replicas)
	case p.DefaultReplicationFactor < 1 || p.DefaultReplicationFactor > p.Replicas:
		r.Refuse("%s.DefaultReplicationFactor is %d: it must be 1 to Replicas (%d)", props, p.DefaultReplicationFactor, p.Replicas)
	case p.MinInsyncReplicas < 1 || p.MinInsyncReplicas > p.DefaultReplicationFactor:
		r.Refuse("%s.MinInsyncReplicas is %d: it must be 1 to DefaultReplicationFactor (%d)", props, p.MinInsyncReplicas, p.DefaultReplicationFactor)
	}
	return p
}
