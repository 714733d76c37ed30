package kafka

import (
	"fmt"

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
	Name             string
	Image            shared.Image
	BootstrapServers string
	ImagePullSecrets []string
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
	sidecar := shared.Exporter{Image: p.Image, Port: ExporterPort}.Container()
	e.WorkloadObjects = p.Release.NewWorkload(c, "workload", shared.Workload{
		Name:             p.Name,
		Component:        ExporterComponent,
		Image:            p.Image,
		Args:             []string{"--kafka.server=" + p.BootstrapServers, fmt.Sprintf("--web.listen-address=:%d", ExporterPort)},
		Ports:            []shared.Port{{Name: shared.MetricsPort, Port: ExporterPort}},
		Readiness:        sidecar.ReadinessProbe,
		Liveness:         sidecar.LivenessProbe,
		Resources:        shared.ExporterResources,
		Replicas:         1,
		ImagePullSecrets: p.ImagePullSecrets,
	})
	e.Service = p.Release.NewService(c, "service", shared.Service{Name: p.Name, Component: ExporterComponent, Ports: []shared.Port{{Name: shared.MetricsPort, Port: ExporterPort}}})
	return e
}
