// Package compose maps values onto construct props: the only place that
// knows both the values model and the constructs. Constructs stay reusable
// by any cdk8s app; values stay free of Kubernetes types.
package compose

import (
	"caracal.dev/caracal-cdk8s/constructs/kafka"
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
	if v.PostgreSQL.Enabled {
		p := v.PostgreSQL
		postgres.NewPostgres(b.chart("postgres"), "postgres", postgres.Props{
			Release:          b.release,
			Image:            image(p.Image),
			Database:         p.Auth.Database,
			Username:         p.Auth.Username,
			Password:         passwordKey(secrets.PostgresPasswordKey),
			Storage:          b.storage(p.Persistence),
			Resources:        resources(p.Resources),
			ImagePullSecrets: v.Global.ImagePullSecrets,
		})
	}
	if v.Redis.Enabled {
		r := v.Redis
		redis.NewRedis(b.chart("redis"), "redis", redis.Props{
			Release:          b.release,
			Image:            image(r.Image),
			Password:         passwordKey(secrets.RedisPasswordKey),
			Storage:          b.storage(r.Persistence),
			Resources:        resources(r.Resources),
			ImagePullSecrets: v.Global.ImagePullSecrets,
		})
	}
	if v.Kafka.Enabled {
		k := v.Kafka
		kafka.NewKafka(b.chart("kafka"), "kafka", kafka.Props{
			Release:                  b.release,
			Replicas:                 k.ReplicaCount,
			Image:                    image(k.Image),
			DefaultReplicationFactor: k.Config.DefaultReplicationFactor,
			MinInsyncReplicas:        k.Config.MinInsyncReplicas,
			Storage:                  b.storage(k.Persistence),
			Resources:                resources(k.Resources),
			ImagePullSecrets:         v.Global.ImagePullSecrets,
		})
	}
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

func (b *builder) storage(p values.Persistence) shared.Storage {
	return shared.Storage{Size: string(p.Size), StorageClass: b.v.Global.StorageClass}
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
