package kafka

import (
	"fmt"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"github.com/aws/constructs-go/constructs/v10"
)

// ZooKeeperModeProps configure brokers in ZooKeeper mode: Kafka 3.x only.
type ZooKeeperModeProps struct {
	BrokerProps
	// ZooKeeper is the ensemble that holds the cluster's metadata: its
	// Peer, ConnectString and Port are required.
	ZooKeeper wiring.ZooKeeperEndpoint
}

// ZooKeeperMode is a Kafka cluster whose brokers keep their metadata in a
// ZooKeeper ensemble: clusters still migrating from Caracal v0.2, whose
// Kafka predates KRaft.
type ZooKeeperMode struct {
	constructs.Construct
	*Brokers
	zooKeeper wiring.ZooKeeperEndpoint
}

// log4j sends every log to stdout, as log4j2 does, in the log4j 1 form
// that Kafka 3.x still reads (reload4j).
const log4j = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
`

// NewZooKeeperMode adds brokers in ZooKeeper mode to scope.
func NewZooKeeperMode(scope constructs.Construct, id string, props ZooKeeperModeProps) *ZooKeeperMode {
	props = props.withDefaults()
	c, b := newBrokers(scope, id, props.BrokerProps, props.mode())
	return &ZooKeeperMode{Construct: c, Brokers: b, zooKeeper: props.ZooKeeper}
}

// withDefaults fills in the defaults and refuses what has none.
func (p ZooKeeperModeProps) withDefaults() ZooKeeperModeProps {
	r := kube.Refusals{Construct: "kafka"}
	p.BrokerProps = p.BrokerProps.withDefaults(&r, "ZooKeeperModeProps")
	p.ZooKeeper.Refuse(&r, "ZooKeeperModeProps.ZooKeeper")
	r.Check()
	return p
}

// mode is ZooKeeper mode's part of the brokers: no controller, a
// broker.id per pod, and log4j 1.
func (p ZooKeeperModeProps) mode() mode {
	return mode{
		ports: []kube.Port{clientPort},
		idKey: "broker.id",
		// Ready when the broker answers API requests, alive while it
		// listens.
		readiness: kube.ExecProbe(kube.Timing{Period: 30, Timeout: 20, FailureThreshold: 3}, "sh", "-c", `/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server 127.0.0.1:"$KAFKA_PORT" >/dev/null`),
		liveness:  kube.TCPProbe(kube.Timing{Period: 20, Timeout: 5, FailureThreshold: 6}, clientPort.Name),
		logFile:   "log4j.properties",
		logConfig: log4j,
		logOpts:   "-Dlog4j.configuration=file:" + configDir + "/log4j.properties",
		settings: [][2]string{
			{"zookeeper.connect", p.ZooKeeper.ConnectString},
			{"listeners", fmt.Sprintf("PLAINTEXT://:%d", Port)},
			{"listener.security.protocol.map", "PLAINTEXT:PLAINTEXT"},
			{"inter.broker.listener.name", "PLAINTEXT"},
			{"log.dirs", dataDir + "/topics"},
		},
		// There is no quorum of brokers to keep: only the in-sync
		// replicas bound a drain.
		maxUnavailable: p.replicaSlack(),
	}
}

// Report is what the cluster needs: the brokers replicate to each other
// on the client port and reach the ensemble.
func (z *ZooKeeperMode) Report() wiring.Report {
	return z.report(z.zooKeeper.From(Component))
}
