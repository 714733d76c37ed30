package workload

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Exporter is a Prometheus exporter running beside a datastore: it reads
// the server over loopback and serves metrics on Port.
type Exporter struct {
	Image   kube.Image
	Port    int
	Env     map[string]string
	Secrets map[string]kube.SecretKey
}

// ExporterResources fit every exporter used here: they only translate.
var ExporterResources = kube.Resources{
	Requests: kube.ResourceList{CPU: "50m", Memory: "64Mi", EphemeralStorage: "16Mi"},
	Limits:   kube.ResourceList{CPU: "250m", Memory: "128Mi", EphemeralStorage: "64Mi"},
}

// ExporterProbes are every exporter's probes: ready when it serves
// metrics, alive while it listens.
func ExporterProbes() (readiness, liveness *k8s.Probe) {
	return kube.HTTPProbe(kube.Timing{Period: 15, Timeout: 5, FailureThreshold: 3}, kube.MetricsPort, "/"),
		kube.TCPProbe(kube.Timing{InitialDelay: 10, Period: 30, Timeout: 5, FailureThreshold: 3}, kube.MetricsPort)
}

// Container is the exporter as a sidecar container named "metrics".
func (e Exporter) Container() *k8s.Container {
	port := kube.Port{Name: kube.MetricsPort, Port: e.Port}
	ready, live := ExporterProbes()
	return &k8s.Container{
		Name:            kube.Str(kube.MetricsPort),
		Image:           kube.Str(e.Image.Ref()),
		ImagePullPolicy: kube.Str(e.Image.PullPolicy),
		Env:             envList(e.Env, e.Secrets),
		Ports:           kube.ContainerPorts(port),
		ReadinessProbe:  ready,
		LivenessProbe:   live,
		Resources:       ExporterResources.Requirements(),
		SecurityContext: kube.ContainerSecurityContext(),
	}
}

// NewSidecarExporter returns the exporter's sidecar container for a
// workload's pods, and adds, as id in scope, the Service <name>-metrics
// that Prometheus scrapes it through.
func NewSidecarExporter(scope constructs.Construct, id string, r kube.Release, name, component string, e Exporter) (container *k8s.Container, service cdk8s.ApiObject) {
	made(scope, func(b *kube.Batch) { container = AddSidecarExporter(b, &service, id, r, name, component, e) })
	return container, service
}

// AddSidecarExporter records in b the Service NewSidecarExporter adds,
// whose handle b's Make stores in *service, and returns the container.
func AddSidecarExporter(b *kube.Batch, service *cdk8s.ApiObject, id string, r kube.Release, name, component string, e Exporter) *k8s.Container {
	b.Add(service, ServiceObject(id, r, Service{Name: name + "-metrics", Component: component, Ports: []kube.Port{{Name: kube.MetricsPort, Port: e.Port}}}))
	return e.Container()
}
