package shared

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Port is a named port of a Service; it targets the container port of the
// same name.
type Port struct {
	Name string
	Port int
}

// Service describes a Service in front of a component's pods.
type Service struct {
	Name      string
	Component string
	Type      string // ClusterIP when empty
	// Headless gives each pod a DNS name, published before the pod is
	// ready: the members of a quorum must find each other to get ready.
	Headless bool
	Ports    []Port
}

func (r Release) NewService(scope constructs.Construct, id string, s Service) k8s.KubeService {
	ports := make([]*k8s.ServicePort, len(s.Ports))
	for i, p := range s.Ports {
		ports[i] = &k8s.ServicePort{
			Name:       Str(p.Name),
			Port:       Num(p.Port),
			TargetPort: IntOrString(p.Name),
			Protocol:   Str("TCP"),
		}
	}
	typ := s.Type
	if typ == "" {
		typ = "ClusterIP"
	}
	spec := &k8s.ServiceSpec{
		Type:     Str(typ),
		Selector: StrMap(r.SelectorLabels(s.Component)),
		Ports:    &ports,
	}
	if s.Headless {
		spec.ClusterIp = Str("None")
		spec.PublishNotReadyAddresses = Bool(true)
	}
	return k8s.NewKubeService(scope, Str(id), &k8s.KubeServiceProps{Metadata: r.Meta(s.Name, s.Component), Spec: spec})
}

// NewHeadlessService adds the Service that governs a StatefulSet: it gives
// each pod a stable DNS name, <pod>.<name>.<namespace>.svc, and publishes
// pods before they are ready so that peers can find each other.
func (r Release) NewHeadlessService(scope constructs.Construct, id, name, component string, ports ...Port) k8s.KubeService {
	return r.NewService(scope, id, Service{
		Name: name, Component: component, Headless: true, Ports: ports,
	})
}

// ContainerPorts lists ports for a container, named as the Service's.
func ContainerPorts(ports ...Port) *[]*k8s.ContainerPort {
	out := make([]*k8s.ContainerPort, len(ports))
	for i, p := range ports {
		out[i] = &k8s.ContainerPort{Name: Str(p.Name), ContainerPort: Num(p.Port), Protocol: Str("TCP")}
	}
	return &out
}
