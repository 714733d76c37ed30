package kafka_test

import (
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kafka"
	"caracal.dev/caracal-cdk8s/constructs/shared"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/constructs-go/constructs/v10"
)

func TestExporter(t *testing.T) {
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		kafka.NewExporter(scope, "exporter", kafka.ExporterProps{
			Release: release, Image: shared.Image{Repository: "docker.io/danielqsj/kafka-exporter", Tag: "v1.9.0", PullPolicy: "Always"},
			BootstrapServers: "caracal-kafka.ns1.svc.example.local:9092",
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
