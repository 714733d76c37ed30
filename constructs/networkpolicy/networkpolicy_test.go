package networkpolicy_test

import (
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/networkpolicy"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
	"github.com/aws/constructs-go/constructs/v10"
)

func TestPolicies(t *testing.T) {
	objs := manifest.Construct(t, func(scope constructs.Construct) {
		networkpolicy.NewPolicies(scope, "np", networkpolicy.Props{
			Release:                kube.Release{Name: "caracal", Namespace: "ns1", Version: "0.3.0"},
			DNSNamespace:           "kube-system",
			MetricsNamespaceLabels: map[string]string{"team": "observability"},
			Flows: []wiring.Flow{
				{From: wiring.Pods("web"), To: wiring.Pods("db"), Ports: []int{5432}},
				{From: wiring.Anywhere, To: wiring.Pods("web"), Ports: []int{443}},
				{From: wiring.Pods("web"), To: wiring.Outside("cache"), Ports: []int{6379}},
			},
			External: map[string][]string{"cache": {"10.0.0.0/8"}},
		})
	})
	if got := objs.Summary(); got != "NetworkPolicy/caracal-default-deny, NetworkPolicy/caracal-allow-dns, NetworkPolicy/caracal-allow-metrics, NetworkPolicy/caracal-web, NetworkPolicy/caracal-db" {
		t.Fatalf("policies: %s", got)
	}
	deny := objs.Must(t, "NetworkPolicy", "caracal-default-deny")
	if manifest.Sprint(deny.MustGet(t, "spec.podSelector")) != "map[]" || manifest.Sprint(deny.MustGet(t, "spec.policyTypes")) != "[Ingress Egress]" || deny.Has("spec.ingress") || deny.Has("spec.egress") {
		t.Errorf("default deny: %v", deny["spec"])
	}
	if got := objs.Must(t, "NetworkPolicy", "caracal-allow-metrics").Str("spec.ingress.0.from.0.namespaceSelector.matchLabels.team"); got != "observability" {
		t.Errorf("metrics scraping from %q", got)
	}
	web := objs.Must(t, "NetworkPolicy", "caracal-web")
	if manifest.Sprint(web.MustGet(t, "spec.policyTypes")) != "[Ingress Egress]" {
		t.Error("web has ingress and egress")
	}
	if web.Has("spec.ingress.0.from") || web.Int("spec.ingress.0.ports.0.port") != 443 {
		t.Errorf("web ingress from anywhere on 443: %v", web["spec"])
	}
	if web.Str(`spec.egress.0.to.0.podSelector.matchLabels."app.kubernetes.io/component"`) != "db" || web.Str("spec.egress.1.to.0.ipBlock.cidr") != "10.0.0.0/8" {
		t.Errorf("web egress: %v", web["spec"])
	}
	db := objs.Must(t, "NetworkPolicy", "caracal-db")
	if manifest.Sprint(db.MustGet(t, "spec.policyTypes")) != "[Ingress]" || db.Int("spec.ingress.0.ports.0.port") != 5432 {
		t.Errorf("db: %v", db["spec"])
	}
}

// release is the test's release in ns; "-" is one without a name.
func release(ns string) kube.Release {
	if ns == "-" {
		return kube.Release{Namespace: "ns1", Version: "0.3.0"}
	}
	return kube.Release{Name: "caracal", Namespace: ns, Version: "0.3.0"}
}

// Props that would make a policy allow everything are refused, not written.
func TestPoliciesErrors(t *testing.T) {
	web, db := wiring.Pods("web"), wiring.Pods("db")
	labels := map[string]string{"a": "b"}
	for _, tc := range []struct {
		name, want string
		labels     map[string]string
		dns, ns    string
		flow       wiring.Flow
	}{
		{"no metrics labels", "MetricsNamespaceLabels is empty", nil, "kube-system", "ns1", wiring.Flow{From: web, To: db, Ports: []int{5432}}},
		{"no DNS namespace", "DNSNamespace is empty", labels, "", "ns1", wiring.Flow{From: web, To: db, Ports: []int{5432}}},
		{"no namespace", "Release.Namespace is empty", labels, "kube-system", "", wiring.Flow{From: web, To: db, Ports: []int{5432}}},
		{"no release name", "Release.Name is empty", labels, "kube-system", "-", wiring.Flow{From: web, To: db, Ports: []int{5432}}},
		{"empty destination", "empty end", labels, "kube-system", "ns1", wiring.Flow{From: web, To: wiring.Peer{}, Ports: []int{5432}}},
		{"outside with no addresses", "empty end", labels, "kube-system", "ns1", wiring.Flow{From: web, To: wiring.Outside("unknown"), Ports: []int{5432}}},
		{"empty source", "empty end", labels, "kube-system", "ns1", wiring.Flow{From: wiring.Peer{}, To: db, Ports: []int{5432}}},
		{"anywhere as destination", "source only", labels, "kube-system", "ns1", wiring.Flow{From: web, To: wiring.Anywhere, Ports: []int{443}}},
		{"no ports", "no ports", labels, "kube-system", "ns1", wiring.Flow{From: web, To: db}},
		{"no component", "no component", labels, "kube-system", "ns1", wiring.Flow{From: wiring.Anywhere, To: wiring.Outside("cache"), Ports: []int{1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			manifest.MustPanic(t, tc.want, func() {
				manifest.Construct(t, func(scope constructs.Construct) {
					networkpolicy.NewPolicies(scope, "np", networkpolicy.Props{
						Release:                release(tc.ns),
						DNSNamespace:           tc.dns,
						MetricsNamespaceLabels: tc.labels,
						Flows:                  []wiring.Flow{tc.flow},
						External:               map[string][]string{"cache": {"10.0.0.0/8"}},
					})
				})
			})
		})
	}
}

// Components orders the policies; a component named only by the flows
// follows those listed.
func TestPoliciesOrder(t *testing.T) {
	objs := manifest.Construct(t, func(scope constructs.Construct) {
		networkpolicy.NewPolicies(scope, "np", networkpolicy.Props{
			Release:                kube.Release{Name: "caracal", Namespace: "ns1", Version: "0.3.0"},
			DNSNamespace:           "kube-system",
			MetricsNamespaceLabels: map[string]string{"team": "observability"},
			Components:             []string{"db", "idle", "web"},
			Flows: []wiring.Flow{
				{From: wiring.Pods("job"), To: wiring.Pods("db"), Ports: []int{5432}},
				{From: wiring.Pods("web"), To: wiring.Pods("db"), Ports: []int{5432}},
			},
		})
	})
	if got := objs.OfKind("NetworkPolicy").Summary(); got != "NetworkPolicy/caracal-default-deny, NetworkPolicy/caracal-allow-dns, NetworkPolicy/caracal-allow-metrics, NetworkPolicy/caracal-db, NetworkPolicy/caracal-web, NetworkPolicy/caracal-job" {
		t.Errorf("policies: %s", got)
	}
}
