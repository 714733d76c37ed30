package kube

import (
	"fmt"
	"maps"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
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
		"app.kubernetes.io/version":    LabelValue(r.Version),
		"app.kubernetes.io/managed-by": ManagedBy,
	}
}

// MaxLabelValue is the length limit of a label value.
const MaxLabelValue = 63

// LabelValue reduces s to a valid label value: a version may be an image
// tag, which can be longer and begin or end with '_', '.' or '-'. The
// label only informs (no selector holds it), so a reduced one is enough.
func LabelValue(s string) string {
	alnum := func(c rune) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }
	s = strings.Map(func(c rune) rune {
		if alnum(c) || c == '-' || c == '_' || c == '.' {
			return c
		}
		return '-'
	}, s)
	s = strings.TrimFunc(s, func(c rune) bool { return !alnum(c) })
	if len(s) > MaxLabelValue {
		s = strings.TrimRightFunc(s[:MaxLabelValue], func(c rune) bool { return !alnum(c) })
	}
	return s
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
// It goes into URLs, host:port lists and configuration files, none of
// whose grammar a DNS name can break, so anything else is refused: a
// namespace that is not a DNS label, a cluster domain that is not a DNS
// subdomain (a trailing dot allowed).
func (r Release) ServiceHost(service string) string {
	host := fmt.Sprintf("%s.%s.svc.%s", service, r.Namespace, r.ClusterDomain)
	errs := validation.IsDNS1123Label(r.Namespace)
	errs = append(errs, validation.IsDNS1123Subdomain(strings.TrimSuffix(host, "."))...)
	if len(errs) > 0 {
		panic(fmt.Sprintf("kube: the Service host %q is not a DNS name: %s", host, strings.Join(errs, "; ")))
	}
	return host
}
