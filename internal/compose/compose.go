// Package compose maps values onto construct props: the only place that
// knows both the values model and the constructs. Constructs stay reusable
// by any cdk8s app; values stay free of Kubernetes types.
package compose

import (
	"caracal.dev/caracal-cdk8s/constructs/consumers"
	"caracal.dev/caracal-cdk8s/constructs/gateway"
	"caracal.dev/caracal-cdk8s/constructs/kafka"
	"caracal.dev/caracal-cdk8s/constructs/mcpadapter"
	"caracal.dev/caracal-cdk8s/constructs/postgres"
	"caracal.dev/caracal-cdk8s/constructs/redis"
	"caracal.dev/caracal-cdk8s/constructs/secrets"
	"caracal.dev/caracal-cdk8s/constructs/shared"
	"caracal.dev/caracal-cdk8s/internal/values"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

const (
	// ReleaseName is app.kubernetes.io/instance, as `helm install caracal`.
	ReleaseName = "caracal"
	// Version is the Caracal version this app deploys.
	Version = "0.3.0"
)

// Chart is one chart of the app; it becomes the file <Name>.k8s.yaml.
type Chart struct {
	Name  string
	Chart cdk8s.Chart
	// Warning, when set, heads the file: it holds something that needs a
	// reader's attention.
	Warning string
}

// Build adds one chart per component to app, in output order.
func Build(app constructs.Construct, v *values.Values) []Chart {
	b := &builder{app: app, v: v, release: shared.Release{
		Name:          ReleaseName,
		Namespace:     v.Global.Namespace,
		Version:       Version,
		ClusterDomain: v.Global.ClusterDomain,
	}}
	if v.Secrets.Mode == values.SecretsInline {
		b.inlineSecrets()
	}
	endpoints := b.datastores()
	b.applications(endpoints)
	return b.charts
}

type builder struct {
	app     constructs.Construct
	v       *values.Values
	release shared.Release
	charts  []Chart
}

// chart adds a chart. Names are explicit on every object, so the hash
// suffixes cdk8s would add are disabled for good measure.
func (b *builder) chart(name string) cdk8s.Chart {
	c := cdk8s.NewChart(b.app, shared.Str(name), &cdk8s.ChartProps{DisableResourceNameHashes: shared.Bool(true)})
	b.charts = append(b.charts, Chart{Name: name, Chart: c})
	return c
}

func (b *builder) inlineSecrets() {
	v := b.v
	c := b.chart("secrets")
	b.charts[len(b.charts)-1].Warning = "DEVELOPMENT ONLY: secrets.mode=inline writes the passwords below in clear text.\n" +
		"Anyone who can read this repository can read them. Use secrets.mode=existing in production."
	secrets.NewInlineSecret(c, "credentials", secrets.InlineProps{
		Release: b.release,
		Data: map[string]string{
			secrets.PostgresPasswordKey: v.PostgreSQL.Auth.Password,
			secrets.RedisPasswordKey:    v.Redis.Auth.Password,
		},
	})
}

// datastores adds the in-cluster datastores that are enabled and returns
// where every datastore is: from the constructs, or the external
// endpoints of the values.
func (b *builder) datastores() shared.Endpoints {
	v := b.v
	e := shared.Endpoints{
		Database: shared.DatabaseEndpoint{
			Host: v.ExternalDatabase.Host, Port: v.ExternalDatabase.Port,
			Name: v.ExternalDatabase.Database, User: v.ExternalDatabase.Username,
			Password: passwordKey(secrets.PostgresPasswordKey),
		},
		Redis: shared.RedisEndpoint{Host: v.ExternalRedis.Host, Port: v.ExternalRedis.Port, Password: passwordKey(secrets.RedisPasswordKey)},
		Kafka: shared.KafkaEndpoint{BootstrapServers: v.ExternalKafka.BootstrapServers},
	}
	if p := v.PostgreSQL; p.Enabled {
		e.Database = postgres.NewPostgres(b.chart("postgres"), "postgres", postgres.Props{
			Release:          b.release,
			Image:            image(p.Image),
			Database:         p.Auth.Database,
			Username:         p.Auth.Username,
			Password:         passwordKey(secrets.PostgresPasswordKey),
			Storage:          b.storage(p.Persistence),
			Resources:        resources(p.Resources),
			ImagePullSecrets: v.Global.ImagePullSecrets,
		}).Endpoint()
	}
	if r := v.Redis; r.Enabled {
		e.Redis = redis.NewRedis(b.chart("redis"), "redis", redis.Props{
			Release:          b.release,
			Image:            image(r.Image),
			Password:         passwordKey(secrets.RedisPasswordKey),
			Storage:          b.storage(r.Persistence),
			Resources:        resources(r.Resources),
			ImagePullSecrets: v.Global.ImagePullSecrets,
		}).Endpoint()
	}
	if k := v.Kafka; k.Enabled {
		e.Kafka = kafka.NewKafka(b.chart("kafka"), "kafka", kafka.Props{
			Release:                  b.release,
			Replicas:                 k.ReplicaCount,
			Image:                    image(k.Image),
			DefaultReplicationFactor: k.Config.DefaultReplicationFactor,
			MinInsyncReplicas:        k.Config.MinInsyncReplicas,
			Storage:                  b.storage(k.Persistence),
			Resources:                resources(k.Resources),
			ImagePullSecrets:         v.Global.ImagePullSecrets,
		}).Endpoint()
	}
	return e
}

// applications adds the gateway, the MCP adapter and the consumers, wired
// to the datastores.
func (b *builder) applications(e shared.Endpoints) {
	v := b.v
	pull := []string(v.Global.ImagePullSecrets)
	gatewayURL := ""
	if g := v.Gateway; g.Enabled {
		gatewayURL = gateway.NewGateway(b.chart("gateway"), "gateway", gateway.Props{
			Release:          b.release,
			Image:            image(g.Image),
			Endpoints:        e,
			ServiceType:      g.Service.Type,
			HTTPSPort:        g.Service.HTTPSPort,
			MetricsPort:      g.Service.MetricsPort,
			AuthMode:         g.AuthMode,
			TLS:              g.TLS.Enabled,
			TLSSecret:        g.TLS.SecretName,
			APIKeysSecret:    g.APIKeys.SecretName,
			Replicas:         g.ReplicaCount,
			Autoscaling:      autoscaling(g.Autoscaling),
			Resources:        resources(g.Resources),
			ImagePullSecrets: pull,
		}).URL()
	}
	if m := v.MCPAdapter; m.Enabled {
		mcpadapter.NewMCPAdapter(b.chart("mcp-adapter"), "mcp-adapter", mcpadapter.Props{
			Release:          b.release,
			Image:            image(m.Image),
			Endpoints:        e,
			GatewayURL:       gatewayURL,
			ServiceType:      m.Service.Type,
			Port:             m.Service.Port,
			MetricsPort:      m.Service.MetricsPort,
			Replicas:         m.ReplicaCount,
			Autoscaling:      autoscaling(m.Autoscaling),
			Resources:        resources(m.Resources),
			ImagePullSecrets: pull,
		})
	}
	c := v.Consumers
	if !c.LedgerWriter.Enabled && !c.MetricsAggregator.Enabled && !c.AuditLogger.Enabled {
		return
	}
	chart := b.chart("consumers")
	common := func(img values.Image, replicas int, res values.Resources) consumers.Common {
		return consumers.Common{Release: b.release, Image: image(img), Endpoints: e, Replicas: replicas, Resources: resources(res), ImagePullSecrets: pull}
	}
	if l := c.LedgerWriter; l.Enabled {
		consumers.NewLedgerWriter(chart, "ledger-writer", consumers.LedgerWriterProps{
			Common:              common(l.Image, l.ReplicaCount, l.Resources),
			BatchSizeLimit:      l.Merkle.BatchSizeLimit,
			BatchTimeoutSeconds: l.Merkle.BatchTimeoutSeconds,
			SigningKeySecret:    l.Merkle.SigningKeySecretName,
		})
	}
	if m := c.MetricsAggregator; m.Enabled {
		consumers.NewMetricsAggregator(chart, "metrics-aggregator", consumers.MetricsAggregatorProps{
			Common:      common(m.Image, m.ReplicaCount, m.Resources),
			MetricsPort: m.MetricsPort,
		})
	}
	if a := c.AuditLogger; a.Enabled {
		consumers.NewAuditLogger(chart, "audit-logger", common(a.Image, a.ReplicaCount, a.Resources))
	}
}

func (b *builder) storage(p values.Persistence) shared.Storage {
	return shared.Storage{Size: string(p.Size), StorageClass: b.v.Global.StorageClass}
}

// autoscaling is nil when autoscaling is off.
func autoscaling(a values.Autoscaling) *shared.Autoscaling {
	if !a.Enabled {
		return nil
	}
	return &shared.Autoscaling{MinReplicas: a.MinReplicas, MaxReplicas: a.MaxReplicas, TargetCPUUtilizationPercentage: a.TargetCPUUtilizationPercentage}
}

func passwordKey(key string) shared.SecretKey {
	return shared.SecretKey{Name: secrets.DefaultName, Key: key}
}

func image(i values.Image) shared.Image {
	return shared.Image{Repository: i.Repository, Tag: i.Tag, PullPolicy: i.PullPolicy}
}

func resourceList(l values.ResourceList) shared.ResourceList {
	return shared.ResourceList{CPU: string(l.CPU), Memory: string(l.Memory), EphemeralStorage: string(l.EphemeralStorage)}
}

func resources(r values.Resources) shared.Resources {
	return shared.Resources{Requests: resourceList(r.Requests), Limits: resourceList(r.Limits)}
}
