package monitoring

import (
	"fmt"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/imports/monitoringcoreoscom"
	"github.com/aws/constructs-go/constructs/v10"
)

// Thresholds of the alerts.
type Thresholds struct {
	Gateway5xxPercent             int
	GatewayLatencyP99Milliseconds int
	ConsumerLagMessages           int
	RestartsPer15Minutes          int
	VolumeUsagePercent            int
}

// RulesProps configures the PrometheusRule.
type RulesProps struct {
	Release kube.Release
	// Name of the PrometheusRule. Default: caracal-alerts.
	Name   string
	Labels map[string]string
	Thresholds
	// LedgerBatchTimeoutSeconds is the ledger writer's batch timeout: no
	// batch for twice as long means it is stalled.
	LedgerBatchTimeoutSeconds int
	// Kafka adds the alerts read from kafka_exporter (consumer lag,
	// under-replicated partitions).
	Kafka bool
}

// Alert is one alerting rule.
type Alert struct {
	Group, Name, Expr, For, Severity, Summary string
}

// Alerts lists the alerting rules, in order: exported for tests and docs.
func Alerts(p RulesProps) []Alert {
	// The namespace is a PromQL string literal in every matcher.
	ns := kube.PromQLString(p.Release.Namespace)
	alerts := []Alert{
		{"caracal-gateway", "CaracalGatewayErrorRateHigh",
			fmt.Sprintf(`sum(rate(caracal_gateway_http_requests_total{namespace=%s,code=~"5.."}[5m])) / sum(rate(caracal_gateway_http_requests_total{namespace=%s}[5m])) * 100 > %d`, ns, ns, p.Gateway5xxPercent),
			"5m", "critical", fmt.Sprintf("More than %d%% of the gateway's responses are server errors.", p.Gateway5xxPercent)},
		{"caracal-gateway", "CaracalGatewayLatencyHigh",
			fmt.Sprintf(`histogram_quantile(0.99, sum by (le) (rate(caracal_gateway_http_request_duration_seconds_bucket{namespace=%s}[5m]))) * 1000 > %d`, ns, p.GatewayLatencyP99Milliseconds),
			"10m", "warning", fmt.Sprintf("The gateway's 99th percentile latency is above %d ms.", p.GatewayLatencyP99Milliseconds)},
		{"caracal-ledger", "CaracalLedgerWriterStalled",
			fmt.Sprintf(`sum(increase(caracal_ledger_batches_committed_total{namespace=%s}[%ds])) == 0`, ns, 2*p.LedgerBatchTimeoutSeconds),
			"5m", "critical", fmt.Sprintf("The ledger writer has committed no batch for %d seconds, twice its batch timeout.", 2*p.LedgerBatchTimeoutSeconds)},
		{"caracal-pods", "CaracalPodCrashLooping",
			fmt.Sprintf(`increase(kube_pod_container_status_restarts_total{namespace=%s,pod=~"caracal-.*"}[15m]) > %d`, ns, p.RestartsPer15Minutes),
			"0m", "warning", fmt.Sprintf("A container of {{ $labels.pod }} restarted more than %d times in 15 minutes.", p.RestartsPer15Minutes)},
		{"caracal-pods", "CaracalVolumeNearlyFull",
			fmt.Sprintf(`kubelet_volume_stats_used_bytes{namespace=%s,persistentvolumeclaim=~"(data-)?caracal-.*"} / kubelet_volume_stats_capacity_bytes{namespace=%s,persistentvolumeclaim=~"(data-)?caracal-.*"} * 100 > %d`, ns, ns, p.VolumeUsagePercent),
			"15m", "warning", fmt.Sprintf("The volume {{ $labels.persistentvolumeclaim }} is more than %d%% full.", p.VolumeUsagePercent)},
	}
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
func NewRules(scope constructs.Construct, id string, p RulesProps) monitoringcoreoscom.PrometheusRule {
	if p.Name == "" {
		p.Name = "caracal-alerts"
	}
	var groups []*monitoringcoreoscom.PrometheusRuleSpecGroups
	index := map[string]*monitoringcoreoscom.PrometheusRuleSpecGroups{}
	for _, a := range Alerts(p) {
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
	meta := p.Release.APIMeta(p.Name, "monitoring", p.Labels)
	return monitoringcoreoscom.NewPrometheusRule(scope, kube.Str(id), &monitoringcoreoscom.PrometheusRuleProps{
		Metadata: meta,
		Spec:     &monitoringcoreoscom.PrometheusRuleSpec{Groups: &groups},
	})
}
