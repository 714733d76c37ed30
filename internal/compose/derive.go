package compose

import (
	"slices"

	"caracal.dev/caracal-cdk8s/constructs/consumers"
	"caracal.dev/caracal-cdk8s/constructs/gateway"
	"caracal.dev/caracal-cdk8s/constructs/kafka"
	"caracal.dev/caracal-cdk8s/constructs/monitoring"
	"caracal.dev/caracal-cdk8s/constructs/networkpolicy"
	"caracal.dev/caracal-cdk8s/constructs/secrets"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/internal/values"
	"github.com/aws/constructs-go/constructs/v10"
)

// What follows is derived from the reports of the components built, in the
// order they were built: the NetworkPolicies allow their flows, the
// ServiceMonitors scrape their targets, the ExternalSecrets sync the
// Secret keys they read. No second list of components exists, so a new
// component brings its own policy, monitor and secrets.

// networkPolicies allows exactly the flows the components reported (and
// DNS, and scraping of the metrics ports).
func networkPolicies(scope constructs.Construct, c config, reports []wiring.Report) {
	v := c.v
	var order []string
	var flows []wiring.Flow
	for _, r := range reports {
		order = append(order, r.Component)
		flows = append(flows, r.Flows...)
	}
	networkpolicy.NewPolicies(scope, "policies", networkpolicy.Props{
		Release:                c.release,
		DNSNamespace:           v.NetworkPolicy.DNSNamespace,
		MetricsNamespaceLabels: v.NetworkPolicy.MetricsNamespaceLabels,
		Components:             order,
		Flows:                  flows,
		External: map[string][]string{
			external.Database: v.NetworkPolicy.ExternalDatabaseCIDRs,
			external.Redis:    v.NetworkPolicy.ExternalRedisCIDRs,
			external.Kafka:    v.NetworkPolicy.ExternalKafkaCIDRs,
		},
	})
}

// external names the servers outside the cluster in flows (wiring.Outside).
var external = struct{ Database, Redis, Kafka string }{"database", "redis", "kafka"}

// monitors adds a ServiceMonitor per scrape target reported, the alert
// rules (those of kafka_exporter only when it is scraped) and the
// dashboard.
func monitors(scope constructs.Construct, c config, reports []wiring.Report) {
	v := c.v
	m := v.Monitoring
	var scrapes []wiring.Scrape
	for _, r := range reports {
		scrapes = append(scrapes, r.Scrapes...)
	}
	// The alerts of a component read its metrics: they are there where it
	// is scraped.
	scraped := func(component string) bool {
		return slices.ContainsFunc(scrapes, func(s wiring.Scrape) bool { return s.Component == component })
	}
	for _, s := range scrapes {
		monitoring.NewServiceMonitor(scope, s.Component, monitoring.ServiceMonitorProps{
			Release: c.release, Name: "caracal-" + s.Component, Component: s.Component,
			Port: s.Port, Path: s.Path, Interval: m.ScrapeInterval, Labels: m.Labels,
		})
	}
	monitoring.NewRules(scope, "rules", monitoring.RulesProps{
		Release: c.release, Labels: m.Labels,
		Thresholds: monitoring.Thresholds{
			Gateway5xxPercent:             m.Alerts.Gateway5xxPercent,
			GatewayLatencyP99Milliseconds: m.Alerts.GatewayLatencyP99Milliseconds,
			ConsumerLagMessages:           m.Alerts.ConsumerLagMessages,
			RestartsPer15Minutes:          m.Alerts.RestartsPer15Minutes,
			VolumeUsagePercent:            m.Alerts.VolumeUsagePercent,
		},
		LedgerBatchTimeoutSeconds: v.Consumers.LedgerWriter.Merkle.BatchTimeoutSeconds,
		Gateway:                   scraped(gateway.Component),
		LedgerWriter:              scraped(consumers.LedgerWriterComponent),
		Kafka:                     scraped(kafka.ExporterComponent),
	})
	if m.Dashboard.Enabled {
		monitoring.NewDashboard(scope, "dashboard", monitoring.DashboardProps{Release: c.release})
	}
}

// externalSecrets syncs every Secret key the components read from the
// secret store: one ExternalSecret per Secret, since each owns its Secret,
// in the order the components first read them.
func externalSecrets(scope constructs.Construct, c config, reports []wiring.Report) {
	es := c.v.Secrets.ExternalSecrets
	var names []string
	data := map[string][]secrets.RemoteValue{}
	where := remoteKeys(c.v)
	for _, r := range reports {
		for _, k := range r.Secrets {
			if _, ok := data[k.Name]; !ok {
				names = append(names, k.Name)
			}
			rv := secrets.RemoteValue{Key: k.Key, RemoteKey: where(k.Name, k.Key), Property: k.Key}
			if !slices.Contains(data[k.Name], rv) {
				data[k.Name] = append(data[k.Name], rv)
			}
		}
	}
	for _, name := range names {
		secrets.NewExternalSecret(scope, name, secrets.ExternalProps{
			Release: c.release, Name: name, Data: data[name], RefreshInterval: es.RefreshInterval,
			Store: secrets.Store{Name: es.StoreRef.Name, Cluster: es.StoreRef.Kind == "ClusterSecretStore"},
		})
	}
}

// remoteKeys says where the store holds a key of a Secret: the values name
// a remote key for each role of a Secret Caracal reads, with the keys of
// that role (two roles may share one Secret, each key keeps its own). A
// key no role names is read from the remote key of its Secret's first
// role, and a Secret no role names from the remote key of its own name.
func remoteKeys(v *values.Values) func(secret, key string) string {
	rk := v.Secrets.ExternalSecrets.RemoteKeys
	type sk struct{ secret, key string }
	byKey := map[sk]string{}
	byName := map[string]string{}
	role := func(secret, remote string, keys ...string) {
		if secret == "" {
			return
		}
		for _, k := range keys {
			if _, ok := byKey[sk{secret, k}]; !ok {
				byKey[sk{secret, k}] = remote
			}
		}
		if _, ok := byName[secret]; !ok {
			byName[secret] = remote
		}
	}
	role(secrets.DefaultName, rk.Credentials, secrets.PostgresPasswordKey, secrets.RedisPasswordKey)
	role(v.ExternalDatabase.ExistingSecret, rk.ExternalDatabase, v.ExternalDatabase.ExistingSecretPasswordKey)
	role(v.ExternalRedis.ExistingSecret, rk.ExternalRedis, v.ExternalRedis.ExistingSecretPasswordKey)
	role(v.ExternalKafka.SASL.ExistingSecret, rk.KafkaSASL, "username", "password")
	role(v.Gateway.TLS.SecretName, rk.TLS, gateway.TLSCertKey, gateway.TLSKeyKey, gateway.TLSCAKey, gateway.JWTPublicKeyKey)
	role(v.Gateway.APIKeys.SecretName, rk.APIKeys, gateway.APIKeysKey)
	role(v.Consumers.LedgerWriter.Merkle.SigningKeySecretName, rk.MerkleKeys, secrets.MerkleSigningKey)
	return func(secret, key string) string {
		if r, ok := byKey[sk{secret, key}]; ok {
			return r
		}
		if r, ok := byName[secret]; ok {
			return r
		}
		return secret
	}
}
