package kube

import "github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

// MetricsPort names the port Prometheus scrapes, on every pod that has one.
const MetricsPort = "metrics"

// Port is a named port of a Service; it targets the container port of the
// same name.
type Port struct {
	Name string
	Port int
}

// ContainerPorts lists ports for a container, named as the Service's.
func ContainerPorts(ports ...Port) *[]*k8s.ContainerPort {
	out := make([]*k8s.ContainerPort, len(ports))
	for i, p := range ports {
		out[i] = &k8s.ContainerPort{Name: Str(p.Name), ContainerPort: Num(p.Port), Protocol: Str("TCP")}
	}
	return &out
}
