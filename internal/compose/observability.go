package compose

import (
	"net"
	"slices"
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
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"caracal.dev/caracal-cdk8s/constructs/zookeeper"
	"caracal.dev/caracal-cdk8s/internal/values"
)

// monitoring adds a ServiceMonitor per component with metrics, the alert
// rules and the dashboard.
func (b *builder) monitoring() {
	v := b.v
	m := v.Monitoring
	c, rel := b.chart("monitoring", waveConfig)
	scrape := func(component string) {
		monitoring.NewServiceMonitor(c, component, monitoring.ServiceMonitorProps{
			Release: rel, Name: "caracal-" + component, Component: component,
			Port: workload.MetricsPort, Path: "/metrics", Interval: m.ScrapeInterval, Labels: m.Labels,
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
	if v.PostgreSQL.Enabled && v.PostgreSQL.Metrics.Enabled {
		out = append(out, postgres.Component)
	}
	if v.Redis.Enabled && v.Redis.Metrics.Enabled {
		out = append(out, redis.Component)
	}
	if v.Kafka.Metrics.Enabled {
		out = append(out, kafka.ExporterComponent)
	}
	return append(out, enabledApps(v)...)
}

// enabledApps are the Caracal processes that run, in order.
func enabledApps(v *values.Values) []string {
	var out []string
	for _, a := range []struct {
		on        bool
		component string
	}{
		{v.Gateway.Enabled, gateway.Component},
		{v.MCPAdapter.Enabled, mcpadapter.Component},
		{v.Consumers.LedgerWriter.Enabled, consumers.LedgerWriterComponent},
		{v.Consumers.MetricsAggregator.Enabled, consumers.MetricsAggregatorComponent},
		{v.Consumers.AuditLogger.Enabled, consumers.AuditLoggerComponent},
	} {
		if a.on {
			out = append(out, a.component)
		}
	}
	return out
}

// with returns a new list of list's items and then extra.
func with(list []string, extra ...string) []string {
	return append(append([]string{}, list...), extra...)
}

// networkPolicies allows exactly the flows of this configuration.
func (b *builder) networkPolicies() {
	v := b.v
	c, rel := b.chart("network", waveConfig)
	networkpolicy.NewPolicies(c, "policies", networkpolicy.Props{
		Release:                rel,
		DNSNamespace:           v.NetworkPolicy.DNSNamespace,
		MetricsNamespaceLabels: v.NetworkPolicy.MetricsNamespaceLabels,
		Flows:                  neededFlows(v),
		External: map[string][]string{
			"database": v.NetworkPolicy.ExternalDatabaseCIDRs,
			"redis":    v.NetworkPolicy.ExternalRedisCIDRs,
			"kafka":    v.NetworkPolicy.ExternalKafkaCIDRs,
		},
	})
}

// neededFlows are the connections a configuration needs: who talks to
// whom, on which TCP ports. The NetworkPolicies allow exactly these (and
// DNS, and scraping of the metrics ports).
func neededFlows(v *values.Values) []wiring.Flow {
	pods := wiring.Pods
	apps := enabledApps(v)

	// Each Job reaches only the datastore it works on.
	dbClients := with(apps, jobs.DatabaseMigrationComponent)
	if v.Jobs.DBInit.Enabled {
		dbClients = append(dbClients, jobs.DatabaseInitComponent)
	}
	if v.Upgrade.MerkleBackfill.Enabled {
		dbClients = append(dbClients, jobs.MerkleBackfillComponent)
	}
	kafkaClients := with(apps, jobs.KafkaTopicsComponent)
	if v.Kafka.Metrics.Enabled {
		kafkaClients = append(kafkaClients, kafka.ExporterComponent)
	}

	var flows []wiring.Flow
	to := func(clients []string, server wiring.Peer, ports ...int) {
		for _, c := range clients {
			flows = append(flows, wiring.Flow{From: pods(c), To: server, Ports: ports})
		}
	}
	// Clients come first, so each policy lists the client's flows in the
	// same order: PostgreSQL, Redis, Kafka, the gateway.
	if v.PostgreSQL.Enabled {
		pgClients := dbClients
		if v.PostgreSQL.Backup.Enabled {
			pgClients = with(dbClients, postgres.BackupComponent)
		}
		to(pgClients, pods(postgres.Component), postgres.Port)
	} else {
		to(dbClients, wiring.Outside("database"), v.ExternalDatabase.Port)
	}
	if v.Redis.Enabled {
		to(apps, pods(redis.Component), redis.Port)
	} else {
		to(apps, wiring.Outside("redis"), v.ExternalRedis.Port)
	}
	if v.Kafka.Enabled {
		// The brokers talk to each other on the client port too.
		to(with(kafkaClients, kafka.Component), pods(kafka.Component), kafka.Port)
		if v.Kafka.ZooKeeper.Enabled {
			to([]string{kafka.Component}, pods(zookeeper.Component), zookeeper.ClientPort)
			to([]string{zookeeper.Component}, pods(zookeeper.Component), zookeeper.PeerPort, zookeeper.ElectionPort)
		} else {
			to([]string{kafka.Component}, pods(kafka.Component), kafka.ControllerPort)
		}
	} else {
		to(kafkaClients, wiring.Outside("kafka"), kafkaPorts(v.ExternalKafka.BootstrapServers)...)
	}
	if v.Gateway.Enabled {
		flows = append(flows, wiring.Flow{From: wiring.Anywhere, To: pods(gateway.Component), Ports: []int{v.Gateway.Service.HTTPSPort}})
		if v.MCPAdapter.Enabled {
			to([]string{mcpadapter.Component}, pods(gateway.Component), v.Gateway.Service.HTTPSPort)
		}
	}
	if v.MCPAdapter.Enabled {
		flows = append(flows, wiring.Flow{From: wiring.Anywhere, To: pods(mcpadapter.Component), Ports: []int{v.MCPAdapter.Service.Port}})
	}
	return flows
}

// kafkaPorts are the distinct ports of a host:port list, in order, read
// as the values check reads them (which refuses a server without a port).
func kafkaPorts(servers string) []int {
	var out []int
	for _, s := range strings.Split(servers, ",") {
		_, port, err := net.SplitHostPort(strings.TrimSpace(s))
		if err != nil {
			continue
		}
		if p, err := strconv.Atoi(port); err == nil && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}
