package wiring

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/kube"
)

// Peer is one end of a Flow.
type Peer struct {
	// Component is the pods of a component of the release.
	Component string
	// External is a server outside the cluster, named by what it is
	// ("database", "redis", "kafka"): the composition knows its addresses.
	External string
	// Anywhere is any source, in the cluster or outside (a source only):
	// the traffic a public Service takes.
	Anywhere bool
}

// Pods is the Peer of a component's pods.
func Pods(component string) Peer { return Peer{Component: component} }

// Outside is the Peer of a server outside the cluster.
func Outside(name string) Peer { return Peer{External: name} }

// Anywhere is the Peer of every source.
var Anywhere = Peer{Anywhere: true}

// Flow is the connections From opens to To, on TCP Ports.
type Flow struct {
	From, To Peer
	Ports    []int
}

// Scrape is where Prometheus reads a component's metrics: the Services
// labelled with Component, on their port named Port, at Path.
type Scrape struct {
	Component string
	Port      string
	Path      string
}

// Report is what a component needs from the rest of the release: the
// composition allows exactly its flows in the NetworkPolicies, scrapes its
// targets, and syncs the Secret keys it reads from a secret store. A
// component reports only what it owns, so adding one adds its needs.
type Report struct {
	// Component labels its pods (app.kubernetes.io/component).
	Component string
	Flows     []Flow
	Scrapes   []Scrape
	// Secrets are the keys of Secrets its pods read, in the order they
	// first read them.
	Secrets []kube.SecretKey
}

// Reporter is a construct that reports what it needs.
type Reporter interface {
	Report() Report
}

// Join is the reports one after another, each Secret key once, under the
// component of the first.
func Join(reports ...Report) Report {
	var out Report
	for _, r := range reports {
		if out.Component == "" {
			out.Component = r.Component
		}
		out.Flows = append(out.Flows, r.Flows...)
		out.Scrapes = append(out.Scrapes, r.Scrapes...)
		for _, k := range r.Secrets {
			if !slices.Contains(out.Secrets, k) {
				out.Secrets = append(out.Secrets, k)
			}
		}
	}
	return out
}

// From is the flow from a component's pods to the database.
func (e DatabaseEndpoint) From(component string) Flow {
	return Flow{From: Pods(component), To: e.Peer, Ports: []int{e.Port}}
}

// From is the flow from a component's pods to Redis.
func (e RedisEndpoint) From(component string) Flow {
	return Flow{From: Pods(component), To: e.Peer, Ports: []int{e.Port}}
}

// From is the flow from a component's pods to the Kafka brokers, on every
// port of the bootstrap list (a client reaches every broker).
func (e KafkaEndpoint) From(component string) Flow {
	return Flow{From: Pods(component), To: e.Peer, Ports: e.Ports()}
}

// Ports are the distinct ports of the bootstrap servers, in order. The
// values refuse a server without a port; a Kafka construct writes them.
func (e KafkaEndpoint) Ports() []int {
	var out []int
	for _, s := range strings.Split(e.BootstrapServers, ",") {
		_, port, err := net.SplitHostPort(strings.TrimSpace(s))
		if err != nil {
			panic(fmt.Sprintf("wiring: the bootstrap server %q has no port: %v", s, err))
		}
		p, err := strconv.Atoi(port)
		if err != nil {
			panic(fmt.Sprintf("wiring: the bootstrap server %q has no numeric port", s))
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// From is the flows of a Caracal process that reads DatastoreConfig: to
// the database, Redis and Kafka.
func (e Endpoints) From(component string) []Flow {
	return []Flow{e.Database.From(component), e.Redis.From(component), e.Kafka.From(component)}
}

// MetricsScrape is where Prometheus reads a component's metrics: the port
// kube.MetricsPort of its Services, at /metrics.
func MetricsScrape(component string) Scrape {
	return Scrape{Component: component, Port: kube.MetricsPort, Path: "/metrics"}
}

// ProcessReport is the report of a Caracal process that reads
// DatastoreConfig: its flows to the datastores and then extra, its
// metrics, and the Secret keys its pod reads.
func ProcessReport(component string, e Endpoints, secrets []kube.SecretKey, extra ...Flow) Report {
	return Report{
		Component: component,
		Flows:     append(e.From(component), extra...),
		Scrapes:   []Scrape{MetricsScrape(component)},
		Secrets:   secrets,
	}
}
