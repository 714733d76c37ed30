package compose_test

import (
	"fmt"
	"net"
	"sort"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/internal/testkit"
)

// endpoint is something that sends or receives: a pod of the release, or
// a stand-in for what is outside it.
type endpoint struct {
	name      string            // component, or a stand-in's name
	labels    map[string]string // pod labels; nil outside the namespace
	nsLabels  map[string]string // labels of its namespace
	ip        string            // for endpoints outside the cluster
	portNames map[string]int    // container ports by name
}

// stand-ins outside the release's namespace.
var (
	internet   = endpoint{name: "internet", ip: "203.0.113.7"}
	prometheus = endpoint{name: "prometheus", nsLabels: map[string]string{"kubernetes.io/metadata.name": "monitoring"}, labels: map[string]string{"app": "prometheus"}}
	dns        = endpoint{name: "dns", nsLabels: map[string]string{"kubernetes.io/metadata.name": "kube-system"}, labels: map[string]string{"k8s-app": "kube-dns"}}
	managed    = endpoint{name: "managed", ip: "10.20.30.40"}
	// In the external Redis CIDRs only.
	managedRedis = endpoint{name: "managed-redis", ip: "192.168.1.10"}
)

// endpoints lists every pod template of the output as an endpoint.
func endpoints(objs testkit.Objects) []endpoint {
	var out []endpoint
	seen := map[string]bool{}
	for _, o := range objs {
		for _, path := range []string{"spec.template", "spec.jobTemplate.spec.template"} {
			tpl, ok := o.Get(path)
			if !ok {
				continue
			}
			t := testkit.Object(tpl.(map[string]any))
			labels := map[string]string{}
			l, _ := t.Get("metadata.labels")
			for k, v := range l.(map[string]any) {
				labels[k] = v.(string)
			}
			name := labels["app.kubernetes.io/component"]
			if seen[name] {
				continue
			}
			seen[name] = true
			ports := map[string]int{}
			for _, kind := range []string{"containers", "initContainers"} {
				cs, _ := t.Get("spec." + kind)
				list, _ := cs.([]any)
				for _, c := range list {
					ps, _ := c.(map[string]any)["ports"].([]any)
					for _, p := range ps {
						m := p.(map[string]any)
						ports[m["name"].(string)] = testkit.Object(m).Int("containerPort")
					}
				}
			}
			out = append(out, endpoint{name: name, labels: labels, nsLabels: map[string]string{"kubernetes.io/metadata.name": "caracal"}, portNames: ports})
		}
	}
	return out
}

func matches(selector any, labels map[string]string) bool {
	if labels == nil {
		return false
	}
	sel, _ := selector.(map[string]any)
	ml, _ := sel["matchLabels"].(map[string]any)
	for k, v := range ml {
		if labels[k] != v {
			return false
		}
	}
	return true
}

// peerMatches reports whether a NetworkPolicy peer covers e, for a policy
// in the release's namespace.
func peerMatches(peer map[string]any, e endpoint) bool {
	if ip, ok := peer["ipBlock"].(map[string]any); ok {
		_, cidr, _ := net.ParseCIDR(ip["cidr"].(string))
		return e.ip != "" && cidr.Contains(net.ParseIP(e.ip))
	}
	ns, hasNS := peer["namespaceSelector"]
	pod, hasPod := peer["podSelector"]
	inNamespace := e.nsLabels["kubernetes.io/metadata.name"] == "caracal"
	switch {
	case hasNS && hasPod:
		return matches(ns, e.nsLabels) && matches(pod, e.labels)
	case hasNS:
		return matches(ns, e.nsLabels)
	case hasPod:
		return inNamespace && matches(pod, e.labels)
	}
	return false
}

func portMatches(ports any, dst endpoint, port int, proto string) bool {
	list, ok := ports.([]any)
	if !ok || len(list) == 0 {
		return true
	}
	for _, p := range list {
		m := p.(map[string]any)
		if m["protocol"] != proto {
			continue
		}
		if v, named := m["port"].(string); named {
			if dst.portNames[v] == port {
				return true
			}
		} else if testkit.Object(m).Int("port") == port {
			return true
		}
	}
	return false
}

// allowed evaluates the policies as Kubernetes does: a pod selected by
// any policy of a direction accepts only what one of them allows.
func allowed(policies testkit.Objects, src, dst endpoint, port int, proto string) bool {
	side := func(e endpoint, direction, rulesKey, peersKey string, other endpoint) bool {
		if e.nsLabels["kubernetes.io/metadata.name"] != "caracal" {
			return true // outside the namespace: not ours to isolate
		}
		isolated, ok := false, false
		for _, p := range policies {
			sel, _ := p.Get("spec.podSelector")
			if !matches(sel, e.labels) {
				continue
			}
			types, _ := p.Get("spec.policyTypes")
			if !strings.Contains(testkit.Sprint(types), direction) {
				continue
			}
			isolated = true
			rules, _ := p.Get("spec." + rulesKey)
			list, _ := rules.([]any)
			for _, r := range list {
				rule := r.(map[string]any)
				// A missing or empty list of peers matches every peer.
				peers, _ := rule[peersKey].([]any)
				peerOK := len(peers) == 0
				for _, peer := range peers {
					if peerMatches(peer.(map[string]any), other) {
						peerOK = true
					}
				}
				if peerOK && portMatches(rule["ports"], dst, port, proto) {
					ok = true
				}
			}
		}
		return !isolated || ok
	}
	return side(src, "Egress", "egress", "to", dst) && side(dst, "Ingress", "ingress", "from", src)
}

// flowsAllowed lists every allowed "src -> dst:port/proto" between the
// endpoints, for the ports anything listens on.
func flowsAllowed(objs testkit.Objects, extra ...endpoint) []string {
	policies := objs.OfKind("NetworkPolicy")
	all := append(endpoints(objs), append([]endpoint{internet, prometheus, dns}, extra...)...)
	ports := map[int]bool{53: true}
	for _, e := range all {
		for _, p := range e.portNames {
			ports[p] = true
		}
	}
	for _, p := range policies {
		for _, key := range []string{"spec.egress", "spec.ingress"} {
			rules, _ := p.Get(key)
			list, _ := rules.([]any)
			for _, r := range list {
				ps, _ := r.(map[string]any)["ports"].([]any)
				for _, x := range ps {
					if n := testkit.Object(x.(map[string]any)).Int("port"); n > 0 {
						ports[n] = true
					}
				}
			}
		}
	}
	var out []string
	for _, src := range all {
		for _, dst := range all {
			if src.name == dst.name && src.name != "kafka" && src.name != "zookeeper" {
				continue
			}
			if !inRelease(src) && !inRelease(dst) {
				continue // neither end is Caracal's
			}
			for port := range ports {
				// Endpoints outside the namespace listen on what they are for.
				if dst.portNames == nil && !(dst.name == "dns" && port == 53) && dst.ip == "" {
					continue
				}
				if dst.portNames != nil && !listens(dst, port) {
					continue
				}
				for _, proto := range []string{"TCP", "UDP"} {
					if proto == "UDP" && port != 53 {
						continue
					}
					if allowed(policies, src, dst, port, proto) {
						out = append(out, fmt.Sprintf("%s -> %s:%d/%s", src.name, dst.name, port, proto))
					}
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func inRelease(e endpoint) bool { return e.nsLabels["kubernetes.io/metadata.name"] == "caracal" }

func listens(e endpoint, port int) bool {
	for _, p := range e.portNames {
		if p == port {
			return true
		}
	}
	return false
}

// expand writes "a,b -> c:1,2" as one flow per pair.
func expand(spec ...string) []string {
	var out []string
	for _, s := range spec {
		from, rest, _ := strings.Cut(s, " -> ")
		to, ports, _ := strings.Cut(rest, ":")
		proto := "TCP"
		if p, pr, ok := strings.Cut(ports, "/"); ok {
			ports, proto = p, pr
		}
		for _, f := range strings.Split(from, ",") {
			for _, d := range strings.Split(to, ",") {
				for _, p := range strings.Split(ports, ",") {
					out = append(out, fmt.Sprintf("%s -> %s:%s/%s", f, d, p, proto))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

const (
	apps    = "gateway,mcp-adapter,ledger-writer,metrics-aggregator,audit-logger"
	allPods = apps + ",postgres,redis,kafka,kafka-exporter,db-migrate,db-init,kafka-topics,postgres-backup"
)

// The policies allow exactly the flows Caracal needs, and nothing else.
func TestNetworkPoliciesAllowExactlyTheFlows(t *testing.T) {
	for _, tc := range []struct {
		name  string
		sets  []string
		extra []endpoint
		want  []string
	}{
		{"defaults", nil, nil, expand(
			// The gateway and the MCP adapter take calls from anywhere.
			"internet,prometheus,dns -> gateway:8443",
			"internet,prometheus,dns -> mcp-adapter:8080",
			"mcp-adapter -> gateway:8443",
			apps+",db-migrate,db-init,postgres-backup -> postgres:5432",
			apps+" -> redis:6379",
			apps+",kafka-topics,kafka,kafka-exporter -> kafka:9092",
			"kafka -> kafka:9093",
			"prometheus -> gateway,mcp-adapter,ledger-writer,audit-logger:9090",
			"prometheus -> metrics-aggregator:9091",
			"prometheus -> kafka-exporter:9308",
			allPods+" -> dns:53/TCP",
			allPods+" -> dns:53/UDP",
		)},
		{"zookeeper mode", []string{"kafka.zookeeper.enabled=true", "kafka.image.tag=3.9.1"}, nil, expand(
			"internet,prometheus,dns -> gateway:8443",
			"internet,prometheus,dns -> mcp-adapter:8080",
			"mcp-adapter -> gateway:8443",
			apps+",db-migrate,db-init,postgres-backup -> postgres:5432",
			apps+" -> redis:6379",
			apps+",kafka-topics,kafka,kafka-exporter -> kafka:9092",
			"kafka -> zookeeper:2181",
			"zookeeper -> zookeeper:2888,3888",
			"prometheus -> gateway,mcp-adapter,ledger-writer,audit-logger:9090",
			"prometheus -> metrics-aggregator:9091",
			"prometheus -> kafka-exporter:9308",
			allPods+",zookeeper -> dns:53/TCP",
			allPods+",zookeeper -> dns:53/UDP",
		)},
		{"managed datastores", []string{
			"postgresql.enabled=false", "externalDatabase.host=db.example.com", "externalDatabase.port=6432",
			"redis.enabled=false", "externalRedis.host=cache.example.com",
			"kafka.enabled=false", `externalKafka.bootstrapServers=b1.example.com:9094\,b2.example.com:9094`,
			"networkPolicy.externalDatabaseCIDRs={10.20.0.0/16}", "networkPolicy.externalKafkaCIDRs={10.20.30.0/24}",
			"networkPolicy.externalRedisCIDRs={192.168.0.0/16}",
		}, []endpoint{managed, managedRedis}, expand(
			"internet,prometheus,dns,managed,managed-redis -> gateway:8443",
			"internet,prometheus,dns,managed,managed-redis -> mcp-adapter:8080",
			"mcp-adapter -> gateway:8443",
			apps+",db-migrate,db-init -> managed:6432",
			apps+" -> managed-redis:6379",
			apps+",kafka-topics,kafka-exporter -> managed:9094",
			"prometheus -> gateway,mcp-adapter,ledger-writer,audit-logger:9090",
			"prometheus -> metrics-aggregator:9091",
			"prometheus -> kafka-exporter:9308",
			apps+",db-migrate,db-init,kafka-topics,kafka-exporter -> dns:53/TCP",
			apps+",db-migrate,db-init,kafka-topics,kafka-exporter -> dns:53/UDP",
		)},
		{"merkle backfill, no Kafka exporter", []string{"upgrade.merkleBackfill.enabled=true", "kafka.metrics.enabled=false"}, nil, expand(
			"internet,prometheus,dns -> gateway:8443",
			"internet,prometheus,dns -> mcp-adapter:8080",
			"mcp-adapter -> gateway:8443",
			apps+",db-migrate,db-init,merkle-backfill,postgres-backup -> postgres:5432",
			apps+" -> redis:6379",
			apps+",kafka-topics,kafka -> kafka:9092",
			"kafka -> kafka:9093",
			"prometheus -> gateway,mcp-adapter,ledger-writer,audit-logger:9090",
			"prometheus -> metrics-aggregator:9091",
			"gateway,mcp-adapter,ledger-writer,metrics-aggregator,audit-logger,postgres,redis,kafka,db-migrate,db-init,kafka-topics,merkle-backfill,postgres-backup -> dns:53/TCP",
			"gateway,mcp-adapter,ledger-writer,metrics-aggregator,audit-logger,postgres,redis,kafka,db-migrate,db-init,kafka-topics,merkle-backfill,postgres-backup -> dns:53/UDP",
		)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs := testkit.Sets(t, tc.sets...)
			got := flowsAllowed(objs, tc.extra...)
			if d := diffFlows(tc.want, got); d != "" {
				t.Error(d)
			}
		})
	}
}

func diffFlows(want, got []string) string {
	w, g := map[string]bool{}, map[string]bool{}
	for _, f := range want {
		w[f] = true
	}
	for _, f := range got {
		g[f] = true
	}
	var msg []string
	for _, f := range want {
		if !g[f] {
			msg = append(msg, "missing:     "+f)
		}
	}
	for _, f := range got {
		if !w[f] {
			msg = append(msg, "not wanted:  "+f)
		}
	}
	return strings.Join(msg, "\n")
}
