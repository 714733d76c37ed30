// Package consumers holds Caracal's three Kafka consumers: the ledger
// writer (batches events into a Merkle-signed ledger), the metrics
// aggregator and the audit logger. Each is a Deployment in its own
// consumer group.
package consumers

import (
	"cmp"
	"maps"
	"strconv"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/secrets"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
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

// Common is what every consumer is built with. A consumer has no
// autoscaler (Autoscaling must be nil): it scales with its topics'
// partitions, not with CPU.
type Common = workload.Process

// check applies the defaults and records what has none.
func check(p *Common, r *kube.Refusals, props string) {
	p.Check(r, props)
	if p.Autoscaling != nil {
		r.Refuse("%s.Autoscaling is set: a consumer scales with its partitions", props)
	}
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
	files   []workload.SecretFiles
	// grace is the time to commit offsets (and flush a batch) on SIGTERM.
	grace int
}

// Consumer is one consumer's objects; each has a Service for scraping
// (<name>-metrics, and caracal-metrics-aggregator for the aggregator).
type Consumer struct {
	constructs.Construct
	*workload.StatelessObjects
	// Service serves the metrics port, for scraping.
	Service cdk8s.ApiObject
	Group   string
	Topics  []string
	report  wiring.Report
}

func newConsumer(scope constructs.Construct, id string, p Common, c consumer) *Consumer {
	config, secrets := wiring.DatastoreConfig(p.Endpoints)
	config["CARACAL_CONSUMER_GROUP"] = c.group
	config["CARACAL_CONSUMER_TOPICS"] = strings.Join(c.topics, ",")
	config["CARACAL_METRICS_PORT"] = strconv.Itoa(c.metricsPort)
	maps.Copy(config, c.config)
	metrics := kube.Port{Name: kube.MetricsPort, Port: c.metricsPort}
	s := p.Stateless(c.name, c.component, []string{"caracal", "consumer", c.command}, metrics)
	s.Config, s.Secrets, s.Files = config, secrets, c.files
	s.TerminationGracePeriodSeconds = c.grace
	// The construct and all it holds are made in one jsii call.
	var b kube.Batch
	w := workload.AddStateless(&b, "workload", p.Release, s)
	svcName := c.service
	if svcName == "" {
		svcName = c.name + "-metrics"
	}
	out := &Consumer{
		StatelessObjects: w, Group: c.group, Topics: c.topics,
		report: wiring.ProcessReport(c.component, p.Endpoints, w.SecretsRead),
	}
	b.Add(&out.Service, workload.ServiceObject("service", p.Release, workload.Service{Name: svcName, Component: c.component, Ports: []kube.Port{metrics}}))
	out.Construct = b.MakeScope(scope, id)
	return out
}

// Report: a consumer reaches the datastores; it is scraped, and reads the
// datastore passwords, any Kafka credentials and (the ledger writer) the
// Merkle signing key.
func (c *Consumer) Report() wiring.Report { return c.report }

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
	// BatchSizeLimit and BatchTimeoutSeconds bound a batch; each is at
	// least 1.
	BatchSizeLimit      int
	BatchTimeoutSeconds int
	// SigningKeySecret holds merkle_signing_key.pem.
	SigningKeySecret string
}

// NewLedgerWriter adds caracal-ledger-writer: it reads ledger events,
// batches them and signs each batch's Merkle root.
func NewLedgerWriter(scope constructs.Construct, id string, p LedgerWriterProps) *Consumer {
	r := kube.Refusals{Construct: "ledger-writer"}
	check(&p.Common, &r, "LedgerWriterProps")
	r.AtLeast("LedgerWriterProps.BatchSizeLimit", p.BatchSizeLimit, 1)
	r.AtLeast("LedgerWriterProps.BatchTimeoutSeconds", p.BatchTimeoutSeconds, 1)
	r.Empty("LedgerWriterProps.SigningKeySecret", p.SigningKeySecret)
	r.Check()
	key, keyEnv := secrets.MerkleKey(p.SigningKeySecret)
	return newConsumer(scope, id, p.Common, consumer{
		name: "caracal-ledger-writer", component: LedgerWriterComponent, command: "ledger-writer",
		group: "caracal-ledger-writer", topics: []string{LedgerTopic}, metricsPort: MetricsPort,
		config: kube.Merge(keyEnv, map[string]string{
			"CARACAL_MERKLE_BATCH_SIZE_LIMIT":      strconv.Itoa(p.BatchSizeLimit),
			"CARACAL_MERKLE_BATCH_TIMEOUT_SECONDS": strconv.Itoa(p.BatchTimeoutSeconds),
		}),
		files: []workload.SecretFiles{key},
		// Flushing and signing an open batch takes longer than committing.
		grace: 120,
	})
}

// MetricsAggregatorProps configures the metrics aggregator.
type MetricsAggregatorProps struct {
	Common
	// MetricsPort serves the aggregates. Default: MetricsPort.
	MetricsPort int
}

// NewMetricsAggregator adds caracal-metrics-aggregator: it aggregates
// metering events and serves them on MetricsPort, behind the Service
// caracal-metrics-aggregator.
func NewMetricsAggregator(scope constructs.Construct, id string, p MetricsAggregatorProps) *Consumer {
	p.MetricsPort = cmp.Or(p.MetricsPort, MetricsPort)
	r := kube.Refusals{Construct: "metrics-aggregator"}
	check(&p.Common, &r, "MetricsAggregatorProps")
	r.Port("MetricsAggregatorProps.MetricsPort", p.MetricsPort)
	r.Check()
	return newConsumer(scope, id, p.Common, consumer{
		name: "caracal-metrics-aggregator", component: MetricsAggregatorComponent, command: "metrics-aggregator",
		group: "caracal-metrics-aggregator", topics: []string{MeteringTopic}, metricsPort: p.MetricsPort, grace: 60,
		service: "caracal-metrics-aggregator", // the chart's name for the aggregator's Service
	})
}

// AuditLoggerProps configures the audit logger.
type AuditLoggerProps struct {
	Common
}

// NewAuditLogger adds caracal-audit-logger: it writes audit events to
// its log stream.
func NewAuditLogger(scope constructs.Construct, id string, p AuditLoggerProps) *Consumer {
	r := kube.Refusals{Construct: "audit-logger"}
	check(&p.Common, &r, "AuditLoggerProps")
	r.Check()
	return newConsumer(scope, id, p.Common, consumer{
		name: "caracal-audit-logger", component: AuditLoggerComponent, command: "audit-logger",
		group: "caracal-audit-logger", topics: []string{AuditTopic}, metricsPort: MetricsPort, grace: 60,
	})
}
