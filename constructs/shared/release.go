package shared

import (
	"fmt"
	"maps"
)

// Recommended label values shared by every object.
const (
	AppName   = "caracal"
	PartOf    = "caracal"
	ManagedBy = "cdk8s"
)

// Release identifies one install of Caracal, as a Helm release would.
type Release struct {
	Name          string // app.kubernetes.io/instance
	Namespace     string // every namespaced object lands here
	Version       string // app.kubernetes.io/version: the Caracal version
	ClusterDomain string // e.g. cluster.local
	// Annotations go on every object made with this Release (not on pod
	// templates), e.g. the sync wave of a GitOps tool.
	Annotations map[string]string
}

// With returns a copy of the Release whose objects also carry annotations.
func (r Release) With(annotations map[string]string) Release {
	r.Annotations = Merge(r.Annotations, annotations)
	return r
}

// Merge returns a new map of the entries of ms, later maps winning.
func Merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		maps.Copy(out, m)
	}
	return out
}

// Labels are the recommended labels for one component's objects.
func (r Release) Labels(component string) map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":       AppName,
		"app.kubernetes.io/instance":   r.Name,
		"app.kubernetes.io/component":  component,
		"app.kubernetes.io/part-of":    PartOf,
		"app.kubernetes.io/version":    r.Version,
		"app.kubernetes.io/managed-by": ManagedBy,
	}
}

// SelectorLabels select a component's pods. Selectors are immutable, so
// they hold only labels that never change for the life of an install.
func (r Release) SelectorLabels(component string) map[string]string {
	return map[string]string{
		"app.kubernetes.io/name":      AppName,
		"app.kubernetes.io/instance":  r.Name,
		"app.kubernetes.io/component": component,
	}
}

// ServiceHost is the fully qualified DNS name of a Service of the release.
func (r Release) ServiceHost(service string) string {
	return fmt.Sprintf("%s.%s.svc.%s", service, r.Namespace, r.ClusterDomain)
}
