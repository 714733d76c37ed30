// Package consumers holds Caracal's three Kafka consumers: the ledger
// writer (batches events into a Merkle-signed ledger), the metrics
// aggregator and the audit logger. Each is a Deployment in its own
// consumer group.
package consumers

import (
	"maps"
	"strconv"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/secrets"
	"caracal.dev/caracal-cdk8s/constructs/shared"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// MetricsPort is where every consumer serves /metrics, /readyz and
// /livez, unless told otherwise.
const MetricsPort = 9090

// Components, the app.kubernetes.io/component of each consumer.
const (
	LedgerWriterComponent      = "ledger-writer"
	MetricsAggregatorComponent = "metrics-aggregator"
	AuditLoggerComponent       = "audit-logger"
)

// Common configures what every consumer has.
type Common struct {
	Release          shared.Release
	Image            shared.Image
	Endpoints        shared.Endpoints
	Replicas         int
	Resources        shared.Resources
	ImagePullSecrets []string
}

// consumer is what differs between the three.
type consumer struct {
	name, component, command string
	group                    string
	topics                   []string
	metricsPort              int
	// service names the metrics Service. Default: <name>-metrics.
	service string
	config  map[string]string
	files   []shared.SecretFiles
	// grace is the time to commit offsets (and flush a batch) on SIGTERM.
	grace int
}

// Consumer is one consumer's objects; each has a Service for scraping
// (<name>-metrics, and caracal-metrics-aggregator for the aggregator).
type Consumer struct {
	constructs.Construct
	*shared.WorkloadObjects
	// Service serves the metrics port, for scraping.
	Service k8s.KubeService
	Group   string
	Topics  []string
}

func newConsumer(scope constructs.Construct, id string, p Common, c consumer) *Consumer {
	scopeC := constructs.NewConstruct(scope, shared.Str(id))
	config, secrets := shared.DatastoreConfig(p.Endpoints)
	config["CARACAL_CONSUMER_GROUP"] = c.group
	config["CARACAL_CONSUMER_TOPICS"] = strings.Join(c.topics, ",")
	config["CARACAL_METRICS_PORT"] = strconv.Itoa(c.metricsPort)
	maps.Copy(config, c.config)
	metrics := shared.Port{Name: shared.MetricsPort, Port: c.metricsPort}
	ready, live := shared.HealthProbes(metrics.Name)
	w := p.Release.NewWorkload(scopeC, "workload", shared.Workload{
		Name:                          c.name,
		Component:                     c.component,
		Image:                         p.Image,
		Command:                       []string{"caracal", "consumer", c.command},
		Config:                        config,
		Secrets:                       secrets,
		Files:                         c.files,
		Ports:                         []shared.Port{metrics},
		Readiness:                     ready,
		Liveness:                      live,
		Resources:                     p.Resources,
		Replicas:                      p.Replicas,
		ImagePullSecrets:              p.ImagePullSecrets,
		TerminationGracePeriodSeconds: c.grace,
	})
	svcName := c.service
	if svcName == "" {
		svcName = c.name + "-metrics"
	}
	svc := p.Release.NewService(scopeC, "service", shared.Service{Name: svcName, Component: c.component, Ports: []shared.Port{metrics}})
	return &Consumer{Construct: scopeC, WorkloadObjects: w, Service: svc, Group: c.group, Topics: c.topics}
}

// Topics Caracal's consumers read; `caracal kafka create-topics` creates
// them.
const (
	LedgerTopic   = "caracal.ledger.events"
	MeteringTopic = "caracal.metering.events"
	AuditTopic    = "caracal.audit.events"
)

// LedgerWriterProps configures the ledger writer.
type LedgerWriterProps struct {
	Common
	BatchSizeLimit      int
	BatchTimeoutSeconds int
	// SigningKeySecret holds merkle_signing_key.pem.
	SigningKeySecret string
}

// NewLedgerWriter adds caracal-ledger-writer: it reads ledger events,
// batches them and signs each batch's Merkle root.
func NewLedgerWriter(scope constructs.Construct, id string, p LedgerWriterProps) *Consumer {
	key, keyEnv := secrets.MerkleKey(p.SigningKeySecret)
	return newConsumer(scope, id, p.Common, consumer{
		name: "caracal-ledger-writer", component: LedgerWriterComponent, command: "ledger-writer",
		group: "caracal-ledger-writer", topics: []string{LedgerTopic}, metricsPort: MetricsPort,
		config: shared.Merge(keyEnv, map[string]string{
			"CARACAL_MERKLE_BATCH_SIZE_LIMIT":      strconv.Itoa(p.BatchSizeLimit),
			"CARACAL_MERKLE_BATCH_TIMEOUT_SECONDS": strconv.Itoa(p.BatchTimeoutSeconds),
		}),
		files: []shared.SecretFiles{key},
		// Flushing and signing an open batch takes longer than committing.
		grace: 120,
	})
}

// MetricsAggregatorProps configures the metrics aggregator.
type MetricsAggregatorProps struct {
	Common
	MetricsPort int
}

// NewMetricsAggregator adds caracal-metrics-aggregator: it aggregates
// metering events and serves them on MetricsPort, behind the Service
// caracal-metrics-aggregator.
func NewMetricsAggregator(scope constructs.Construct, id string, p MetricsAggregatorProps) *Consumer {
	return newConsumer(scope, id, p.Common, consumer{
		name: "caracal-metrics-aggregator", component: MetricsAggregatorComponent, command: "metrics-aggregator",
		group: "caracal-metrics-aggregator", topics: []string{MeteringTopic}, metricsPort: p.MetricsPort, grace: 60,
		service: "caracal-metrics-aggregator", // the chart's name for the aggregator's Service
	})
}

// NewAuditLogger adds caracal-audit-logger: it writes audit events to
// its log stream.
func NewAuditLogger(scope constructs.Construct, id string, p Common) *Consumer {
	return newConsumer(scope, id, p, consumer{
		name: "caracal-audit-logger", component: AuditLoggerComponent, command: "audit-logger",
		group: "caracal-audit-logger", topics: []string{AuditTopic}, metricsPort: MetricsPort, grace: 60,
	})
}
