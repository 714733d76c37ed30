package workload

import (
	"cmp"

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
	// Extra is what the user adds; its environment goes to the first
	// container, the workload's own (sidecars follow it).
	Extra Extra
}

// PodTemplate builds a component's pod template: the recommended labels,
// Pod Security "restricted", no service account token and no service
// environment variables (neither is used, both leak information), and
// replicas spread over zones and hosts.
func PodTemplate(r kube.Release, component string, p Pod) *k8s.PodTemplateSpec {
	// The user's environment goes on a copy: what the construct reports
	// it reads (SecretsRead) stays its own.
	if len(p.Containers) > 0 {
		main := *p.Containers[0]
		p.Extra.apply(&main)
		p.Containers = append([]*k8s.Container{&main}, p.Containers[1:]...)
	}
	spec := &k8s.PodSpec{
		Containers:                   &p.Containers,
		SecurityContext:              kube.PodSecurityContext(),
		AutomountServiceAccountToken: kube.Bool(false),
		EnableServiceLinks:           kube.Bool(false),
		TopologySpreadConstraints:    p.Extra.spread(spread(r, component, p.Quorum), r.Selector(component)),
		Affinity:                     p.Extra.affinity(antiAffinity(r, component)),
	}
	if len(p.Extra.NodeSelector) > 0 {
		spec.NodeSelector = kube.StrMap(p.Extra.NodeSelector)
	}
	if len(p.Extra.Tolerations) > 0 {
		spec.Tolerations = &p.Extra.Tolerations
	}
	if class := cmp.Or(p.Extra.PriorityClassName, p.PriorityClass); class != "" {
		spec.PriorityClassName = kube.Str(class)
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
		Metadata: &k8s.ObjectMeta{
			Labels:      kube.StrMap(under(r.Labels(component), p.Extra.Labels)),
			Annotations: kube.StrMap(under(p.Annotations, p.Extra.Annotations)),
		},
		Spec: spec,
	}
}
