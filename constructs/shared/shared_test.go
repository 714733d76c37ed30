package shared

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestSelectorLabelsAreStableSubsetOfLabels(t *testing.T) {
	r := Release{Name: "caracal", Namespace: "ns", Version: "0.3.0"}
	labels, sel := r.Labels("kafka"), r.SelectorLabels("kafka")
	for k, v := range sel {
		if labels[k] != v {
			t.Errorf("selector label %s=%s not on the objects", k, v)
		}
	}
	// The version changes with every upgrade; selectors are immutable.
	if _, ok := sel["app.kubernetes.io/version"]; ok {
		t.Error("the version must not be part of a selector")
	}
	if len(sel) != 3 {
		t.Errorf("selector %v", sel)
	}
	r.Version = "0.4.0"
	if !reflect.DeepEqual(r.SelectorLabels("kafka"), sel) {
		t.Error("an upgrade changed a selector")
	}
}

func TestImageRef(t *testing.T) {
	if got := (Image{Repository: "docker.io/library/redis", Tag: "7.4.5"}).Ref(); got != "docker.io/library/redis:7.4.5" {
		t.Error(got)
	}
}

func TestChecksum(t *testing.T) {
	if Checksum("a", "b") == Checksum("ab") {
		t.Error("checksum must separate parts")
	}
}

// Any change of the configuration data, a name or a content, rolls the pods.
func TestConfigChecksum(t *testing.T) {
	base := map[string]string{"a.conf": "x=1", "b.conf": "y=2"}
	for name, changed := range map[string]map[string]string{
		"content":   {"a.conf": "x=2", "b.conf": "y=2"},
		"file name": {"a.conf": "x=1", "c.conf": "y=2"},
		"new file":  {"a.conf": "x=1", "b.conf": "y=2", "c.conf": ""},
		"boundary":  {"a.conf": "x=1b.conf", "": "y=2"},
	} {
		if ConfigChecksum(changed) == ConfigChecksum(base) {
			t.Errorf("%s: the checksum did not change", name)
		}
	}
	if ConfigChecksum(base) != Checksum("a.conf", "x=1", "b.conf", "y=2") {
		t.Error("the checksum must follow the sorted names, whatever the map order")
	}
}

func TestServiceHost(t *testing.T) {
	r := Release{Namespace: "prod", ClusterDomain: "cluster.local"}
	if got := r.ServiceHost("caracal-redis"); got != "caracal-redis.prod.svc.cluster.local" {
		t.Error(got)
	}
}

func TestPodTemplateSpreadsReplicas(t *testing.T) {
	r := Release{Name: "caracal", Namespace: "ns", Version: "0.3.0"}
	spec := r.PodTemplate("kafka", Pod{}).Spec
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
	r := Release{Name: "caracal", Namespace: "ns", Version: "0.3.0"}
	for quorum, minNodes := range map[int]int{3: 3, 5: 3, 7: 3, 4: 4, 9: 3} {
		spec := r.PodTemplate("kafka", Pod{Quorum: quorum}).Spec
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
	if spec := r.PodTemplate("gateway", Pod{}).Spec; (*spec.TopologySpreadConstraints)[1].MinDomains != nil {
		t.Error("other pods spread softly")
	}
}

func TestPodTemplatePriorityClass(t *testing.T) {
	r := Release{Name: "caracal", Namespace: "ns", Version: "0.3.0"}
	if spec := r.PodTemplate("postgres", Pod{PriorityClass: "ns-datastores"}).Spec; spec.PriorityClassName == nil || *spec.PriorityClassName != "ns-datastores" {
		t.Error("priority class")
	}
	if spec := r.PodTemplate("gateway", Pod{}).Spec; spec.PriorityClassName != nil {
		t.Error("no class unless asked for")
	}
}

// A Service host goes into URLs, host lists and configuration files: what
// is no DNS name is refused.
func TestServiceHostRefusesWhatIsNoDNSName(t *testing.T) {
	if got := (Release{Namespace: "prod", ClusterDomain: "cluster.local."}).ServiceHost("x"); got != "x.prod.svc.cluster.local." {
		t.Error(got)
	}
	for _, r := range []Release{
		{Namespace: "prod", ClusterDomain: "cluster.local\nlisteners=EVIL"},
		{Namespace: "prod", ClusterDomain: "evil.example/x?"},
		{Namespace: "prod", ClusterDomain: "a,b:1"},
		{Namespace: "a.b", ClusterDomain: "cluster.local"},
		{Namespace: "Prod", ClusterDomain: "cluster.local"},
	} {
		func() {
			defer func() {
				if msg := recover(); msg == nil || !strings.Contains(fmt.Sprint(msg), "is not a DNS name") {
					t.Errorf("%+v: %v", r, msg)
				}
			}()
			r.ServiceHost("x")
		}()
	}
}

// The SASL mechanism goes into a properties file at run time: only
// Kafka's own names pass.
func TestKafkaSASLMechanism(t *testing.T) {
	for _, m := range []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
		if len(KafkaSASLSecrets(KafkaEndpoint{SASLMechanism: m})) != 2 {
			t.Errorf("%s: no credentials", m)
		}
	}
	for _, m := range []string{"plain", "PLAIN\nsecurity.protocol=PLAINTEXT", "GSSAPI"} {
		func() {
			defer func() {
				if msg := recover(); msg == nil || !strings.Contains(fmt.Sprint(msg), "SASL mechanism") {
					t.Errorf("%q: %v", m, msg)
				}
			}()
			DatastoreConfig(Endpoints{Kafka: KafkaEndpoint{SASLMechanism: m}})
		}()
	}
}
