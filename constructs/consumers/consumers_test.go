package consumers_test

import (
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/consumers"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/constructs-go/constructs/v10"
)

func common(replicas int) consumers.Common {
	return consumers.Common{
		Release:   kube.Release{Name: "caracal", Namespace: "ns1", Version: "0.3.0", ClusterDomain: "cluster.local"},
		Image:     kube.Image{Repository: "ghcr.io/caracal/caracal-core", Tag: "0.3.0", PullPolicy: "Always"},
		Endpoints: wiring.Endpoints{Kafka: wiring.KafkaEndpoint{BootstrapServers: "kafka:9092"}, Database: wiring.DatabaseEndpoint{Password: kube.SecretKey{Name: "s", Key: "pg"}}, Redis: wiring.RedisEndpoint{Password: kube.SecretKey{Name: "s", Key: "r"}}},
		Replicas:  replicas,
		Resources: kube.Resources{Requests: kube.ResourceList{CPU: "100m", Memory: "128Mi", EphemeralStorage: "64Mi"}, Limits: kube.ResourceList{CPU: "1", Memory: "256Mi", EphemeralStorage: "256Mi"}},
	}
}

func TestConsumers(t *testing.T) {
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		consumers.NewLedgerWriter(scope, "lw", consumers.LedgerWriterProps{Common: common(2), BatchSizeLimit: 500, BatchTimeoutSeconds: 60, SigningKeySecret: "merkle"})
		consumers.NewMetricsAggregator(scope, "ma", consumers.MetricsAggregatorProps{Common: common(3), MetricsPort: 9191})
		consumers.NewAuditLogger(scope, "al", common(1))
	})
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
		for _, p := range testkit.PodProblems(spec) {
			t.Errorf("%s: %s", tc.name, p)
		}
		// Long enough to commit offsets, and for the ledger writer to
		// flush its open batch, after SIGTERM.
		if spec.Int("terminationGracePeriodSeconds") != tc.grace {
			t.Errorf("%s: grace %d, want %d", tc.name, spec.Int("terminationGracePeriodSeconds"), tc.grace)
		}
		cfg := objs.Must(t, "ConfigMap", tc.name+"-config")
		if cfg.Str("data.CARACAL_CONSUMER_GROUP") != tc.group || cfg.Str("data.CARACAL_CONSUMER_TOPICS") != tc.topics || cfg.Str("data.KAFKA_BOOTSTRAP_SERVERS") != "kafka:9092" {
			t.Errorf("%s: config %v", tc.name, cfg["data"])
		}
		if cmd := testkit.Sprint(testkit.Containers(spec)[tc.command]["command"]); cmd != "[caracal consumer "+tc.command+"]" {
			t.Errorf("%s: command %s", tc.name, cmd)
		}
		_, hasPDB := objs.Find("PodDisruptionBudget", tc.name)
		if hasPDB != (tc.replicas > 1) {
			t.Errorf("%s: a disruption budget exactly when replicas exceed one (%v)", tc.name, hasPDB)
		}
	}
	lw := objs.Must(t, "ConfigMap", "caracal-ledger-writer-config")
	if lw.Str("data.CARACAL_MERKLE_BATCH_SIZE_LIMIT") != "500" || lw.Str("data.CARACAL_MERKLE_BATCH_TIMEOUT_SECONDS") != "60" || lw.Str("data.CARACAL_MERKLE_SIGNING_KEY_FILE") != "/etc/caracal/merkle/merkle_signing_key.pem" {
		t.Errorf("ledger writer config %v", lw["data"])
	}
	spec := objs.PodSpecs()["Deployment/caracal-ledger-writer"]
	if spec.Str("volumes[merkle-keys].secret.secretName") != "merkle" || spec.Str("volumes[merkle-keys].secret.items.0.key") != "merkle_signing_key.pem" {
		t.Errorf("merkle key volume: %v", spec["volumes"])
	}
	if v, _ := testkit.Containers(spec)["ledger-writer"].Get("volumeMounts[merkle-keys].readOnly"); v != true {
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
