// Package kafka is an Apache Kafka cluster, with one persistent volume per
// broker, a headless Service for the peers and a client Service for
// bootstrapping. It comes in two modes, two constructs on one broker core:
// KRaft (NewKRaft), where every node is both broker and controller, and
// ZooKeeper mode (NewZooKeeperMode), Kafka 3.x brokers that keep their
// metadata in a ZooKeeper ensemble.
package kafka

import (
	"fmt"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
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
)

// BrokerProps configure the brokers, in either mode.
type BrokerProps struct {
	workload.Datastore
	// Name of the StatefulSet and the client Service. Default: DefaultName.
	Name string
	// Replicas is the number of brokers: required, at least 1.
	Replicas int
	// DefaultReplicationFactor of topics, the internal ones too: required,
	// 1 to Replicas.
	DefaultReplicationFactor int
	// MinInsyncReplicas: required, 1 to DefaultReplicationFactor.
	MinInsyncReplicas int
}

// Brokers are the objects of the brokers, in either mode.
type Brokers struct {
	ConfigMap       cdk8s.ApiObject
	HeadlessService cdk8s.ApiObject
	Service         cdk8s.ApiObject
	StatefulSet     cdk8s.ApiObject
	// PodDisruptionBudget bounds how many brokers a drain stops at once;
	// nil for a single broker, which it would never let go.
	PodDisruptionBudget cdk8s.ApiObject

	props BrokerProps
	// secrets are the Secret keys the pods read.
	secrets []kube.SecretKey
}

// Endpoint tells clients where to bootstrap from.
func (b *Brokers) Endpoint() wiring.KafkaEndpoint {
	return wiring.KafkaEndpoint{Peer: wiring.Pods(Component), BootstrapServers: b.BootstrapServers()}
}

// BootstrapServers is the address clients bootstrap from.
func (b *Brokers) BootstrapServers() string {
	return fmt.Sprintf("%s:%d", b.props.Release.ServiceHost(b.props.Name), Port)
}

// report is what the brokers of either mode need: they talk to each other
// on the client port (replication), and to what the mode adds.
func (b *Brokers) report(flows ...wiring.Flow) wiring.Report {
	self := wiring.Flow{From: wiring.Pods(Component), To: wiring.Pods(Component), Ports: []int{Port}}
	return wiring.Report{Component: Component, Flows: append([]wiring.Flow{self}, flows...), Secrets: b.secrets}
}
