package shared

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Topology keys pods are spread over.
const (
	ZoneKey = "topology.kubernetes.io/zone"
	HostKey = "kubernetes.io/hostname"
)

// spread asks the scheduler to spread a component's pods across zones and
// hosts. Soft (ScheduleAnyway): a cluster with one zone or few nodes still
// runs every pod.
func (r Release) spread(component string) *[]*k8s.TopologySpreadConstraint {
	var out []*k8s.TopologySpreadConstraint
	for _, key := range []string{ZoneKey, HostKey} {
		out = append(out, &k8s.TopologySpreadConstraint{
			MaxSkew:           Num(1),
			TopologyKey:       Str(key),
			WhenUnsatisfiable: Str("ScheduleAnyway"),
			LabelSelector:     r.Selector(component),
		})
	}
	return &out
}

// antiAffinity prefers hosts that run no other pod of the component, so a
// node failure takes down at most one replica where the cluster allows.
func (r Release) antiAffinity(component string) *k8s.Affinity {
	return &k8s.Affinity{PodAntiAffinity: &k8s.PodAntiAffinity{
		PreferredDuringSchedulingIgnoredDuringExecution: &[]*k8s.WeightedPodAffinityTerm{{
			Weight: Num(100),
			PodAffinityTerm: &k8s.PodAffinityTerm{
				TopologyKey:   Str(HostKey),
				LabelSelector: r.Selector(component),
			},
		}},
	}}
}

// NewPodDisruptionBudget limits voluntary disruptions (node drains,
// upgrades) of a component to maxUnavailable pods at a time.
func (r Release) NewPodDisruptionBudget(scope constructs.Construct, id, name, component string, maxUnavailable int) k8s.KubePodDisruptionBudget {
	return k8s.NewKubePodDisruptionBudget(scope, Str(id), &k8s.KubePodDisruptionBudgetProps{
		Metadata: r.Meta(name, component),
		Spec: &k8s.PodDisruptionBudgetSpec{
			MaxUnavailable: IntOrNumber(maxUnavailable),
			Selector:       r.Selector(component),
		},
	})
}
