package shared

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// MetricsPort names the port Prometheus scrapes, on every pod that has one.
const MetricsPort = "metrics"

// Exporter is a Prometheus exporter running beside a datastore: it reads
// the server over loopback and serves metrics on Port.
type Exporter struct {
	Image   Image
	Port    int
	Env     map[string]string
	Secrets map[string]SecretKey
}

// ExporterResources fit every exporter used here: they only translate.
var ExporterResources = Resources{
	Requests: ResourceList{CPU: "50m", Memory: "64Mi", EphemeralStorage: "16Mi"},
	Limits:   ResourceList{CPU: "250m", Memory: "128Mi", EphemeralStorage: "64Mi"},
}

// ExporterProbes are every exporter's probes: ready when it serves
// metrics, alive while it listens.
func ExporterProbes() (readiness, liveness *k8s.Probe) {
	return HTTPProbe(Timing{Period: 15, Timeout: 5, FailureThreshold: 3}, MetricsPort, "/"),
		TCPProbe(Timing{InitialDelay: 10, Period: 30, Timeout: 5, FailureThreshold: 3}, MetricsPort)
}

// Container is the exporter as a sidecar container named "metrics".
func (e Exporter) Container() *k8s.Container {
	port := Port{Name: MetricsPort, Port: e.Port}
	ready, live := ExporterProbes()
	return &k8s.Container{
		Name:            Str(MetricsPort),
		Image:           Str(e.Image.Ref()),
		ImagePullPolicy: Str(e.Image.PullPolicy),
		Env:             envList(e.Env, e.Secrets),
		Ports:           ContainerPorts(port),
		ReadinessProbe:  ready,
		LivenessProbe:   live,
		Resources:       ExporterResources.Requirements(),
		SecurityContext: ContainerSecurityContext(),
	}
}

// NewSidecarExporter returns the exporter's sidecar container for a
// workload's pods, and adds, as id in scope, the Service <name>-metrics
// that Prometheus scrapes it through.
func (r Release) NewSidecarExporter(scope constructs.Construct, id, name, component string, e Exporter) (*k8s.Container, k8s.KubeService) {
	svc := r.NewService(scope, id, Service{Name: name + "-metrics", Component: component, Ports: []Port{{Name: MetricsPort, Port: e.Port}}})
	return e.Container(), svc
}
