package shared

import "github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

// Meta is the metadata of a namespaced object of a component, with an
// explicit name (no cdk8s hash suffix).
func (r Release) Meta(name, component string) *k8s.ObjectMeta {
	return &k8s.ObjectMeta{
		Name:      Str(name),
		Namespace: Str(r.Namespace),
		Labels:    StrMap(r.Labels(component)),
	}
}

// Selector is the immutable label selector of a component's pods.
func (r Release) Selector(component string) *k8s.LabelSelector {
	return &k8s.LabelSelector{MatchLabels: StrMap(r.SelectorLabels(component))}
}
