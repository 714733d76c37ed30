package kafka

import (
	"fmt"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/shared"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

const (
	// ExporterComponent is the app.kubernetes.io/component of the exporter.
	ExporterComponent = "kafka-exporter"
	// ExporterPort is where kafka_exporter serves metrics.
	ExporterPort = 9308
)

// ExporterProps configures kafka_exporter.
type ExporterProps struct {
	Release shared.Release
	// Name of the Deployment and its Service. Default: caracal-kafka-exporter.
	Name  string
	Image shared.Image
	// Kafka is the cluster watched: in-cluster, or managed with TLS and
	// SASL.
	Kafka            shared.KafkaEndpoint
	ImagePullSecrets []string
}

// exporterArgs are kafka_exporter's flags for an endpoint. The SASL
// credentials come from the environment (the kubelet substitutes the
// variables), never from the manifest.
func exporterArgs(k shared.KafkaEndpoint) []shared.Arg {
	var args []shared.Arg
	for _, s := range strings.Split(k.BootstrapServers, ",") {
		args = append(args, shared.Arg{Text: "--kafka.server=" + strings.TrimSpace(s)})
	}
	if k.TLS {
		args = append(args, shared.Arg{Text: "--tls.enabled"})
	}
	if k.SASLMechanism != "" {
		args = append(args, shared.Args("--sasl.enabled", "--sasl.mechanism="+strings.ReplaceAll(strings.ToLower(k.SASLMechanism), "-sha-", "-sha"))...)
		args = append(args,
			shared.Arg{Text: "--sasl.username=", Var: "KAFKA_SASL_USERNAME"},
			shared.Arg{Text: "--sasl.password=", Var: "KAFKA_SASL_PASSWORD"})
	}
	return append(args, shared.Arg{Text: fmt.Sprintf("--web.listen-address=:%d", ExporterPort)})
}

// Exporter is kafka_exporter: the one source of consumer-group lag and
// under-replicated partitions in Prometheus.
type Exporter struct {
	constructs.Construct
	*shared.WorkloadObjects
	Service k8s.KubeService
}

// NewExporter adds a kafka_exporter Deployment and its Service.
func NewExporter(scope constructs.Construct, id string, p ExporterProps) *Exporter {
	if p.Name == "" {
		p.Name = DefaultName + "-exporter"
	}
	c := constructs.NewConstruct(scope, shared.Str(id))
	e := &Exporter{Construct: c}
	ready, live := shared.ExporterProbes()
	e.WorkloadObjects = p.Release.NewWorkload(c, "workload", shared.Workload{
		Name:             p.Name,
		Component:        ExporterComponent,
		Image:            p.Image,
		Args:             exporterArgs(p.Kafka),
		Secrets:          shared.KafkaSASLSecrets(p.Kafka),
		Ports:            []shared.Port{{Name: shared.MetricsPort, Port: ExporterPort}},
		Readiness:        ready,
		Liveness:         live,
		Resources:        shared.ExporterResources,
		Replicas:         1,
		ImagePullSecrets: p.ImagePullSecrets,
	})
	e.Service = p.Release.NewService(c, "service", shared.Service{Name: p.Name, Component: ExporterComponent, Ports: []shared.Port{{Name: shared.MetricsPort, Port: ExporterPort}}})
	return e
}
