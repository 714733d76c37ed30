package kafka

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// KRaftProps configure a cluster in KRaft mode.
type KRaftProps struct {
	BrokerProps
	// ClusterID is the KRaft cluster ID, 16 bytes in base64url without
	// padding. Default: derived from the release, so it is stable across
	// synths and differs between installs.
	ClusterID string
}

// KRaft is a Kafka cluster in KRaft mode: every node is a broker and a
// voter of the controller quorum.
type KRaft struct {
	constructs.Construct
	*Brokers
}

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

// NewKRaft adds a KRaft cluster to scope.
func NewKRaft(scope constructs.Construct, id string, props KRaftProps) *KRaft {
	props = props.withDefaults()
	c, b := newBrokers(scope, id, props.BrokerProps, props.mode())
	return &KRaft{Construct: c, Brokers: b}
}

// withDefaults fills in the defaults and refuses what has none, or a
// quorum that cannot lose a node.
func (p KRaftProps) withDefaults() KRaftProps {
	r := kube.Refusals{Construct: "kafka"}
	p.BrokerProps = p.BrokerProps.withDefaults(&r, "KRaftProps")
	if p.Replicas == 2 {
		r.Refuse("KRaftProps.Replicas is 2: a KRaft quorum of 2 stops when either node does")
	}
	if p.ClusterID == "" {
		p.ClusterID = DeriveClusterID(p.Release.Namespace, p.Release.Name, p.Name)
	}
	if id, err := base64.RawURLEncoding.DecodeString(p.ClusterID); err != nil || len(id) != 16 {
		r.Refuse("KRaftProps.ClusterID %q is not 16 bytes in base64url without padding", p.ClusterID)
	}
	r.Check()
	return p
}

// mode is KRaft's part of the brokers: the controller port, the voters,
// formatting the volume on first start, and log4j 2 (Kafka 4).
func (p KRaftProps) mode() mode {
	controller := kube.Port{Name: "controller", Port: ControllerPort}
	voters := make([]string, p.Replicas)
	for i := range voters {
		voters[i] = fmt.Sprintf("%d@%s-%d.%s:%d", i, p.Name, i, p.peerDomain(), ControllerPort)
	}
	return mode{
		ports:   []kube.Port{clientPort, controller},
		idKey:   "node.id",
		prepare: `/opt/kafka/bin/kafka-storage.sh format --cluster-id "$KAFKA_CLUSTER_ID" --config "$cfg" --ignore-formatted` + "\n",
		// Ready when the broker port opens; alive while the controller
		// port, which opens first, is open.
		readiness: kube.TCPProbe(kube.Timing{Period: 10, Timeout: 5, FailureThreshold: 3}, clientPort.Name),
		liveness:  kube.TCPProbe(kube.Timing{Period: 20, Timeout: 5, FailureThreshold: 6}, controller.Name),
		env:       []*k8s.EnvVar{kube.Env("KAFKA_CLUSTER_ID", p.ClusterID)},
		logFile:   "log4j2.yaml",
		logConfig: log4j2,
		logOpts:   "-Dlog4j2.configurationFile=" + configDir + "/log4j2.yaml",
		settings: [][2]string{
			{"process.roles", "broker,controller"},
			{"controller.quorum.voters", strings.Join(voters, ",")},
			{"listeners", fmt.Sprintf("PLAINTEXT://:%d,CONTROLLER://:%d", Port, ControllerPort)},
			{"listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"},
			{"inter.broker.listener.name", "PLAINTEXT"},
			{"controller.listener.names", "CONTROLLER"},
			{"log.dirs", dataDir + "/topics"},
		},
		// The quorum keeps its majority too.
		maxUnavailable: min(p.replicaSlack(), (p.Replicas-1)/2),
	}
}

// Report is what the cluster needs: the brokers replicate to each other
// on the client port and the voters talk on the controller port.
func (k *KRaft) Report() wiring.Report {
	return k.report(wiring.Flow{From: wiring.Pods(Component), To: wiring.Pods(Component), Ports: []int{ControllerPort}})
}

// DeriveClusterID makes a KRaft cluster ID (16 bytes, base64url without
// padding, as kafka-storage.sh random-uuid prints) from the install's
// identity, so every synth of the same install gives the same ID.
func DeriveClusterID(parts ...string) string {
	sum := sha256.Sum256([]byte("caracal-kafka-cluster-id\x00" + strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}
