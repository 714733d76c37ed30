// Package compose maps values onto construct props: the only place that
// knows both the values model and the constructs. Constructs stay reusable
// by any cdk8s app; values stay free of Kubernetes types.
package compose

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/consumers"
	"caracal.dev/caracal-cdk8s/constructs/flux"
	"caracal.dev/caracal-cdk8s/constructs/gateway"
	"caracal.dev/caracal-cdk8s/constructs/jobs"
	"caracal.dev/caracal-cdk8s/constructs/kafka"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/mcpadapter"
	"caracal.dev/caracal-cdk8s/constructs/namespace"
	"caracal.dev/caracal-cdk8s/constructs/postgres"
	"caracal.dev/caracal-cdk8s/constructs/priorityclass"
	"caracal.dev/caracal-cdk8s/constructs/redis"
	"caracal.dev/caracal-cdk8s/constructs/secrets"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
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

// Sync waves: Argo CD applies lower waves first and waits until each is
// healthy before the next. The namespace and the configuration, then the
// datastores, then each Job that prepares them, in the chart README's
// order, then the applications. The applications are the last wave on
// purpose: Argo CD does not wait for the health of the last wave, so a
// LoadBalancer Service that no controller ever gives an address (kind,
// bare metal) delays nothing; Argo CD shows it Progressing.
const (
	waveNamespace    = -2 // and the PriorityClass
	waveConfig       = -1 // Secrets, NetworkPolicies, monitoring
	waveDatastores   = 0
	waveDBInit       = 1
	waveDBMigrate    = 2
	waveTopics       = 3
	waveBackfill     = 4 // the Merkle backfill, after the migrations
	waveApplications = 5
)

// stages are the Flux Kustomizations: Flux applies a Kustomization's
// objects all at once, so each wave that must wait for the one before is a
// stage of its own, depending on the stage before it. The first stage
// holds every wave up to the datastores: Flux applies Namespaces and
// classes first by itself.
var stages = []struct {
	name     string
	lastWave int
}{
	{"base", waveDatastores},
	{"db-init", waveDBInit},
	{"db-migrate", waveDBMigrate},
	{"kafka-topics", waveTopics},
	{"merkle-backfill", waveBackfill},
	{"applications", waveApplications},
}

// stageOf is the Flux stage of a wave.
func stageOf(wave int) string {
	for _, s := range stages {
		if wave <= s.lastWave {
			return s.name
		}
	}
	panic(fmt.Sprintf("compose: wave %d is in no stage", wave))
}

const syncWave = "argocd.argoproj.io/sync-wave"

// keep marks the objects whose deletion deletes data, the Namespace and the
// backups' claim: Argo CD and Flux never prune them, nor does deleting the
// Application delete them. Removing one is a deliberate step by hand, as
// with Helm's resource-policy keep (a move of the Flux Kustomization that
// applies them, say, must not take the data with it).
var keep = map[string]string{
	"argocd.argoproj.io/sync-options":   "Prune=false,Delete=false",
	"kustomize.toolkit.fluxcd.io/prune": "disabled",
}

// FluxDir is the folder of the output that holds the Flux Kustomizations
// and, in a folder per stage, the kustomization.yaml of each stage.
const FluxDir = "flux"

// Chart is one chart of the app; it becomes the file <Name>.k8s.yaml, in
// Dir when that is set.
type Chart struct {
	Name  string
	Chart cdk8s.Chart
	// Warning, when set, heads the file: it holds something that needs a
	// reader's attention.
	Warning string
	// Stage is the Flux stage the chart's objects belong to ("" for the
	// Flux Kustomizations themselves, which only Flux reads).
	Stage string
	Dir   string
}

// Build adds one chart per component to app, in output order.
func Build(app constructs.Construct, v *values.Values) []Chart {
	b := &builder{app: app, v: v, release: kube.Release{
		Name:          ReleaseName,
		Namespace:     v.Global.Namespace,
		Version:       Version,
		ClusterDomain: v.Global.ClusterDomain,
	}}
	if v.Namespace.Create {
		c, rel := b.chart("namespace", waveNamespace)
		namespace.NewNamespace(c, "namespace", namespace.Props{Release: rel.With(keep)})
	}
	b.priority = b.priorityClass()
	switch v.Secrets.Mode {
	case values.SecretsInline:
		b.inlineSecrets()
	case values.SecretsExternal:
		b.externalSecrets()
	}
	if v.NetworkPolicy.Enabled {
		b.networkPolicies()
	}
	if v.Monitoring.Enabled {
		b.monitoring()
	}
	endpoints := b.datastores()
	b.jobs(endpoints)
	b.applications(endpoints)
	if v.Flux.Enabled {
		b.flux()
	}
	return b.charts
}

type builder struct {
	app     constructs.Construct
	v       *values.Values
	release kube.Release
	charts  []Chart
	// priority is the PriorityClass of the in-cluster datastores.
	priority string
}

// chart adds a chart whose objects sync in wave, and returns it with the
// Release its constructs use. Names are explicit on every object, so the
// hash suffixes cdk8s would add are disabled for good measure.
func (b *builder) chart(name string, wave int) (cdk8s.Chart, kube.Release) {
	c := cdk8s.NewChart(b.app, kube.Str(name), &cdk8s.ChartProps{DisableResourceNameHashes: kube.Bool(true)})
	b.charts = append(b.charts, Chart{Name: name, Chart: c, Stage: stageOf(wave)})
	return c, b.release.With(map[string]string{syncWave: strconv.Itoa(wave)})
}

// priorityClass returns the PriorityClass of the in-cluster datastores
// ("" for none), and writes it when asked to and some datastore runs in
// the cluster.
func (b *builder) priorityClass() string {
	v := b.v
	pc := v.PriorityClass
	if !v.PostgreSQL.Enabled && !v.Redis.Enabled && !v.Kafka.Enabled {
		return ""
	}
	name := pc.Name
	if name == "" && pc.Create {
		name = v.Global.Namespace + "-datastores"
	}
	if pc.Create {
		c, rel := b.chart("priority-class", waveNamespace)
		priorityclass.NewPriorityClass(c, "priority-class", priorityclass.Props{Release: rel, Name: name, Value: pc.Value})
	}
	return name
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
	password := func(inCluster bool, used kube.SecretKey, defaultKey, remoteKey string) {
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
func (b *builder) datastores() wiring.Endpoints {
	v := b.v
	e := externalEndpoints(v)
	if p := v.PostgreSQL; p.Enabled {
		priority := b.priority
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
			PriorityClass:    priority,
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
				Storage:          kube.Storage{Size: string(bk.Persistence.Size), StorageClass: class},
				Resources:        resources(bk.Resources),
				ImagePullSecrets: v.Global.ImagePullSecrets,
				ClaimAnnotations: keep,
			})
		}
	}
	if r := v.Redis; r.Enabled {
		priority := b.priority
		c, rel := b.chart("redis", waveDatastores)
		e.Redis = redis.NewRedis(c, "redis", redis.Props{
			Release:          rel,
			Image:            image(r.Image),
			Password:         passwordKey(secrets.RedisPasswordKey),
			Storage:          b.storage(r.Persistence),
			Resources:        resources(r.Resources),
			ImagePullSecrets: v.Global.ImagePullSecrets,
			Exporter:         exporter(r.Metrics),
			PriorityClass:    priority,
		}).Endpoint()
	}
	if k := v.Kafka; k.Enabled {
		priority := b.priority
		c, rel := b.chart("kafka", waveDatastores)
		brokers := kafka.BrokerProps{
			Release:                  rel,
			Replicas:                 k.ReplicaCount,
			Image:                    image(k.Image),
			DefaultReplicationFactor: k.Config.DefaultReplicationFactor,
			MinInsyncReplicas:        k.Config.MinInsyncReplicas,
			Storage:                  b.storage(k.Persistence),
			Resources:                resources(k.Resources),
			ImagePullSecrets:         v.Global.ImagePullSecrets,
			PriorityClass:            priority,
		}
		if z := k.ZooKeeper; z.Enabled {
			ensemble := zookeeper.NewZooKeeper(c, "zookeeper", zookeeper.Props{
				Release:          rel,
				Replicas:         z.ReplicaCount,
				Image:            image(z.Image),
				Storage:          b.storage(z.Persistence),
				Resources:        resources(z.Resources),
				ImagePullSecrets: v.Global.ImagePullSecrets,
				PriorityClass:    priority,
			}).Endpoint()
			e.Kafka = kafka.NewZooKeeperMode(c, "kafka", kafka.ZooKeeperModeProps{BrokerProps: brokers, ZooKeeper: ensemble}).Endpoint()
		} else {
			e.Kafka = kafka.NewKRaft(c, "kafka", kafka.KRaftProps{BrokerProps: brokers}).Endpoint()
		}
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

// jobs adds the day-2 steps of the chart README as Jobs, each in its own
// wave, in the README's order: db init (once per database), the
// migrations, the topics, and the Merkle backfill when an upgrade from
// v0.2 asks for it.
func (b *builder) jobs(e wiring.Endpoints) {
	v := b.v
	j := v.Jobs
	common := func(wave int, img values.Image) (cdk8s.Chart, jobs.Common) {
		c, rel := b.chart(stageOf(wave), wave)
		return c, jobs.Common{
			Release: rel, Image: image(img), Endpoints: e,
			BackoffLimit: j.BackoffLimit, ActiveDeadlineSeconds: j.ActiveDeadlineSeconds, WaitTimeoutSeconds: j.WaitTimeoutSeconds,
			Resources: resources(j.Resources), ImagePullSecrets: v.Global.ImagePullSecrets,
		}
	}
	pg := image(v.PostgreSQL.Image)
	if j.DBInit.Enabled {
		c, cm := common(waveDBInit, j.DBInit.Image)
		jobs.NewDatabaseInit(c, "db-init", jobs.DatabaseProps{Common: cm, PostgresImage: pg})
	}
	c, cm := common(waveDBMigrate, v.Gateway.Image)
	jobs.NewDatabaseMigration(c, "db-migrate", jobs.DatabaseProps{Common: cm, PostgresImage: pg})
	c, cm = common(waveTopics, v.Gateway.Image)
	jobs.NewKafkaTopics(c, "kafka-topics", jobs.KafkaTopicsProps{Common: cm, KafkaImage: image(v.Kafka.Image)})
	if mb := v.Upgrade.MerkleBackfill; mb.Enabled {
		c, cm := common(waveBackfill, v.Gateway.Image)
		jobs.NewMerkleBackfill(c, "merkle-backfill", jobs.MerkleBackfillProps{
			DatabaseProps: jobs.DatabaseProps{Common: cm, PostgresImage: pg},
			SourceVersion: mb.SourceVersion, SigningKeySecret: v.Consumers.LedgerWriter.Merkle.SigningKeySecretName,
		})
	}
}

// flux adds the Flux Kustomizations, one per stage that holds objects,
// each depending on the stage before it (see stages).
func (b *builder) flux() {
	f := b.v.Flux
	c := cdk8s.NewChart(b.app, kube.Str("flux"), &cdk8s.ChartProps{DisableResourceNameHashes: kube.Bool(true)})
	previous := ""
	for _, s := range stages {
		if !slices.ContainsFunc(b.charts, func(ch Chart) bool { return ch.Stage == s.name }) {
			continue
		}
		name := b.v.Global.Namespace + "-" + s.name
		flux.NewStage(c, s.name, flux.StageProps{
			Release: b.release, Name: name, Namespace: f.Namespace,
			Path:      strings.TrimSuffix(f.Path, "/") + "/" + FluxDir + "/" + s.name,
			SourceRef: flux.SourceRef{Kind: f.SourceRef.Kind, Name: f.SourceRef.Name},
			DependsOn: previous, Interval: f.Interval, Timeout: f.Timeout,
		})
		previous = name
	}
	b.charts = append(b.charts, Chart{Name: "stages", Chart: c, Dir: FluxDir})
}

// applications adds the gateway, the MCP adapter and the consumers, wired
// to the datastores.
func (b *builder) applications(e wiring.Endpoints) {
	v := b.v
	pull := []string(v.Global.ImagePullSecrets)
	var gw *wiring.GatewayEndpoint
	if g := v.Gateway; g.Enabled {
		c, rel := b.chart("gateway", waveApplications)
		ep := gateway.NewGateway(c, "gateway", gateway.Props{
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
		}).Endpoint()
		gw = &ep
	}
	if m := v.MCPAdapter; m.Enabled {
		c, rel := b.chart("mcp-adapter", waveApplications)
		mcpadapter.NewMCPAdapter(c, "mcp-adapter", mcpadapter.Props{
			Release:          rel,
			Image:            image(m.Image),
			Endpoints:        e,
			Gateway:          gw,
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
		consumers.NewAuditLogger(chart, "audit-logger", consumers.AuditLoggerProps{Common: common(a.Image, a.ReplicaCount, a.Resources)})
	}
}

func (b *builder) storage(p values.Persistence) kube.Storage {
	return kube.Storage{Size: string(p.Size), StorageClass: b.v.Global.StorageClass}
}

// externalEndpoints are the managed datastores of the values: where they
// are, how to reach them, and where their credentials are.
func externalEndpoints(v *values.Values) wiring.Endpoints {
	secret := func(name, key, fallback string) kube.SecretKey {
		if name == "" {
			return passwordKey(fallback)
		}
		return kube.SecretKey{Name: name, Key: key}
	}
	db, rd, kf := v.ExternalDatabase, v.ExternalRedis, v.ExternalKafka
	e := wiring.Endpoints{
		Database: wiring.DatabaseEndpoint{
			Peer: wiring.Outside("database"),
			Host: db.Host, Port: db.Port, Name: db.Database, User: db.Username, SSLMode: db.SSLMode,
			Password: secret(db.ExistingSecret, db.ExistingSecretPasswordKey, secrets.PostgresPasswordKey),
		},
		Redis: wiring.RedisEndpoint{
			Peer: wiring.Outside("redis"),
			Host: rd.Host, Port: rd.Port, TLS: rd.TLS,
			Password: secret(rd.ExistingSecret, rd.ExistingSecretPasswordKey, secrets.RedisPasswordKey),
		},
		Kafka: wiring.KafkaEndpoint{Peer: wiring.Outside("kafka"), BootstrapServers: kf.BootstrapServers, TLS: kf.TLS},
	}
	if m := kf.SASL.Mechanism; m != "none" {
		e.Kafka.SASLMechanism = m
		e.Kafka.SASLUsername = kube.SecretKey{Name: kf.SASL.ExistingSecret, Key: "username"}
		e.Kafka.SASLPassword = kube.SecretKey{Name: kf.SASL.ExistingSecret, Key: "password"}
	}
	return e
}

// exporter is the image of an enabled exporter, else nil.
func exporter(e values.Exporter) *kube.Image {
	if !e.Enabled {
		return nil
	}
	img := image(e.Image)
	return &img
}

// autoscaling is nil when autoscaling is off.
func autoscaling(a values.Autoscaling) *workload.Autoscaling {
	if !a.Enabled {
		return nil
	}
	return &workload.Autoscaling{MinReplicas: a.MinReplicas, MaxReplicas: a.MaxReplicas, TargetCPUUtilizationPercentage: a.TargetCPUUtilizationPercentage}
}

func passwordKey(key string) kube.SecretKey {
	return kube.SecretKey{Name: secrets.DefaultName, Key: key}
}

func image(i values.Image) kube.Image {
	return kube.Image{Repository: i.Repository, Tag: i.Tag, PullPolicy: i.PullPolicy}
}

func resourceList(l values.ResourceList) kube.ResourceList {
	return kube.ResourceList{CPU: string(l.CPU), Memory: string(l.Memory), EphemeralStorage: string(l.EphemeralStorage)}
}

func resources(r values.Resources) kube.Resources {
	return kube.Resources{Requests: resourceList(r.Requests), Limits: resourceList(r.Limits)}
}
