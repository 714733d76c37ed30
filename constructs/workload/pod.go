package workload

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Pod is what varies between the pods of Caracal's workloads; PodTemplate
// adds what every one of them shares.
type Pod struct {
	// ServiceAccount the pods run as; its token is never mounted.
	ServiceAccount   string
	Containers       []*k8s.Container
	Volumes          []*k8s.Volume
	ImagePullSecrets []string
	// Annotations of the pod template, e.g. a checksum of its
	// configuration so that a change rolls the pods.
	Annotations map[string]string
	// TerminationGracePeriodSeconds; 0 keeps the Kubernetes default (30).
	TerminationGracePeriodSeconds int
	// Quorum is the number of members when the pods form a quorum (KRaft
	// controllers, a ZooKeeper ensemble): they are then spread over nodes
	// so that no node failure can take the majority. 0 for other pods.
	Quorum int
	// PriorityClass of the pods ("" for the cluster's default).
	PriorityClass string
}

// PodTemplate builds a component's pod template: the recommended labels,
// Pod Security "restricted", no service account token and no service
// environment variables (neither is used, both leak information), and
// replicas spread over zones and hosts.
func PodTemplate(r kube.Release, component string, p Pod) *k8s.PodTemplateSpec {
	spec := &k8s.PodSpec{
		Containers:                   &p.Containers,
		SecurityContext:              kube.PodSecurityContext(),
		AutomountServiceAccountToken: kube.Bool(false),
		EnableServiceLinks:           kube.Bool(false),
		TopologySpreadConstraints:    spread(r, component, p.Quorum),
		Affinity:                     antiAffinity(r, component),
	}
	if p.PriorityClass != "" {
		spec.PriorityClassName = kube.Str(p.PriorityClass)
	}
	if p.ServiceAccount != "" {
		spec.ServiceAccountName = kube.Str(p.ServiceAccount)
	}
	if len(p.Volumes) > 0 {
		spec.Volumes = &p.Volumes
	}
	if len(p.ImagePullSecrets) > 0 {
		refs := make([]*k8s.LocalObjectReference, len(p.ImagePullSecrets))
		for i, name := range p.ImagePullSecrets {
			refs[i] = &k8s.LocalObjectReference{Name: kube.Str(name)}
		}
		spec.ImagePullSecrets = &refs
	}
	if p.TerminationGracePeriodSeconds > 0 {
		spec.TerminationGracePeriodSeconds = kube.Num(p.TerminationGracePeriodSeconds)
	}
	return &k8s.PodTemplateSpec{
		Metadata: &k8s.ObjectMeta{Labels: kube.StrMap(r.Labels(component)), Annotations: kube.StrMap(p.Annotations)},
		Spec:     spec,
	}
}
