package kube

import "github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

// ResourceList holds Kubernetes quantities as strings; empty ones are
// left out.
type ResourceList struct {
	CPU              string
	Memory           string
	EphemeralStorage string
}

// Resources are a container's requests and limits.
type Resources struct {
	Requests ResourceList
	Limits   ResourceList
}

func (l ResourceList) quantities() *map[string]k8s.Quantity {
	m := map[string]k8s.Quantity{}
	for name, q := range map[string]string{"cpu": l.CPU, "memory": l.Memory, "ephemeral-storage": l.EphemeralStorage} {
		if q != "" {
			m[name] = Quantity(q)
		}
	}
	if len(m) == 0 {
		return nil
	}
	return &m
}

// Requirements converts to the Kubernetes type.
func (r Resources) Requirements() *k8s.ResourceRequirements {
	return &k8s.ResourceRequirements{Requests: r.Requests.quantities(), Limits: r.Limits.quantities()}
}
