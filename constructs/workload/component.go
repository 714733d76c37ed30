package workload

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
)

// MetricsScrape is where Prometheus reads a component's metrics: the port
// kube.MetricsPort of its Services, at /metrics.
func MetricsScrape(component string) wiring.Scrape {
	return wiring.Scrape{Component: component, Port: kube.MetricsPort, Path: "/metrics"}
}

// ProcessReport is the report of a Caracal process that reads
// DatastoreConfig: its flows to the datastores and then extra, its
// metrics, and the Secret keys its pod reads.
func ProcessReport(component string, e wiring.Endpoints, secrets []kube.SecretKey, extra ...wiring.Flow) wiring.Report {
	return wiring.Report{
		Component: component,
		Flows:     append(e.From(component), extra...),
		Scrapes:   []wiring.Scrape{MetricsScrape(component)},
		Secrets:   secrets,
	}
}

// RefuseDatabase refuses a database endpoint a client cannot reach or log
// in to, or whose server is unnamed (its flow would have an empty end).
func RefuseDatabase(r *kube.Refusals, field string, e wiring.DatabaseEndpoint) {
	refusePeer(r, field+".Peer", e.Peer)
	r.Empty(field+".Host", e.Host)
	r.Port(field+".Port", e.Port)
	r.Empty(field+".Name", e.Name)
	r.Empty(field+".User", e.User)
	r.SecretKey(field+".Password", e.Password)
}

// RefuseRedis refuses a Redis endpoint a client cannot reach or log in to.
func RefuseRedis(r *kube.Refusals, field string, e wiring.RedisEndpoint) {
	refusePeer(r, field+".Peer", e.Peer)
	r.Empty(field+".Host", e.Host)
	r.Port(field+".Port", e.Port)
	r.SecretKey(field+".Password", e.Password)
}

// RefuseKafka refuses a Kafka endpoint without brokers.
func RefuseKafka(r *kube.Refusals, field string, e wiring.KafkaEndpoint) {
	refusePeer(r, field+".Peer", e.Peer)
	r.Empty(field+".BootstrapServers", e.BootstrapServers)
}

// RefuseEndpoints refuses the endpoints of a Caracal process.
func RefuseEndpoints(r *kube.Refusals, field string, e wiring.Endpoints) {
	RefuseDatabase(r, field+".Database", e.Database)
	RefuseRedis(r, field+".Redis", e.Redis)
	RefuseKafka(r, field+".Kafka", e.Kafka)
}

func refusePeer(r *kube.Refusals, field string, p wiring.Peer) {
	if p == (wiring.Peer{}) {
		r.Refuse("%s is empty: say who serves it (wiring.Pods or wiring.Outside)", field)
	}
}

// RefuseAutoscaling refuses bounds an autoscaler cannot keep; nil is no
// autoscaler.
func RefuseAutoscaling(r *kube.Refusals, field string, a *Autoscaling) {
	if a == nil {
		return
	}
	r.AtLeast(field+".MinReplicas", a.MinReplicas, 1)
	r.AtLeast(field+".MaxReplicas", a.MaxReplicas, max(a.MinReplicas, 1))
	r.AtLeast(field+".TargetCPUUtilizationPercentage", a.TargetCPUUtilizationPercentage, 1)
}
