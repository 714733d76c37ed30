package workload

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Topology keys pods are spread over.
const (
	ZoneKey = "topology.kubernetes.io/zone"
	HostKey = "kubernetes.io/hostname"
)

// spread asks the scheduler to spread a component's pods across zones and
// hosts. Soft (ScheduleAnyway) by default: a cluster with one zone or few
// nodes still runs every pod, and stateless replicas lose nothing by
// sharing a node for a while. The zone spread is always soft: a hard one
// would leave pods Pending on clusters whose nodes carry no zone label.
//
// The members of a quorum (quorum > 1) are spread over hosts for real: no
// node may hold more of them than the quorum can lose, or losing that one
// node loses the quorum. Where too few nodes exist the scheduler leaves a
// member Pending and says why (FailedScheduling), as it should.
func spread(r kube.Release, component string, quorum int) []*k8s.TopologySpreadConstraint {
	soft := func(key string) *k8s.TopologySpreadConstraint {
		return &k8s.TopologySpreadConstraint{
			MaxSkew:           kube.Num(1),
			TopologyKey:       kube.Str(key),
			WhenUnsatisfiable: kube.Str("ScheduleAnyway"),
			LabelSelector:     r.Selector(component),
		}
	}
	host := soft(HostKey)
	if quorum > 1 {
		host.WhenUnsatisfiable = kube.Str("DoNotSchedule")
		host.MinDomains = kube.Num(MinNodes(quorum))
		// A cordoned node (being drained) is no place for a member and
		// must not count as an empty one: else a member evicted from it
		// could not join the replacement node of its zone, where its
		// volume is, while another member is already there.
		host.NodeTaintsPolicy = kube.Str("Honor")
	}
	return []*k8s.TopologySpreadConstraint{soft(ZoneKey), host}
}

// MinNodes is how many nodes a quorum of n members needs so that no node
// holds more members than the quorum tolerates losing ((n-1)/2, at least
// one). With maxSkew 1 and minDomains at this count, the scheduler puts at
// most that many members on any node.
func MinNodes(n int) int {
	tolerated := max((n-1)/2, 1)
	return (n + tolerated - 1) / tolerated
}

// antiAffinity prefers hosts that run no other pod of the component, so a
// node failure takes down at most one replica where the cluster allows.
func antiAffinity(r kube.Release, component string) *k8s.Affinity {
	return &k8s.Affinity{PodAntiAffinity: &k8s.PodAntiAffinity{
		PreferredDuringSchedulingIgnoredDuringExecution: &[]*k8s.WeightedPodAffinityTerm{{
			Weight: kube.Num(100),
			PodAffinityTerm: &k8s.PodAffinityTerm{
				TopologyKey:   kube.Str(HostKey),
				LabelSelector: r.Selector(component),
			},
		}},
	}}
}

// NewPodDisruptionBudget limits voluntary disruptions (node drains,
// upgrades) of a component to maxUnavailable pods at a time.
func NewPodDisruptionBudget(scope constructs.Construct, id string, r kube.Release, name, component string, maxUnavailable int) cdk8s.ApiObject {
	return PodDisruptionBudgetObject(id, r, name, component, maxUnavailable).New(scope)
}

// PodDisruptionBudgetObject is the object NewPodDisruptionBudget adds,
// for a batch.
func PodDisruptionBudgetObject(id string, r kube.Release, name, component string, maxUnavailable int) kube.Object {
	return kube.Object{ID: id, GVK: kube.PodDisruptionBudgetKind, Props: &k8s.KubePodDisruptionBudgetProps{
		Metadata: r.Meta(name, component),
		Spec: &k8s.PodDisruptionBudgetSpec{
			MaxUnavailable: kube.IntOrNumber(maxUnavailable),
			Selector:       r.Selector(component),
		},
	}}
}
