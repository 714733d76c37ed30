package compose

import (
	"strconv"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/consumers"
	"caracal.dev/caracal-cdk8s/constructs/gateway"
	"caracal.dev/caracal-cdk8s/constructs/jobs"
	"caracal.dev/caracal-cdk8s/constructs/kafka"
	"caracal.dev/caracal-cdk8s/constructs/mcpadapter"
	"caracal.dev/caracal-cdk8s/constructs/monitoring"
	"caracal.dev/caracal-cdk8s/constructs/networkpolicy"
	"caracal.dev/caracal-cdk8s/constructs/postgres"
	"caracal.dev/caracal-cdk8s/constructs/redis"
	"caracal.dev/caracal-cdk8s/constructs/zookeeper"
	"caracal.dev/caracal-cdk8s/internal/values"
)

// monitoring adds a ServiceMonitor per component with metrics, the alert
// rules and the dashboard.
func (b *builder) monitoring() {
	v := b.v
	m := v.Monitoring
	c, rel := b.chart("monitoring", waveMonitoring)
	scrape := func(component string) {
		monitoring.NewServiceMonitor(c, component, monitoring.ServiceMonitorProps{
			Release: rel, Name: "caracal-" + component, Component: component, Interval: m.ScrapeInterval, Labels: m.Labels,
		})
	}
	for _, component := range b.metricsComponents() {
		scrape(component)
	}
	monitoring.NewRules(c, "rules", monitoring.RulesProps{
		Release: rel, Labels: m.Labels,
		Thresholds: monitoring.Thresholds{
			Gateway5xxPercent:             m.Alerts.Gateway5xxPercent,
			GatewayLatencyP99Milliseconds: m.Alerts.GatewayLatencyP99Milliseconds,
			ConsumerLagMessages:           m.Alerts.ConsumerLagMessages,
			RestartsPer15Minutes:          m.Alerts.RestartsPer15Minutes,
			VolumeUsagePercent:            m.Alerts.VolumeUsagePercent,
		},
		LedgerBatchTimeoutSeconds: v.Consumers.LedgerWriter.Merkle.BatchTimeoutSeconds,
		Kafka:                     v.Kafka.Metrics.Enabled,
	})
	if m.Dashboard.Enabled {
		monitoring.NewDashboard(c, "dashboard", monitoring.DashboardProps{Release: rel})
	}
}

// metricsComponents are the components that serve metrics, in order.
func (b *builder) metricsComponents() []string {
	v := b.v
	var out []string
	add := func(on bool, component string) {
		if on {
			out = append(out, component)
		}
	}
	add(v.PostgreSQL.Enabled && v.PostgreSQL.Metrics.Enabled, postgres.Component)
	add(v.Redis.Enabled && v.Redis.Metrics.Enabled, redis.Component)
	add(v.Kafka.Metrics.Enabled, kafka.ExporterComponent)
	add(v.Gateway.Enabled, gateway.Component)
	add(v.MCPAdapter.Enabled, mcpadapter.Component)
	add(v.Consumers.LedgerWriter.Enabled, consumers.LedgerWriterComponent)
	add(v.Consumers.MetricsAggregator.Enabled, consumers.MetricsAggregatorComponent)
	add(v.Consumers.AuditLogger.Enabled, consumers.AuditLoggerComponent)
	return out
}

// networkPolicies allows exactly the flows of this configuration.
func (b *builder) networkPolicies() {
	v := b.v
	c, rel := b.chart("network", waveConfig)
	networkpolicy.NewPolicies(c, "policies", networkpolicy.Props{
		Release:                rel,
		DNSNamespace:           v.NetworkPolicy.DNSNamespace,
		MetricsNamespaceLabels: v.NetworkPolicy.MetricsNamespaceLabels,
		Flows:                  Flows(v),
	})
}

// Flows are the connections a configuration needs: who talks to whom, on
// which TCP ports. The NetworkPolicies allow exactly these (and DNS, and
// scraping of the metrics ports).
func Flows(v *values.Values) []networkpolicy.Flow {
	pods := networkpolicy.Pods
	var apps []string
	app := func(on bool, component string) {
		if on {
			apps = append(apps, component)
		}
	}
	app(v.Gateway.Enabled, gateway.Component)
	app(v.MCPAdapter.Enabled, mcpadapter.Component)
	app(v.Consumers.LedgerWriter.Enabled, consumers.LedgerWriterComponent)
	app(v.Consumers.MetricsAggregator.Enabled, consumers.MetricsAggregatorComponent)
	app(v.Consumers.AuditLogger.Enabled, consumers.AuditLoggerComponent)

	// Each Job reaches only the datastore it works on.
	dbClients := append(append([]string{}, apps...), jobs.DatabaseMigrationComponent)
	if v.Upgrade.MerkleBackfill.Enabled {
		dbClients = append(dbClients, jobs.MerkleBackfillComponent)
	}
	kafkaClients := append(append([]string{}, apps...), jobs.KafkaTopicsComponent)

	var flows []networkpolicy.Flow
	to := func(clients []string, server networkpolicy.Peer, ports ...int) {
		for _, c := range clients {
			flows = append(flows, networkpolicy.Flow{From: pods(c), To: server, Ports: ports})
		}
	}
	// Clients come first, so each policy lists the client's flows in the
	// same order: PostgreSQL, Redis, Kafka, the gateway.
	if v.PostgreSQL.Enabled {
		pgClients := dbClients
		if v.PostgreSQL.Backup.Enabled {
			pgClients = append(append([]string{}, dbClients...), postgres.BackupComponent)
		}
		to(pgClients, pods(postgres.Component), postgres.Port)
	} else {
		to(dbClients, networkpolicy.Peer{CIDRs: v.NetworkPolicy.ExternalDatabaseCIDRs}, v.ExternalDatabase.Port)
	}
	if v.Redis.Enabled {
		to(apps, pods(redis.Component), redis.Port)
	} else {
		to(apps, networkpolicy.Peer{CIDRs: v.NetworkPolicy.ExternalRedisCIDRs}, v.ExternalRedis.Port)
	}
	if v.Kafka.Enabled {
		clients := append(append([]string{}, kafkaClients...), kafka.Component)
		if v.Kafka.Metrics.Enabled {
			clients = append(clients, kafka.ExporterComponent)
		}
		to(clients, pods(kafka.Component), kafka.Port)
		if v.Kafka.ZooKeeper.Enabled {
			to([]string{kafka.Component}, pods(zookeeper.Component), zookeeper.ClientPort)
			to([]string{zookeeper.Component}, pods(zookeeper.Component), zookeeper.PeerPort, zookeeper.ElectionPort)
		} else {
			to([]string{kafka.Component}, pods(kafka.Component), kafka.ControllerPort)
		}
	} else {
		clients := kafkaClients
		if v.Kafka.Metrics.Enabled {
			clients = append(append([]string{}, kafkaClients...), kafka.ExporterComponent)
		}
		to(clients, networkpolicy.Peer{CIDRs: v.NetworkPolicy.ExternalKafkaCIDRs}, kafkaPorts(v.ExternalKafka.BootstrapServers)...)
	}
	if v.Gateway.Enabled {
		flows = append(flows, networkpolicy.Flow{From: networkpolicy.Peer{Anywhere: true}, To: pods(gateway.Component), Ports: []int{v.Gateway.Service.HTTPSPort}})
		if v.MCPAdapter.Enabled {
			to([]string{mcpadapter.Component}, pods(gateway.Component), v.Gateway.Service.HTTPSPort)
		}
	}
	if v.MCPAdapter.Enabled {
		flows = append(flows, networkpolicy.Flow{From: networkpolicy.Peer{Anywhere: true}, To: pods(mcpadapter.Component), Ports: []int{v.MCPAdapter.Service.Port}})
	}
	return flows
}

// kafkaPorts are the distinct ports of a host:port list, in order.
func kafkaPorts(servers string) []int {
	var out []int
	seen := map[int]bool{}
	for _, s := range strings.Split(servers, ",") {
		i := strings.LastIndex(s, ":")
		if i < 0 {
			continue
		}
		if p, err := strconv.Atoi(strings.TrimSpace(s[i+1:])); err == nil && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
