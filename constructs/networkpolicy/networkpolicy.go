// Package networkpolicy locks a release's network down: it denies every
// flow in the namespace, then allows exactly the flows it is given, one
// NetworkPolicy per component, plus DNS and metrics scraping.
package networkpolicy

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Props configures the policies.
type Props struct {
	Release kube.Release
	// DNSNamespace holds the cluster DNS; every pod may reach it on 53.
	DNSNamespace string
	// MetricsNamespaceLabels select the namespaces Prometheus scrapes
	// from, allowed to every port named "metrics".
	MetricsNamespaceLabels map[string]string
	// Components orders the per-component policies (those of components
	// not listed follow, in the order the flows name them).
	Components []string
	// Flows are every connection allowed: the components' reports.
	Flows []wiring.Flow
	// External holds the addresses (CIDRs) of each server outside the
	// cluster that a flow names (wiring.Outside).
	External map[string][]string
}

// Policies are the NetworkPolicies made.
type Policies struct {
	constructs.Construct
	All []cdk8s.ApiObject
}

// Component is the app.kubernetes.io/component of the policies that span
// the namespace.
const Component = "network"

// NewPolicies adds the policies: caracal-default-deny, caracal-allow-dns,
// caracal-allow-metrics, and caracal-<component> for each component of
// the flows, holding its ingress and its egress.
func NewPolicies(scope constructs.Construct, id string, p Props) *Policies {
	check(p)
	r := p.Release
	ps := &Policies{}
	// Made together, in one jsii call, once all are known.
	var policies []kube.Object
	add := func(name string, spec *k8s.NetworkPolicySpec) {
		policies = append(policies, kube.Object{ID: name, GVK: kube.NetworkPolicyKind, Props: &k8s.KubeNetworkPolicyProps{
			Metadata: r.Meta(name, Component), Spec: spec,
		}})
	}
	all := &k8s.LabelSelector{}
	add("caracal-default-deny", &k8s.NetworkPolicySpec{PodSelector: all, PolicyTypes: kube.Strs("Ingress", "Egress")})
	add("caracal-allow-dns", &k8s.NetworkPolicySpec{
		PodSelector: all,
		PolicyTypes: kube.Strs("Egress"),
		Egress: &[]*k8s.NetworkPolicyEgressRule{{
			To:    &[]*k8s.NetworkPolicyPeer{{NamespaceSelector: namespace(p.DNSNamespace)}},
			Ports: &[]*k8s.NetworkPolicyPort{port("UDP", kube.IntOrNumber(53)), port("TCP", kube.IntOrNumber(53))},
		}},
	})
	add("caracal-allow-metrics", &k8s.NetworkPolicySpec{
		PodSelector: all,
		PolicyTypes: kube.Strs("Ingress"),
		Ingress: &[]*k8s.NetworkPolicyIngressRule{{
			From:  &[]*k8s.NetworkPolicyPeer{{NamespaceSelector: &k8s.LabelSelector{MatchLabels: kube.StrMap(p.MetricsNamespaceLabels)}}},
			Ports: &[]*k8s.NetworkPolicyPort{port("TCP", kube.IntOrString(kube.MetricsPort))},
		}},
	})
	for _, component := range components(p.Components, p.Flows) {
		var ingress []*k8s.NetworkPolicyIngressRule
		var egress []*k8s.NetworkPolicyEgressRule
		for _, f := range p.Flows {
			if f.To.Component == component {
				rule := &k8s.NetworkPolicyIngressRule{Ports: tcp(f.Ports)}
				if !f.From.Anywhere {
					rule.From = peers(r, f.From, p.External)
				}
				ingress = append(ingress, rule)
			}
			if f.From.Component == component {
				egress = append(egress, &k8s.NetworkPolicyEgressRule{To: peers(r, f.To, p.External), Ports: tcp(f.Ports)})
			}
		}
		spec := &k8s.NetworkPolicySpec{PodSelector: r.Selector(component)}
		var types []string
		if len(ingress) > 0 {
			types = append(types, "Ingress")
			spec.Ingress = &ingress
		}
		if len(egress) > 0 {
			types = append(types, "Egress")
			spec.Egress = &egress
		}
		spec.PolicyTypes = kube.Strs(types...)
		add("caracal-"+component, spec)
	}
	ps.Construct, ps.All = kube.NewScope(scope, id, policies...)
	return ps
}

// check refuses props that would allow more than asked: in a
// NetworkPolicy an empty peer list or selector, or no ports, means every
// address, namespace or port. The values layer refuses these first.
func check(p Props) {
	r := kube.Refusals{Construct: "networkpolicy"}
	r.Empty("Props.Release.Name", p.Release.Name) // every selector holds it
	r.Empty("Props.Release.Namespace", p.Release.Namespace)
	if p.DNSNamespace == "" {
		r.Refuse("Props.DNSNamespace is empty, which would cut every pod off the cluster DNS")
	}
	if len(p.MetricsNamespaceLabels) == 0 {
		r.Refuse("MetricsNamespaceLabels is empty, which would let every namespace scrape")
	}
	for _, f := range p.Flows {
		switch {
		case f.From.Component == "" && f.To.Component == "":
			r.Refuse("flow %+v has no component of the release at either end", f)
		case f.To.Anywhere:
			r.Refuse("flow %+v: Anywhere is a source only", f)
		case !f.From.Anywhere && f.From.Component == "" && len(p.External[f.From.External]) == 0,
			f.To.Component == "" && len(p.External[f.To.External]) == 0:
			r.Refuse("flow %+v has an empty end (a server outside with no addresses), which would mean every address", f)
		case len(f.Ports) == 0:
			r.Refuse("flow %+v has no ports, which would mean every port", f)
		}
	}
	r.Check()
}

// components lists the release's components of the flows: those of order
// first, then the others in the order of the flows.
func components(order []string, flows []wiring.Flow) []string {
	var out []string
	seen := map[string]bool{}
	named := map[string]bool{}
	for _, f := range flows {
		named[f.From.Component], named[f.To.Component] = true, true
	}
	for _, c := range order {
		if named[c] && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	for _, f := range flows {
		for _, c := range []string{f.From.Component, f.To.Component} {
			if c != "" && !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// peers is the NetworkPolicy form of a Peer: the component's pods in the
// release's namespace, or the IP blocks of a server outside.
func peers(r kube.Release, p wiring.Peer, external map[string][]string) *[]*k8s.NetworkPolicyPeer {
	if p.Component != "" {
		return &[]*k8s.NetworkPolicyPeer{{PodSelector: r.Selector(p.Component)}}
	}
	cidrs := external[p.External]
	out := make([]*k8s.NetworkPolicyPeer, len(cidrs))
	for i, cidr := range cidrs {
		out[i] = &k8s.NetworkPolicyPeer{IpBlock: &k8s.IpBlock{Cidr: kube.Str(cidr)}}
	}
	return &out
}

func namespace(name string) *k8s.LabelSelector {
	return &k8s.LabelSelector{MatchLabels: kube.StrMap(map[string]string{"kubernetes.io/metadata.name": name})}
}

func port(protocol string, p k8s.IntOrString) *k8s.NetworkPolicyPort {
	return &k8s.NetworkPolicyPort{Protocol: kube.Str(protocol), Port: p}
}

func tcp(ports []int) *[]*k8s.NetworkPolicyPort {
	out := make([]*k8s.NetworkPolicyPort, len(ports))
	for i, p := range ports {
		out[i] = port("TCP", kube.IntOrNumber(p))
	}
	return &out
}
