package values

import (
	"regexp"
	"strings"
)

// Caracal owns the namespace it is deployed into: it labels it Pod
// Security restricted and denies all traffic there but its own. In a
// namespace that Kubernetes or a GitOps controller runs in, that cuts
// off what already runs there (CoreDNS in kube-system, for one).

// systemNamespaces are refused as global.namespace unless
// global.allowSystemNamespace is set: exact names, or a prefix ending in
// "-".
var systemNamespaces = []struct{ name, owner string }{
	{"kube-", "Kubernetes itself"},
	{"default", "Kubernetes itself (objects without a namespace land there)"},
	{"argocd", "Argo CD"},
	{"flux-system", "Flux"},
}

// systemNamespaceOwner is who runs in ns, or "" when it is not a system
// namespace.
func systemNamespaceOwner(ns string) string {
	for _, s := range systemNamespaces {
		if ns == s.name || (strings.HasSuffix(s.name, "-") && strings.HasPrefix(ns, s.name)) {
			return s.owner
		}
	}
	return ""
}

// systemNamespacePattern matches the system namespaces, for the schema.
func systemNamespacePattern() string {
	alts := make([]string, len(systemNamespaces))
	for i, s := range systemNamespaces {
		alts[i] = regexp.QuoteMeta(s.name)
		if strings.HasSuffix(s.name, "-") {
			alts[i] += ".*"
		}
	}
	return "^(" + strings.Join(alts, "|") + ")$"
}

// checkNamespace refuses a system namespace without the override, and a
// namespace whose traffic Caracal's default-deny policy would cut for
// others whatever the override: the cluster DNS's, or Flux's.
func checkNamespace(v *Values, o origins, probs *problems) {
	const key = "global.namespace"
	ns := v.Global.Namespace
	if owner := systemNamespaceOwner(ns); owner != "" && !v.Global.AllowSystemNamespace {
		probs.add(o[key], key, "%q is a namespace of %s: Caracal labels its namespace Pod Security restricted and denies all traffic in it but its own, which would break what runs there; deploy into a namespace of its own, such as caracal (or, for a throwaway cluster only, set global.allowSystemNamespace=true)", ns, owner)
		return
	}
	if !v.NetworkPolicy.Enabled {
		return
	}
	for _, other := range []struct {
		key, what, ns string
		on            bool
	}{
		{"networkPolicy.dnsNamespace", "the cluster DNS", v.NetworkPolicy.DNSNamespace, true},
		{"flux.namespace", "Flux", v.Flux.Namespace, v.Flux.Enabled},
	} {
		if other.on && ns == other.ns {
			pos, k := o.blame(key, other.key)
			probs.add(pos, k, "global.namespace and %s are both %q: Caracal's NetworkPolicies deny all traffic in its namespace but its own, which would cut off %s; deploy into a namespace of its own (or set networkPolicy.enabled=false)", other.key, ns, other.what)
			return
		}
	}
}

// checkPriorityClass refuses to create a PriorityClass under the prefix
// Kubernetes keeps for its own.
func checkPriorityClass(v *Values, o origins, probs *problems) {
	const key = "priorityClass.name"
	if p := v.PriorityClass; p.Create && strings.HasPrefix(p.Name, systemPriorityPrefix) {
		pos, k := o.blame(key, "priorityClass.create")
		probs.add(pos, k, "%q: the API server refuses to create a PriorityClass named %s...; choose another name, or set priorityClass.create=false to use the existing class", p.Name, systemPriorityPrefix)
	}
}

const systemPriorityPrefix = "system-"

// targetRules are checkNamespace's and checkPriorityClass's rules as the
// schema says them; the namespaces shared with the DNS or Flux compare
// two keys, which it cannot (schemaInexpressibleChecks).
func targetRules() []schemaRule {
	return []schemaRule{
		{
			name: "checkNamespace: a system namespace needs global.allowSystemNamespace",
			when: is("global.allowSystemNamespace", false),
			then: at("global.namespace", map[string]any{"not": map[string]any{"pattern": systemNamespacePattern()}}),
		},
		{
			name: "checkPriorityClass: the system- prefix is Kubernetes'",
			when: is("priorityClass.create", true),
			then: at("priorityClass.name", map[string]any{"not": map[string]any{"pattern": "^" + regexp.QuoteMeta(systemPriorityPrefix)}}),
		},
	}
}

// targetSchema is targetRules as if/then clauses of the schema's allOf.
func targetSchema() []any {
	var out []any
	for _, r := range targetRules() {
		out = append(out, map[string]any{"$comment": r.name, "if": r.when, "then": r.then})
	}
	return out
}
