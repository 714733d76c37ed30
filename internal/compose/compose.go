// Package compose maps values onto construct props: the only place that
// knows both the values model and the constructs. Constructs stay reusable
// by any cdk8s app; values stay free of Kubernetes types.
package compose

import (
	"slices"
	"strconv"

	"caracal.dev/caracal-cdk8s/constructs/consumers"
	"caracal.dev/caracal-cdk8s/constructs/gateway"
	"caracal.dev/caracal-cdk8s/constructs/jobs"
	"caracal.dev/caracal-cdk8s/constructs/kafka"
	"caracal.dev/caracal-cdk8s/constructs/mcpadapter"
	"caracal.dev/caracal-cdk8s/constructs/namespace"
	"caracal.dev/caracal-cdk8s/constructs/postgres"
	"caracal.dev/caracal-cdk8s/constructs/redis"
	"caracal.dev/caracal-cdk8s/constructs/secrets"
	"caracal.dev/caracal-cdk8s/constructs/shared"
	"caracal.dev/caracal-cdk8s/constructs/zookeeper"
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

// Sync waves: Argo CD applies lower waves first and waits until they are
// healthy. Configuration, then the datastores, then the Jobs that prepare
// them, then the applications.
const (
	waveNamespace    = -2
	waveConfig       = -1 // Secrets and NetworkPolicies
	waveDatastores   = 0
	waveJobs         = 1 // migrations and topics
	waveUpgrade      = 2 // the Merkle backfill, after the migrations
	waveApplications = 3
	waveMonitoring   = 4
)

// GitOps annotations.
const (
	syncWave = "argocd.argoproj.io/sync-wave"
	// The Jobs are Argo CD Sync hooks: they run on every sync, in their
	// wave, and are replaced (not patched) each time; Argo CD does not
	// recreate them when their TTL deletes them.
	hook       = "argocd.argoproj.io/hook"
	hookDelete = "argocd.argoproj.io/hook-delete-policy"
	fluxForce  = "kustomize.toolkit.fluxcd.io/force" // Flux recreates what it cannot patch
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
	if v.Namespace.Create {
		c, rel := b.chart("namespace", waveNamespace)
		namespace.NewNamespace(c, "namespace", rel)
	}
	switch v.Secrets.Mode {
	case values.SecretsInline:
		b.inlineSecrets()
	case values.SecretsExternal:
		b.externalSecrets()
	}
	if v.NetworkPolicy.Enabled {
		b.networkPolicies()
	}
	endpoints := b.datastores()
	b.jobs(endpoints)
	b.applications(endpoints)
	if v.Monitoring.Enabled {
		b.monitoring()
	}
	return b.charts
}

type builder struct {
	app     constructs.Construct
	v       *values.Values
	release shared.Release
	charts  []Chart
}

// chart adds a chart whose objects sync in wave, and returns it with the
// Release its constructs use. Names are explicit on every object, so the
// hash suffixes cdk8s would add are disabled for good measure.
func (b *builder) chart(name string, wave int) (cdk8s.Chart, shared.Release) {
	c := cdk8s.NewChart(b.app, shared.Str(name), &cdk8s.ChartProps{DisableResourceNameHashes: shared.Bool(true)})
	b.charts = append(b.charts, Chart{Name: name, Chart: c})
	return c, b.release.With(map[string]string{syncWave: strconv.Itoa(wave)})
}

func (b *builder) inlineSecrets() {
	v := b.v
	c, rel := b.chart("secrets", waveConfig)
	b.charts[len(b.charts)-1].Warning = "DEVELOPMENT ONLY: secrets.mode=inline writes the passwords below in clear text.\n" +
		"Anyone who can read this repository can read them. Use secrets.mode=existing in production."
	secrets.NewInlineSecret(c, "credentials", secrets.InlineProps{
		Release: rel,
		Data: map[string]string{
			secrets.PostgresPasswordKey: v.PostgreSQL.Auth.Password,
			secrets.RedisPasswordKey:    v.Redis.Auth.Password,
		},
	})
}

// externalSecrets syncs every Secret Caracal reads from the secret store,
// with the keys it reads: one ExternalSecret per Secret, since each owns
// its Secret.
func (b *builder) externalSecrets() {
	v := b.v
	es := v.Secrets.ExternalSecrets
	var names []string
	data := map[string][]secrets.RemoteValue{}
	need := func(secret string, values ...secrets.RemoteValue) {
		if _, ok := data[secret]; !ok {
			names = append(names, secret)
		}
		for _, rv := range values {
			if !slices.Contains(data[secret], rv) {
				data[secret] = append(data[secret], rv)
			}
		}
	}
	// The datastore passwords are in caracal-secrets, unless a managed
	// datastore names a Secret of its own.
	e := externalEndpoints(v)
	password := func(inCluster bool, used shared.SecretKey, defaultKey, remoteKey string) {
		if inCluster || used.Name == secrets.DefaultName {
			need(secrets.DefaultName, secrets.FromRemote(es.RemoteKeys.Credentials, defaultKey)...)
			return
		}
		need(used.Name, secrets.FromRemote(remoteKey, used.Key)...)
	}
	password(v.PostgreSQL.Enabled, e.Database.Password, secrets.PostgresPasswordKey, es.RemoteKeys.ExternalDatabase)
	password(v.Redis.Enabled, e.Redis.Password, secrets.RedisPasswordKey, es.RemoteKeys.ExternalRedis)
	if g := v.Gateway; g.Enabled {
		if keys := gateway.TLSSecretKeys(g.TLS.Enabled, g.AuthMode); len(keys) > 0 {
			need(g.TLS.SecretName, secrets.FromRemote(es.RemoteKeys.TLS, keys...)...)
		}
		if g.AuthMode == values.AuthAPIKey {
			need(g.APIKeys.SecretName, secrets.FromRemote(es.RemoteKeys.APIKeys, gateway.APIKeysKey)...)
		}
	}
	if v.Consumers.LedgerWriter.Enabled || v.Upgrade.MerkleBackfill.Enabled {
		need(v.Consumers.LedgerWriter.Merkle.SigningKeySecretName, secrets.FromRemote(es.RemoteKeys.MerkleKeys, secrets.MerkleSigningKey)...)
	}
	if k := e.Kafka; !v.Kafka.Enabled && k.SASLMechanism != "" {
		need(k.SASLUsername.Name, secrets.FromRemote(es.RemoteKeys.KafkaSASL, k.SASLUsername.Key, k.SASLPassword.Key)...)
	}

	c, rel := b.chart("secrets", waveConfig)
	for _, name := range names {
		secrets.NewExternalSecret(c, name, secrets.ExternalProps{
			Release: rel, Name: name, Data: data[name], RefreshInterval: es.RefreshInterval,
			Store: secrets.Store{Name: es.StoreRef.Name, Cluster: es.StoreRef.Kind == "ClusterSecretStore"},
		})
	}
}

// datastores adds the in-cluster datastores that are enabled and returns
// where every datastore is: from the constructs, or the external
// endpoints of the values.
func (b *builder) datastores() shared.Endpoints {
	v := b.v
	e := externalEndpoints(v)
	if p := v.PostgreSQL; p.Enabled {
		c, rel := b.chart("postgres", waveDatastores)
		e.Database = postgres.NewPostgres(c, "postgres", postgres.Props{
			Release:          rel,
			Image:            image(p.Image),
			Database:         p.Auth.Database,
			Username:         p.Auth.Username,
			Password:         passwordKey(secrets.PostgresPasswordKey),
			Storage:          b.storage(p.Persistence),
			Resources:        resources(p.Resources),
			ImagePullSecrets: v.Global.ImagePullSecrets,
			Exporter:         exporter(p.Metrics),
		}).Endpoint()
		if bk := p.Backup; bk.Enabled {
			class := bk.Persistence.StorageClass
			if class == "" {
				class = v.Global.StorageClass
			}
			postgres.NewBackup(c, "backup", postgres.BackupProps{
				Release:          rel,
				Image:            image(p.Image),
				Database:         e.Database,
				Schedule:         bk.Schedule,
				Retention:        bk.Retention,
				Storage:          shared.Storage{Size: string(bk.Persistence.Size), StorageClass: class},
				Resources:        resources(bk.Resources),
				ImagePullSecrets: v.Global.ImagePullSecrets,
			})
		}
	}
	if r := v.Redis; r.Enabled {
		c, rel := b.chart("redis", waveDatastores)
		e.Redis = redis.NewRedis(c, "redis", redis.Props{
			Release:          rel,
			Image:            image(r.Image),
			Password:         passwordKey(secrets.RedisPasswordKey),
			Storage:          b.storage(r.Persistence),
			Resources:        resources(r.Resources),
			ImagePullSecrets: v.Global.ImagePullSecrets,
			Exporter:         exporter(r.Metrics),
		}).Endpoint()
	}
	if k := v.Kafka; k.Enabled {
		c, rel := b.chart("kafka", waveDatastores)
		connect := ""
		if z := k.ZooKeeper; z.Enabled {
			connect = zookeeper.NewZooKeeper(c, "zookeeper", zookeeper.Props{
				Release:          rel,
				Replicas:         z.ReplicaCount,
				Image:            image(z.Image),
				Storage:          b.storage(z.Persistence),
				Resources:        resources(z.Resources),
				ImagePullSecrets: v.Global.ImagePullSecrets,
			}).ConnectString()
		}
		e.Kafka = kafka.NewKafka(c, "kafka", kafka.Props{
			ZooKeeper:                connect,
			Release:                  rel,
			Replicas:                 k.ReplicaCount,
			Image:                    image(k.Image),
			DefaultReplicationFactor: k.Config.DefaultReplicationFactor,
			MinInsyncReplicas:        k.Config.MinInsyncReplicas,
			Storage:                  b.storage(k.Persistence),
			Resources:                resources(k.Resources),
			ImagePullSecrets:         v.Global.ImagePullSecrets,
		}).Endpoint()
	}
	// The exporter watches the Kafka Caracal uses, in the cluster or not:
	// it is the one source of consumer lag.
	if k := v.Kafka; k.Metrics.Enabled {
		c, rel := b.chart("kafka-exporter", waveDatastores)
		kafka.NewExporter(c, "exporter", kafka.ExporterProps{
			Release: rel, Image: image(k.Metrics.Image), Kafka: e.Kafka, ImagePullSecrets: v.Global.ImagePullSecrets,
		})
	}
	return e
}

// jobs adds the day-2 steps of the chart README as Jobs: migrations and
// topics, and the Merkle backfill when an upgrade from v0.2 asks for it.
func (b *builder) jobs(e shared.Endpoints) {
	v := b.v
	j := v.Jobs
	c, rel := b.chart("jobs", waveJobs)
	common := jobs.Common{
		Release: rel, Image: image(v.Gateway.Image), Endpoints: e,
		BackoffLimit: j.BackoffLimit, ActiveDeadlineSeconds: j.ActiveDeadlineSeconds,
		TTLSecondsAfterFinished: j.TTLSecondsAfterFinished, WaitTimeoutSeconds: j.WaitTimeoutSeconds,
		Resources: resources(j.Resources), ImagePullSecrets: v.Global.ImagePullSecrets,
		Annotations: map[string]string{hook: "Sync", hookDelete: "BeforeHookCreation", fluxForce: "enabled"},
	}
	jobs.NewDatabaseMigration(c, "db-migrate", jobs.DatabaseMigrationProps{Common: common, PostgresImage: image(v.PostgreSQL.Image)})
	jobs.NewKafkaTopics(c, "kafka-topics", jobs.KafkaTopicsProps{Common: common, KafkaImage: image(v.Kafka.Image)})
	if mb := v.Upgrade.MerkleBackfill; mb.Enabled {
		backfill := common
		backfill.Release = b.release.With(map[string]string{syncWave: strconv.Itoa(waveUpgrade)})
		jobs.NewMerkleBackfill(c, "merkle-backfill", jobs.MerkleBackfillProps{
			Common: backfill, PostgresImage: image(v.PostgreSQL.Image),
			SourceVersion: mb.SourceVersion, SigningKeySecret: v.Consumers.LedgerWriter.Merkle.SigningKeySecretName,
		})
	}
}

// applications adds the gateway, the MCP adapter and the consumers, wired
// to the datastores.
func (b *builder) applications(e shared.Endpoints) {
	v := b.v
	pull := []string(v.Global.ImagePullSecrets)
	gatewayURL := ""
	if g := v.Gateway; g.Enabled {
		c, rel := b.chart("gateway", waveApplications)
		gatewayURL = gateway.NewGateway(c, "gateway", gateway.Props{
			Release:          rel,
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
		c, rel := b.chart("mcp-adapter", waveApplications)
		mcpadapter.NewMCPAdapter(c, "mcp-adapter", mcpadapter.Props{
			Release:          rel,
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
	chart, rel := b.chart("consumers", waveApplications)
	common := func(img values.Image, replicas int, res values.Resources) consumers.Common {
		return consumers.Common{Release: rel, Image: image(img), Endpoints: e, Replicas: replicas, Resources: resources(res), ImagePullSecrets: pull}
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

// externalEndpoints are the managed datastores of the values: where they
// are, how to reach them, and where their credentials are.
func externalEndpoints(v *values.Values) shared.Endpoints {
	secret := func(name, key, fallback string) shared.SecretKey {
		if name == "" {
			return passwordKey(fallback)
		}
		return shared.SecretKey{Name: name, Key: key}
	}
	db, rd, kf := v.ExternalDatabase, v.ExternalRedis, v.ExternalKafka
	e := shared.Endpoints{
		Database: shared.DatabaseEndpoint{
			Host: db.Host, Port: db.Port, Name: db.Database, User: db.Username, SSLMode: db.SSLMode,
			Password: secret(db.ExistingSecret, db.ExistingSecretPasswordKey, secrets.PostgresPasswordKey),
		},
		Redis: shared.RedisEndpoint{
			Host: rd.Host, Port: rd.Port, TLS: rd.TLS,
			Password: secret(rd.ExistingSecret, rd.ExistingSecretPasswordKey, secrets.RedisPasswordKey),
		},
		Kafka: shared.KafkaEndpoint{BootstrapServers: kf.BootstrapServers, TLS: kf.TLS},
	}
	if m := kf.SASL.Mechanism; m != "none" {
		e.Kafka.SASLMechanism = m
		e.Kafka.SASLUsername = shared.SecretKey{Name: kf.SASL.ExistingSecret, Key: "username"}
		e.Kafka.SASLPassword = shared.SecretKey{Name: kf.SASL.ExistingSecret, Key: "password"}
	}
	return e
}

// exporter is the image of an enabled exporter, else nil.
func exporter(e values.Exporter) *shared.Image {
	if !e.Enabled {
		return nil
	}
	img := image(e.Image)
	return &img
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
