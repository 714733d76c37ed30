package kafka_test

import (
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/internal/expansion"
	"caracal.dev/caracal-cdk8s/constructs/kafka"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/constructs-go/constructs/v10"
)

func TestExporter(t *testing.T) {
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		kafka.NewExporter(scope, "exporter", kafka.ExporterProps{
			Release: release, Image: kube.Image{Repository: "docker.io/danielqsj/kafka-exporter", Tag: "v1.9.0", PullPolicy: "Always"},
			Kafka: wiring.KafkaEndpoint{BootstrapServers: "caracal-kafka.ns1.svc.example.local:9092"},
		})
	})
	if got := objs.Summary(); got != "ServiceAccount/caracal-kafka-exporter, Deployment/caracal-kafka-exporter, Service/caracal-kafka-exporter" {
		t.Fatalf("objects: %s", got)
	}
	spec := objs.PodSpecs()["Deployment/caracal-kafka-exporter"]
	for _, p := range testkit.PodProblems(spec) {
		t.Error(p)
	}
	c := testkit.Containers(spec)["kafka-exporter"]
	if testkit.Sprint(c["args"]) != "[--kafka.server=caracal-kafka.ns1.svc.example.local:9092 --web.listen-address=:9308]" {
		t.Errorf("args %v", c["args"])
	}
	if objs.Must(t, "Service", "caracal-kafka-exporter").Int("spec.ports[metrics].port") != kafka.ExporterPort {
		t.Error("the Service serves the metrics port")
	}
}

// Against a managed Kafka the exporter speaks TLS and SASL, its password
// from the Secret.
func TestExporterOfAManagedKafka(t *testing.T) {
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		kafka.NewExporter(scope, "exporter", kafka.ExporterProps{
			Release: release, Image: kube.Image{Repository: "docker.io/danielqsj/kafka-exporter", Tag: "v1.9.0", PullPolicy: "Always"},
			Kafka: wiring.KafkaEndpoint{BootstrapServers: "b1:9096,b2:9096", TLS: true, SASLMechanism: "SCRAM-SHA-512",
				SASLUsername: kube.SecretKey{Name: "sasl", Key: "username"}, SASLPassword: kube.SecretKey{Name: "sasl", Key: "password"}},
		})
	})
	c := testkit.Containers(objs.PodSpecs()["Deployment/caracal-kafka-exporter"])["kafka-exporter"]
	if got := testkit.Sprint(c["args"]); got != "[--kafka.server=b1:9096 --kafka.server=b2:9096 --tls.enabled --sasl.enabled --sasl.mechanism=scram-sha512 --sasl.username=$(KAFKA_SASL_USERNAME) --sasl.password=$(KAFKA_SASL_PASSWORD) --web.listen-address=:9308]" {
		t.Errorf("args %s", got)
	}
	if env := testkit.Env(c); env["KAFKA_SASL_PASSWORD"].Str("valueFrom.secretKeyRef.name") != "sasl" {
		t.Errorf("env %v", env)
	}
}

// Only the exporter's own references expand: a bootstrap server that
// names the password variable stays text.
func TestExporterArgsExpandOnlyTheCredentials(t *testing.T) {
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		kafka.NewExporter(scope, "exporter", kafka.ExporterProps{
			Release: release, Image: kube.Image{Repository: "docker.io/danielqsj/kafka-exporter", Tag: "v1.9.0", PullPolicy: "Always"},
			Kafka: wiring.KafkaEndpoint{BootstrapServers: "$(KAFKA_SASL_PASSWORD):9096", SASLMechanism: "PLAIN",
				SASLUsername: kube.SecretKey{Name: "sasl", Key: "username"}, SASLPassword: kube.SecretKey{Name: "sasl", Key: "password"}},
		})
	})
	c := testkit.Containers(objs.PodSpecs()["Deployment/caracal-kafka-exporter"])["kafka-exporter"]
	var args []string
	for _, a := range c["args"].([]any) {
		args = append(args, expansion.Expand(a.(string), expansion.Defined))
	}
	if got := strings.Join(args, " "); got != "--kafka.server=$(KAFKA_SASL_PASSWORD):9096 --sasl.enabled --sasl.mechanism=plain --sasl.username=<KAFKA_SASL_USERNAME> --sasl.password=<KAFKA_SASL_PASSWORD> --web.listen-address=:9308" {
		t.Errorf("the exporter runs with %s", got)
	}
}
