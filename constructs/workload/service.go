package workload

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Service describes a Service in front of a component's pods.
type Service struct {
	Name      string
	Component string
	Type      string // ClusterIP when empty
	// Headless gives each pod a DNS name, published before the pod is
	// ready: the members of a quorum must find each other to get ready.
	Headless bool
	Ports    []kube.Port
}

// NewService adds the Service s of the release, selecting its component's
// pods, each port targeting the container port of the same name.
func NewService(scope constructs.Construct, id string, r kube.Release, s Service) k8s.KubeService {
	ports := make([]*k8s.ServicePort, len(s.Ports))
	for i, p := range s.Ports {
		ports[i] = &k8s.ServicePort{
			Name:       kube.Str(p.Name),
			Port:       kube.Num(p.Port),
			TargetPort: kube.IntOrString(p.Name),
			Protocol:   kube.Str("TCP"),
		}
	}
	typ := s.Type
	if typ == "" {
		typ = "ClusterIP"
	}
	spec := &k8s.ServiceSpec{
		Type:     kube.Str(typ),
		Selector: kube.StrMap(r.SelectorLabels(s.Component)),
		Ports:    &ports,
	}
	if s.Headless {
		spec.ClusterIp = kube.Str("None")
		spec.PublishNotReadyAddresses = kube.Bool(true)
	}
	return k8s.NewKubeService(scope, kube.Str(id), &k8s.KubeServiceProps{Metadata: r.Meta(s.Name, s.Component), Spec: spec})
}

// NewHeadlessService adds the Service that governs a StatefulSet: it gives
// each pod a stable DNS name, <pod>.<name>.<namespace>.svc, and publishes
// pods before they are ready so that peers can find each other.
func NewHeadlessService(scope constructs.Construct, id string, r kube.Release, name, component string, ports ...kube.Port) k8s.KubeService {
	return NewService(scope, id, r, Service{
		Name: name, Component: component, Headless: true, Ports: ports,
	})
}
