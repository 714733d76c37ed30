package networkpolicy_test

import (
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/networkpolicy"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/constructs-go/constructs/v10"
)

func TestPolicies(t *testing.T) {
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		networkpolicy.NewPolicies(scope, "np", networkpolicy.Props{
			Release:                kube.Release{Name: "caracal", Namespace: "ns1", Version: "0.3.0"},
			DNSNamespace:           "kube-system",
			MetricsNamespaceLabels: map[string]string{"team": "observability"},
			Flows: []networkpolicy.Flow{
				{From: networkpolicy.Pods("web"), To: networkpolicy.Pods("db"), Ports: []int{5432}},
				{From: networkpolicy.Peer{Anywhere: true}, To: networkpolicy.Pods("web"), Ports: []int{443}},
				{From: networkpolicy.Pods("web"), To: networkpolicy.Peer{CIDRs: []string{"10.0.0.0/8"}}, Ports: []int{6379}},
			},
		})
	})
	if got := objs.Summary(); got != "NetworkPolicy/caracal-default-deny, NetworkPolicy/caracal-allow-dns, NetworkPolicy/caracal-allow-metrics, NetworkPolicy/caracal-web, NetworkPolicy/caracal-db" {
		t.Fatalf("policies: %s", got)
	}
	deny := objs.Must(t, "NetworkPolicy", "caracal-default-deny")
	if testkit.Sprint(deny.MustGet(t, "spec.podSelector")) != "map[]" || testkit.Sprint(deny.MustGet(t, "spec.policyTypes")) != "[Ingress Egress]" || deny.Has("spec.ingress") || deny.Has("spec.egress") {
		t.Errorf("default deny: %v", deny["spec"])
	}
	if got := objs.Must(t, "NetworkPolicy", "caracal-allow-metrics").Str("spec.ingress.0.from.0.namespaceSelector.matchLabels.team"); got != "observability" {
		t.Errorf("metrics scraping from %q", got)
	}
	web := objs.Must(t, "NetworkPolicy", "caracal-web")
	if testkit.Sprint(web.MustGet(t, "spec.policyTypes")) != "[Ingress Egress]" {
		t.Error("web has ingress and egress")
	}
	if web.Has("spec.ingress.0.from") || web.Int("spec.ingress.0.ports.0.port") != 443 {
		t.Errorf("web ingress from anywhere on 443: %v", web["spec"])
	}
	if web.Str(`spec.egress.0.to.0.podSelector.matchLabels."app.kubernetes.io/component"`) != "db" || web.Str("spec.egress.1.to.0.ipBlock.cidr") != "10.0.0.0/8" {
		t.Errorf("web egress: %v", web["spec"])
	}
	db := objs.Must(t, "NetworkPolicy", "caracal-db")
	if testkit.Sprint(db.MustGet(t, "spec.policyTypes")) != "[Ingress]" || db.Int("spec.ingress.0.ports.0.port") != 5432 {
		t.Errorf("db: %v", db["spec"])
	}
}

// Props that would make a policy allow everything are refused, not written.
func TestPoliciesErrors(t *testing.T) {
	web, db := networkpolicy.Pods("web"), networkpolicy.Pods("db")
	for _, tc := range []struct {
		name, want string
		labels     map[string]string
		flow       networkpolicy.Flow
	}{
		{"no metrics labels", "MetricsNamespaceLabels is empty", nil, networkpolicy.Flow{From: web, To: db, Ports: []int{5432}}},
		{"empty destination", "empty end", map[string]string{"a": "b"}, networkpolicy.Flow{From: web, To: networkpolicy.Peer{}, Ports: []int{5432}}},
		{"empty source", "empty end", map[string]string{"a": "b"}, networkpolicy.Flow{From: networkpolicy.Peer{}, To: db, Ports: []int{5432}}},
		{"anywhere as destination", "source only", map[string]string{"a": "b"}, networkpolicy.Flow{From: web, To: networkpolicy.Peer{Anywhere: true}, Ports: []int{443}}},
		{"no ports", "no ports", map[string]string{"a": "b"}, networkpolicy.Flow{From: web, To: db}},
		{"no component", "no component", map[string]string{"a": "b"}, networkpolicy.Flow{From: networkpolicy.Peer{Anywhere: true}, To: networkpolicy.Peer{CIDRs: []string{"10.0.0.0/8"}}, Ports: []int{1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			testkit.MustPanic(t, tc.want, func() {
				testkit.Construct(t, func(scope constructs.Construct) {
					networkpolicy.NewPolicies(scope, "np", networkpolicy.Props{
						Release:                kube.Release{Name: "caracal", Namespace: "ns1", Version: "0.3.0"},
						DNSNamespace:           "kube-system",
						MetricsNamespaceLabels: tc.labels,
						Flows:                  []networkpolicy.Flow{tc.flow},
					})
				})
			})
		})
	}
}
