package workload

import (
	"reflect"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
)

func TestPodTemplateSpreadsReplicas(t *testing.T) {
	r := kube.Release{Name: "caracal", Namespace: "ns", Version: "0.3.0"}
	spec := PodTemplate(r, "kafka", Pod{}).Spec
	keys := []string{}
	for _, c := range *spec.TopologySpreadConstraints {
		keys = append(keys, *c.TopologyKey)
		if *c.WhenUnsatisfiable != "ScheduleAnyway" {
			t.Error("spreading is soft by default")
		}
		if !reflect.DeepEqual(*c.LabelSelector.MatchLabels, *r.Selector("kafka").MatchLabels) {
			t.Error("spread selects the component's pods")
		}
	}
	if !reflect.DeepEqual(keys, []string{ZoneKey, HostKey}) {
		t.Errorf("spread over %v", keys)
	}
	term := (*spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution)[0]
	if *term.PodAffinityTerm.TopologyKey != HostKey {
		t.Error("anti-affinity per host")
	}
}

// The members of a quorum are spread over nodes for real: never more on
// one node than the quorum can lose. The zone spread stays soft, so nodes
// without a zone label still run them.
func TestPodTemplateSpreadsAQuorumForReal(t *testing.T) {
	r := kube.Release{Name: "caracal", Namespace: "ns", Version: "0.3.0"}
	for quorum, minNodes := range map[int]int{3: 3, 5: 3, 7: 3, 4: 4, 9: 3} {
		spec := PodTemplate(r, "kafka", Pod{Quorum: quorum}).Spec
		zone, host := (*spec.TopologySpreadConstraints)[0], (*spec.TopologySpreadConstraints)[1]
		if *zone.TopologyKey != ZoneKey || *zone.WhenUnsatisfiable != "ScheduleAnyway" {
			t.Errorf("%d: the zone spread must stay soft", quorum)
		}
		if *host.TopologyKey != HostKey || *host.WhenUnsatisfiable != "DoNotSchedule" || *host.MaxSkew != 1 || host.MinDomains == nil || int(*host.MinDomains) != minNodes || host.NodeTaintsPolicy == nil || *host.NodeTaintsPolicy != "Honor" {
			t.Errorf("%d members: host spread %+v, want required over at least %d nodes", quorum, host, minNodes)
		}
		// With maxSkew 1 over minNodes nodes, a node holds at most
		// ceil(quorum/minNodes) members: what the quorum can lose.
		if perNode, tolerated := (quorum+minNodes-1)/minNodes, max((quorum-1)/2, 1); perNode > tolerated {
			t.Errorf("%d members: %d on a node, the quorum survives losing %d", quorum, perNode, tolerated)
		}
	}
	if spec := PodTemplate(r, "gateway", Pod{}).Spec; (*spec.TopologySpreadConstraints)[1].MinDomains != nil {
		t.Error("other pods spread softly")
	}
}

func TestPodTemplatePriorityClass(t *testing.T) {
	r := kube.Release{Name: "caracal", Namespace: "ns", Version: "0.3.0"}
	if spec := PodTemplate(r, "postgres", Pod{PriorityClass: "ns-datastores"}).Spec; spec.PriorityClassName == nil || *spec.PriorityClassName != "ns-datastores" {
		t.Error("priority class")
	}
	if spec := PodTemplate(r, "gateway", Pod{}).Spec; spec.PriorityClassName != nil {
		t.Error("no class unless asked for")
	}
}
