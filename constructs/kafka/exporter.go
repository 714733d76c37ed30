package kafka

import (
	"fmt"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

const (
	// ExporterComponent is the app.kubernetes.io/component of the exporter.
	ExporterComponent = "kafka-exporter"
	// ExporterPort is where kafka_exporter serves metrics.
	ExporterPort = 9308
)

// ExporterProps configure kafka_exporter.
type ExporterProps struct {
	// Release of the exporter; Name, Namespace and ClusterDomain are
	// required.
	Release kube.Release
	// Name of the Deployment and its Service. Default:
	// caracal-kafka-exporter.
	Name string
	// Image of kafka_exporter: required.
	Image kube.Image
	// Kafka is the cluster watched: in-cluster, or managed with TLS and
	// SASL. Its Peer and BootstrapServers are required.
	Kafka wiring.KafkaEndpoint
	// ImagePullSecrets of the pod. Default: none.
	ImagePullSecrets []string
	// Extra is what the user adds to the pod. Default: nothing.
	Extra workload.Extra
}

// exporterArgs are kafka_exporter's flags for an endpoint. The SASL
// credentials come from the environment (the kubelet substitutes the
// variables), never from the manifest.
func exporterArgs(k wiring.KafkaEndpoint) []kube.Arg {
	var args []kube.Arg
	for _, s := range strings.Split(k.BootstrapServers, ",") {
		args = append(args, kube.Arg{Text: "--kafka.server=" + strings.TrimSpace(s)})
	}
	if k.TLS {
		args = append(args, kube.Arg{Text: "--tls.enabled"})
	}
	if k.SASLMechanism != "" {
		args = append(args, kube.Args("--sasl.enabled", "--sasl.mechanism="+strings.ReplaceAll(strings.ToLower(k.SASLMechanism), "-sha-", "-sha"))...)
		args = append(args,
			kube.Arg{Text: "--sasl.username=", Var: "KAFKA_SASL_USERNAME"},
			kube.Arg{Text: "--sasl.password=", Var: "KAFKA_SASL_PASSWORD"})
	}
	return append(args, kube.Arg{Text: fmt.Sprintf("--web.listen-address=:%d", ExporterPort)})
}

// Exporter is kafka_exporter: the one source of consumer-group lag and
// under-replicated partitions in Prometheus.
type Exporter struct {
	constructs.Construct
	*workload.StatelessObjects
	Service cdk8s.ApiObject
	kafka   wiring.KafkaEndpoint
}

// NewExporter adds a kafka_exporter Deployment and its Service.
func NewExporter(scope constructs.Construct, id string, p ExporterProps) *Exporter {
	p = p.withDefaults()
	e := &Exporter{kafka: p.Kafka}
	ready, live := workload.ExporterProbes()
	metrics := kube.Port{Name: kube.MetricsPort, Port: ExporterPort}
	// The construct and all it holds are made in one jsii call.
	var b kube.Batch
	e.StatelessObjects = workload.AddStateless(&b, "workload", p.Release, workload.Stateless{
		Name:             p.Name,
		Component:        ExporterComponent,
		Image:            p.Image,
		Args:             exporterArgs(p.Kafka),
		Secrets:          wiring.KafkaSASLSecrets(p.Kafka),
		Ports:            []kube.Port{metrics},
		Readiness:        ready,
		Liveness:         live,
		Resources:        workload.ExporterResources,
		Replicas:         1,
		ImagePullSecrets: p.ImagePullSecrets,
		Extra:            p.Extra,
	})
	b.Add(&e.Service, workload.ServiceObject("service", p.Release, workload.Service{Name: p.Name, Component: ExporterComponent, Ports: []kube.Port{metrics}}))
	e.Construct = b.MakeScope(scope, id)
	return e
}

// withDefaults fills in the defaults and refuses what has none.
func (p ExporterProps) withDefaults() ExporterProps {
	if p.Name == "" {
		p.Name = DefaultName + "-exporter"
	}
	r := kube.Refusals{Construct: "kafka"}
	r.Release("ExporterProps.Release", p.Release)
	r.Image("ExporterProps.Image", p.Image)
	p.Kafka.Refuse(&r, "ExporterProps.Kafka")
	p.Extra.Check(&r, "ExporterProps.Extra")
	r.Check()
	// A server without a port is refused now rather than by Report.
	p.Kafka.Ports()
	return p
}

// Report is what the exporter needs: it reaches every broker of the
// cluster it watches, is scraped, and reads the SASL credentials, if any.
func (e *Exporter) Report() wiring.Report {
	return wiring.Report{
		Component: ExporterComponent,
		Flows:     []wiring.Flow{e.kafka.From(ExporterComponent)},
		Scrapes:   []wiring.Scrape{wiring.MetricsScrape(ExporterComponent)},
		Secrets:   e.SecretsRead,
	}
}
