package consumers_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/consumers"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
	"github.com/aws/constructs-go/constructs/v10"
)

var endpoints = wiring.Endpoints{
	Kafka:    wiring.KafkaEndpoint{Peer: wiring.Pods("kafka"), BootstrapServers: "kafka:9092,kafka-1:9093"},
	Database: wiring.DatabaseEndpoint{Peer: wiring.Pods("postgres"), Host: "db", Port: 5432, Name: "caracal", User: "app", Password: kube.SecretKey{Name: "s", Key: "pg"}},
	Redis:    wiring.RedisEndpoint{Peer: wiring.Pods("redis"), Host: "redis", Port: 6379, Password: kube.SecretKey{Name: "s", Key: "r"}},
}

func common(replicas int) consumers.Common {
	return consumers.Common{
		Release:   kube.Release{Name: "caracal", Namespace: "ns1", Version: "0.3.0", ClusterDomain: "cluster.local"},
		Image:     kube.Image{Repository: "ghcr.io/caracal/caracal-core", Tag: "0.3.0", PullPolicy: "Always"},
		Endpoints: endpoints,
		Replicas:  replicas,
		Resources: kube.Resources{Requests: kube.ResourceList{CPU: "100m", Memory: "128Mi", EphemeralStorage: "64Mi"}, Limits: kube.ResourceList{CPU: "1", Memory: "256Mi", EphemeralStorage: "256Mi"}},
	}
}

// buildAll adds the three consumers, by name.
func buildAll(t *testing.T) (manifest.Objects, map[string]*consumers.Consumer) {
	made := map[string]*consumers.Consumer{}
	objs := manifest.Construct(t, func(scope constructs.Construct) {
		made["caracal-ledger-writer"] = consumers.NewLedgerWriter(scope, "lw", consumers.LedgerWriterProps{Common: common(2), BatchSizeLimit: 500, BatchTimeoutSeconds: 60, SigningKeySecret: "merkle"})
		made["caracal-metrics-aggregator"] = consumers.NewMetricsAggregator(scope, "ma", consumers.MetricsAggregatorProps{Common: common(3), MetricsPort: 9191})
		made["caracal-audit-logger"] = consumers.NewAuditLogger(scope, "al", consumers.AuditLoggerProps{Common: common(1)})
	})
	return objs, made
}

func TestConsumers(t *testing.T) {
	objs, _ := buildAll(t)
	for _, tc := range []struct {
		name, group, topics, command string
		replicas, grace              int
	}{
		{"caracal-ledger-writer", "caracal-ledger-writer", consumers.LedgerTopic, "ledger-writer", 2, 120},
		{"caracal-metrics-aggregator", "caracal-metrics-aggregator", consumers.MeteringTopic, "metrics-aggregator", 3, 60},
		{"caracal-audit-logger", "caracal-audit-logger", consumers.AuditTopic, "audit-logger", 1, 60},
	} {
		dep := objs.Must(t, "Deployment", tc.name)
		if dep.Int("spec.replicas") != tc.replicas {
			t.Errorf("%s: replicas %d", tc.name, dep.Int("spec.replicas"))
		}
		spec := objs.PodSpecs()["Deployment/"+tc.name]
		for _, p := range manifest.PodProblems(spec) {
			t.Errorf("%s: %s", tc.name, p)
		}
		// Long enough to commit offsets, and for the ledger writer to
		// flush its open batch, after SIGTERM.
		if spec.Int("terminationGracePeriodSeconds") != tc.grace {
			t.Errorf("%s: grace %d, want %d", tc.name, spec.Int("terminationGracePeriodSeconds"), tc.grace)
		}
		cfg := objs.Must(t, "ConfigMap", tc.name+"-config")
		if cfg.Str("data.CARACAL_CONSUMER_GROUP") != tc.group || cfg.Str("data.CARACAL_CONSUMER_TOPICS") != tc.topics || cfg.Str("data.KAFKA_BOOTSTRAP_SERVERS") != "kafka:9092,kafka-1:9093" {
			t.Errorf("%s: config %v", tc.name, cfg["data"])
		}
		if cmd := fmt.Sprint(manifest.Containers(spec)[tc.command]["command"]); cmd != "[caracal consumer "+tc.command+"]" {
			t.Errorf("%s: command %s", tc.name, cmd)
		}
		_, hasPDB := objs.Find("PodDisruptionBudget", tc.name)
		if hasPDB != (tc.replicas > 1) {
			t.Errorf("%s: a disruption budget exactly when replicas exceed one (%v)", tc.name, hasPDB)
		}
	}
}

// The ledger writer's batches and key, the aggregator's port, the
// consumers' metrics Services.
func TestConsumerSpecifics(t *testing.T) {
	objs, _ := buildAll(t)
	lw := objs.Must(t, "ConfigMap", "caracal-ledger-writer-config")
	if lw.Str("data.CARACAL_MERKLE_BATCH_SIZE_LIMIT") != "500" || lw.Str("data.CARACAL_MERKLE_BATCH_TIMEOUT_SECONDS") != "60" || lw.Str("data.CARACAL_MERKLE_SIGNING_KEY_FILE") != "/etc/caracal/merkle/merkle_signing_key.pem" {
		t.Errorf("ledger writer config %v", lw["data"])
	}
	spec := objs.PodSpecs()["Deployment/caracal-ledger-writer"]
	if spec.Str("volumes[merkle-keys].secret.secretName") != "merkle" || spec.Str("volumes[merkle-keys].secret.items.0.key") != "merkle_signing_key.pem" {
		t.Errorf("merkle key volume: %v", spec["volumes"])
	}
	if v, _ := manifest.Containers(spec)["ledger-writer"].Get("volumeMounts[merkle-keys].readOnly"); v != true {
		t.Error("the signing key is mounted read-only")
	}
	svc := objs.Must(t, "Service", "caracal-metrics-aggregator")
	if svc.Int("spec.ports[metrics].port") != 9191 || objs.Must(t, "ConfigMap", "caracal-metrics-aggregator-config").Str("data.CARACAL_METRICS_PORT") != "9191" {
		t.Errorf("metrics aggregator port: %v", svc["spec"])
	}
	for _, name := range []string{"caracal-ledger-writer-metrics", "caracal-audit-logger-metrics"} {
		if objs.Must(t, "Service", name).Int("spec.ports[metrics].port") != consumers.MetricsPort {
			t.Errorf("%s: metrics Service", name)
		}
	}
}

// The minimal props: one replica, and the aggregator on MetricsPort.
func TestConsumersMinimalProps(t *testing.T) {
	c := consumers.Common{
		Release:   kube.Release{Name: "r", Namespace: "ns", ClusterDomain: "example.org"},
		Image:     kube.Image{Repository: "caracal", Tag: "1", PullPolicy: "IfNotPresent"},
		Endpoints: endpoints,
	}
	objs := manifest.Construct(t, func(scope constructs.Construct) {
		consumers.NewLedgerWriter(scope, "lw", consumers.LedgerWriterProps{Common: c, BatchSizeLimit: 1, BatchTimeoutSeconds: 1, SigningKeySecret: "k"})
		consumers.NewMetricsAggregator(scope, "ma", consumers.MetricsAggregatorProps{Common: c})
		consumers.NewAuditLogger(scope, "al", consumers.AuditLoggerProps{Common: c})
	})
	for _, name := range []string{"caracal-ledger-writer", "caracal-metrics-aggregator", "caracal-audit-logger"} {
		if objs.Must(t, "Deployment", name).Int("spec.replicas") != 1 {
			t.Errorf("%s: one replica by default", name)
		}
		if _, ok := objs.Find("PodDisruptionBudget", name); ok {
			t.Errorf("%s: no disruption budget for one replica", name)
		}
	}
	if objs.Must(t, "Service", "caracal-metrics-aggregator").Int("spec.ports[metrics].port") != consumers.MetricsPort {
		t.Error("the aggregator serves on MetricsPort by default")
	}
}

// Zero values without a default are refused at construction, each with
// its field named.
func TestConsumersErrors(t *testing.T) {
	ledger := func(change func(*consumers.LedgerWriterProps)) func() {
		return func() {
			p := consumers.LedgerWriterProps{Common: common(1), BatchSizeLimit: 1, BatchTimeoutSeconds: 1, SigningKeySecret: "k"}
			change(&p)
			manifest.Construct(t, func(scope constructs.Construct) { consumers.NewLedgerWriter(scope, "lw", p) })
		}
	}
	for fragment, build := range map[string]func(){
		"ledger-writer: LedgerWriterProps.Release.Name is empty": ledger(func(p *consumers.LedgerWriterProps) { p.Release.Name = "" }),
		"LedgerWriterProps.Image.Repository is empty":            ledger(func(p *consumers.LedgerWriterProps) { p.Image.Repository = "" }),
		"LedgerWriterProps.Endpoints.Kafka.Peer is empty":        ledger(func(p *consumers.LedgerWriterProps) { p.Endpoints.Kafka.Peer = wiring.Peer{} }),
		"LedgerWriterProps.Endpoints.Redis.Password.Name is":     ledger(func(p *consumers.LedgerWriterProps) { p.Endpoints.Redis.Password.Name = "" }),
		"LedgerWriterProps.Replicas is -1, below 1":              ledger(func(p *consumers.LedgerWriterProps) { p.Replicas = -1 }),
		"LedgerWriterProps.BatchSizeLimit is 0, below 1":         ledger(func(p *consumers.LedgerWriterProps) { p.BatchSizeLimit = 0 }),
		"LedgerWriterProps.BatchTimeoutSeconds is 0, below 1":    ledger(func(p *consumers.LedgerWriterProps) { p.BatchTimeoutSeconds = 0 }),
		"LedgerWriterProps.SigningKeySecret is empty":            ledger(func(p *consumers.LedgerWriterProps) { p.SigningKeySecret = "" }),
		"LedgerWriterProps.Autoscaling is set: a consumer scales with its partitions": ledger(func(p *consumers.LedgerWriterProps) {
			p.Autoscaling = &workload.Autoscaling{MinReplicas: 1, MaxReplicas: 3, TargetCPUUtilizationPercentage: 80}
		}),
		"metrics-aggregator: MetricsAggregatorProps.Release.Namespace is empty": func() {
			c := common(1)
			c.Release.Namespace = ""
			manifest.Construct(t, func(scope constructs.Construct) {
				consumers.NewMetricsAggregator(scope, "ma", consumers.MetricsAggregatorProps{Common: c})
			})
		},
		"MetricsAggregatorProps.MetricsPort is 99999": func() {
			manifest.Construct(t, func(scope constructs.Construct) {
				consumers.NewMetricsAggregator(scope, "ma", consumers.MetricsAggregatorProps{Common: common(1), MetricsPort: 99999})
			})
		},
		"audit-logger: AuditLoggerProps.Image.Tag is empty": func() {
			c := common(1)
			c.Image.Tag = ""
			manifest.Construct(t, func(scope constructs.Construct) {
				consumers.NewAuditLogger(scope, "al", consumers.AuditLoggerProps{Common: c})
			})
		},
		"AuditLoggerProps.Endpoints.Database.Host is empty": func() {
			manifest.Construct(t, func(scope constructs.Construct) { consumers.NewAuditLogger(scope, "al", consumers.AuditLoggerProps{}) })
		},
	} {
		manifest.MustPanic(t, fragment, build)
	}
}

// Each reaches the datastores in order (Kafka on every bootstrap port),
// is scraped, and reads the passwords and its own keys.
func TestConsumersReport(t *testing.T) {
	_, made := buildAll(t)
	for name, c := range made {
		component := strings.TrimPrefix(name, "caracal-")
		secrets := []kube.SecretKey{{Name: "s", Key: "pg"}, {Name: "s", Key: "r"}}
		if component == consumers.LedgerWriterComponent {
			secrets = append(secrets, kube.SecretKey{Name: "merkle", Key: "merkle_signing_key.pem"})
		}
		report := wiring.Report{
			Component: component,
			Flows: []wiring.Flow{
				{From: wiring.Pods(component), To: wiring.Pods("postgres"), Ports: []int{5432}},
				{From: wiring.Pods(component), To: wiring.Pods("redis"), Ports: []int{6379}},
				{From: wiring.Pods(component), To: wiring.Pods("kafka"), Ports: []int{9092, 9093}},
			},
			Scrapes: []wiring.Scrape{{Component: component, Port: "metrics", Path: "/metrics"}},
			Secrets: secrets,
		}
		if got := c.Report(); !reflect.DeepEqual(got, report) {
			t.Errorf("%s: report\n%+v\nwant\n%+v", name, got, report)
		}
	}
	if len(made) != 3 {
		t.Errorf("%d consumers", len(made))
	}
}
