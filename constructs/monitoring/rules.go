package monitoring

import (
	"fmt"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/imports/monitoringcoreoscom"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// Thresholds of the alerts, each required: at 0 an alert would fire at
// the first error, restart or message, or always.
type Thresholds struct {
	// Gateway5xxPercent of the responses, over 5 minutes: 1 to 100 (read
	// with RulesProps.Gateway only, as the latency).
	Gateway5xxPercent int
	// GatewayLatencyP99Milliseconds, over 10 minutes: at least 1.
	GatewayLatencyP99Milliseconds int
	// ConsumerLagMessages of a consumer group, for 10 minutes: at least 1
	// (read with RulesProps.Kafka only).
	ConsumerLagMessages int
	// RestartsPer15Minutes of a container: at least 1.
	RestartsPer15Minutes int
	// VolumeUsagePercent of a persistent volume: 1 to 100.
	VolumeUsagePercent int
}

// RulesProps configures the PrometheusRule.
type RulesProps struct {
	Release kube.Release
	// Name of the PrometheusRule. Default: caracal-alerts.
	Name string
	// Labels your Prometheus selects rules by. Default: none.
	Labels map[string]string
	Thresholds
	// LedgerBatchTimeoutSeconds is the ledger writer's batch timeout: no
	// batch for twice as long means it is stalled. At least 1 (read with
	// LedgerWriter only).
	LedgerBatchTimeoutSeconds int
	// Gateway, LedgerWriter and Kafka add the alerts read from the
	// gateway's metrics (errors, latency), the ledger writer's (a stalled
	// writer) and kafka_exporter's (consumer lag, under-replicated
	// partitions): each is on where that component is scraped. The pods'
	// alerts (restarts, full volumes) are always there. Default: off.
	Gateway, LedgerWriter, Kafka bool
}

// Rules is the construct.
type Rules struct {
	constructs.Construct
	PrometheusRule cdk8s.ApiObject
}

// Alert is one alerting rule.
type Alert struct {
	Group, Name, Expr, For, Severity, Summary string
}

// Alerts lists the alerting rules, in order: exported for tests and docs.
func Alerts(p RulesProps) []Alert {
	checkRules(p)
	// The namespace is a PromQL string literal in every matcher.
	ns := kube.PromQLString(p.Release.Namespace)
	var alerts []Alert
	if p.Gateway {
		alerts = append(alerts,
			Alert{"caracal-gateway", "CaracalGatewayErrorRateHigh",
				fmt.Sprintf(`sum(rate(caracal_gateway_http_requests_total{namespace=%s,code=~"5.."}[5m])) / sum(rate(caracal_gateway_http_requests_total{namespace=%s}[5m])) * 100 > %d`, ns, ns, p.Gateway5xxPercent),
				"5m", "critical", fmt.Sprintf("More than %d%% of the gateway's responses are server errors.", p.Gateway5xxPercent)},
			Alert{"caracal-gateway", "CaracalGatewayLatencyHigh",
				fmt.Sprintf(`histogram_quantile(0.99, sum by (le) (rate(caracal_gateway_http_request_duration_seconds_bucket{namespace=%s}[5m]))) * 1000 > %d`, ns, p.GatewayLatencyP99Milliseconds),
				"10m", "warning", fmt.Sprintf("The gateway's 99th percentile latency is above %d ms.", p.GatewayLatencyP99Milliseconds)},
		)
	}
	if p.LedgerWriter {
		alerts = append(alerts,
			Alert{"caracal-ledger", "CaracalLedgerWriterStalled",
				fmt.Sprintf(`sum(increase(caracal_ledger_batches_committed_total{namespace=%s}[%ds])) == 0`, ns, 2*p.LedgerBatchTimeoutSeconds),
				"5m", "critical", fmt.Sprintf("The ledger writer has committed no batch for %d seconds, twice its batch timeout.", 2*p.LedgerBatchTimeoutSeconds)},
		)
	}
	alerts = append(alerts,
		Alert{"caracal-pods", "CaracalPodCrashLooping",
			fmt.Sprintf(`increase(kube_pod_container_status_restarts_total{namespace=%s,pod=~"caracal-.*"}[15m]) > %d`, ns, p.RestartsPer15Minutes),
			"0m", "warning", fmt.Sprintf("A container of {{ $labels.pod }} restarted more than %d times in 15 minutes.", p.RestartsPer15Minutes)},
		Alert{"caracal-pods", "CaracalVolumeNearlyFull",
			fmt.Sprintf(`kubelet_volume_stats_used_bytes{namespace=%s,persistentvolumeclaim=~"(data-)?caracal-.*"} / kubelet_volume_stats_capacity_bytes{namespace=%s,persistentvolumeclaim=~"(data-)?caracal-.*"} * 100 > %d`, ns, ns, p.VolumeUsagePercent),
			"15m", "warning", fmt.Sprintf("The volume {{ $labels.persistentvolumeclaim }} is more than %d%% full.", p.VolumeUsagePercent)},
	)
	if p.Kafka {
		alerts = append(alerts,
			Alert{"caracal-kafka", "CaracalConsumerLagHigh",
				fmt.Sprintf(`sum by (consumergroup) (kafka_consumergroup_lag{namespace=%s,consumergroup=~"caracal-.*"}) > %d`, ns, p.ConsumerLagMessages),
				"10m", "warning", fmt.Sprintf("The consumer group {{ $labels.consumergroup }} lags by more than %d messages.", p.ConsumerLagMessages)},
			Alert{"caracal-kafka", "CaracalKafkaUnderReplicatedPartitions",
				fmt.Sprintf(`sum(kafka_topic_partition_under_replicated_partition{namespace=%s}) > 0`, ns),
				"5m", "critical", "Kafka has under-replicated partitions: a broker is down or behind."},
		)
	}
	return alerts
}

// NewRules adds the PrometheusRule with Caracal's alerts.
func NewRules(scope constructs.Construct, id string, p RulesProps) *Rules {
	alerts := Alerts(p)
	if p.Name == "" {
		p.Name = "caracal-alerts"
	}
	var groups []*monitoringcoreoscom.PrometheusRuleSpecGroups
	index := map[string]*monitoringcoreoscom.PrometheusRuleSpecGroups{}
	for _, a := range alerts {
		g := index[a.Group]
		if g == nil {
			g = &monitoringcoreoscom.PrometheusRuleSpecGroups{Name: kube.Str(a.Group), Rules: &[]*monitoringcoreoscom.PrometheusRuleSpecGroupsRules{}}
			index[a.Group] = g
			groups = append(groups, g)
		}
		*g.Rules = append(*g.Rules, &monitoringcoreoscom.PrometheusRuleSpecGroupsRules{
			Alert:       kube.Str(a.Name),
			Expr:        kube.Str(a.Expr),
			For:         kube.Str(a.For),
			Labels:      kube.StrMap(map[string]string{"severity": a.Severity}),
			Annotations: kube.StrMap(map[string]string{"summary": a.Summary}),
		})
	}
	meta := p.Release.APIMeta(p.Name, Component, p.Labels)
	c, rule := kube.NewResource(scope, id, prometheusRuleKind, &monitoringcoreoscom.PrometheusRuleProps{
		Metadata: meta,
		Spec:     &monitoringcoreoscom.PrometheusRuleSpec{Groups: &groups},
	})
	return &Rules{Construct: c, PrometheusRule: rule}
}

// checkRules refuses a threshold that would make its alert fire always or
// never, and a batch timeout that is no time range.
func checkRules(p RulesProps) {
	r := kube.Refusals{Construct: "monitoring"}
	r.Empty("RulesProps.Release.Name", p.Release.Name)
	r.Empty("RulesProps.Release.Namespace", p.Release.Namespace)
	positive := func(field string, v int) {
		if v < 1 {
			r.Refuse("RulesProps.%s is %d, not at least 1", field, v)
		}
	}
	percent := func(field string, v int) {
		if v < 1 || v > 100 {
			r.Refuse("RulesProps.%s is %d, not a percentage from 1 to 100", field, v)
		}
	}
	if p.Gateway {
		percent("Gateway5xxPercent", p.Gateway5xxPercent)
		positive("GatewayLatencyP99Milliseconds", p.GatewayLatencyP99Milliseconds)
	}
	positive("RestartsPer15Minutes", p.RestartsPer15Minutes)
	percent("VolumeUsagePercent", p.VolumeUsagePercent)
	if p.LedgerWriter {
		positive("LedgerBatchTimeoutSeconds", p.LedgerBatchTimeoutSeconds)
	}
	if p.Kafka {
		positive("ConsumerLagMessages", p.ConsumerLagMessages)
	}
	r.Check()
}
