package kafka_test

import (
	"reflect"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/internal/expansion"
	"caracal.dev/caracal-cdk8s/constructs/kafka"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
	"github.com/aws/constructs-go/constructs/v10"
)

var exporterImage = kube.Image{Repository: "docker.io/danielqsj/kafka-exporter", Tag: "v1.9.0", PullPolicy: "Always"}

// managed is a Kafka outside the cluster, with TLS and SASL.
var managed = wiring.KafkaEndpoint{Peer: wiring.Outside("kafka"), BootstrapServers: "b1:9096,b2:9096", TLS: true, SASLMechanism: "SCRAM-SHA-512",
	SASLUsername: kube.SecretKey{Name: "sasl", Key: "username"}, SASLPassword: kube.SecretKey{Name: "sasl", Key: "password"}}

func exporter(t *testing.T, k wiring.KafkaEndpoint) (manifest.Objects, *kafka.Exporter) {
	var e *kafka.Exporter
	objs := manifest.Construct(t, func(scope constructs.Construct) {
		e = kafka.NewExporter(scope, "exporter", kafka.ExporterProps{Release: release, Image: exporterImage, Kafka: k})
	})
	return objs, e
}

func TestExporter(t *testing.T) {
	objs, e := exporter(t, wiring.KafkaEndpoint{Peer: wiring.Pods("kafka"), BootstrapServers: "caracal-kafka.ns1.svc.example.local:9092"})
	if got := objs.Summary(); got != "ServiceAccount/caracal-kafka-exporter, Deployment/caracal-kafka-exporter, Service/caracal-kafka-exporter" {
		t.Fatalf("objects: %s", got)
	}
	spec := objs.PodSpecs()["Deployment/caracal-kafka-exporter"]
	for _, p := range manifest.PodProblems(spec) {
		t.Error(p)
	}
	c := manifest.Containers(spec)["kafka-exporter"]
	if manifest.Sprint(c["args"]) != "[--kafka.server=caracal-kafka.ns1.svc.example.local:9092 --web.listen-address=:9308]" {
		t.Errorf("args %v", c["args"])
	}
	if objs.Must(t, "Service", "caracal-kafka-exporter").Int("spec.ports[metrics].port") != kafka.ExporterPort {
		t.Error("the Service serves the metrics port")
	}
	// It reaches the brokers it watches and is scraped; it reads no Secret.
	want := wiring.Report{
		Component: "kafka-exporter",
		Flows:     []wiring.Flow{{From: wiring.Pods("kafka-exporter"), To: wiring.Pods("kafka"), Ports: []int{9092}}},
		Scrapes:   []wiring.Scrape{{Component: "kafka-exporter", Port: "metrics", Path: "/metrics"}},
	}
	if got := e.Report(); !reflect.DeepEqual(got, want) {
		t.Errorf("report %+v\nwant %+v", got, want)
	}
}

// Against a managed Kafka the exporter speaks TLS and SASL, its password
// from the Secret; it reaches every port of the bootstrap list, and
// reports the Secret keys it reads.
func TestExporterOfAManagedKafka(t *testing.T) {
	objs, e := exporter(t, managed)
	c := manifest.Containers(objs.PodSpecs()["Deployment/caracal-kafka-exporter"])["kafka-exporter"]
	if got := manifest.Sprint(c["args"]); got != "[--kafka.server=b1:9096 --kafka.server=b2:9096 --tls.enabled --sasl.enabled --sasl.mechanism=scram-sha512 --sasl.username=$(KAFKA_SASL_USERNAME) --sasl.password=$(KAFKA_SASL_PASSWORD) --web.listen-address=:9308]" {
		t.Errorf("args %s", got)
	}
	if env := manifest.Env(c); env["KAFKA_SASL_PASSWORD"].Str("valueFrom.secretKeyRef.name") != "sasl" {
		t.Errorf("env %v", env)
	}
	r := e.Report()
	if want := []wiring.Flow{{From: wiring.Pods("kafka-exporter"), To: wiring.Outside("kafka"), Ports: []int{9096}}}; !reflect.DeepEqual(r.Flows, want) {
		t.Errorf("flows %+v", r.Flows)
	}
	if want := []kube.SecretKey{{Name: "sasl", Key: "password"}, {Name: "sasl", Key: "username"}}; !reflect.DeepEqual(r.Secrets, want) {
		t.Errorf("secrets %+v", r.Secrets)
	}
}

// Only the exporter's own references expand: a bootstrap server that
// names the password variable stays text.
func TestExporterArgsExpandOnlyTheCredentials(t *testing.T) {
	k := managed
	k.BootstrapServers, k.TLS, k.SASLMechanism = "$(KAFKA_SASL_PASSWORD):9096", false, "PLAIN"
	objs, _ := exporter(t, k)
	c := manifest.Containers(objs.PodSpecs()["Deployment/caracal-kafka-exporter"])["kafka-exporter"]
	var args []string
	for _, a := range c["args"].([]any) {
		args = append(args, expansion.Expand(a.(string), expansion.Defined))
	}
	if got := strings.Join(args, " "); got != "--kafka.server=$(KAFKA_SASL_PASSWORD):9096 --sasl.enabled --sasl.mechanism=plain --sasl.username=<KAFKA_SASL_USERNAME> --sasl.password=<KAFKA_SASL_PASSWORD> --web.listen-address=:9308" {
		t.Errorf("the exporter runs with %s", got)
	}
}

// Props without a default are refused with the field named.
func TestExporterErrors(t *testing.T) {
	for _, tc := range []struct {
		want string
		edit func(*kafka.ExporterProps)
	}{
		{"kafka: ExporterProps.Release.Namespace is empty", func(p *kafka.ExporterProps) { p.Release.Namespace = "" }},
		{"kafka: ExporterProps.Image.Tag is empty", func(p *kafka.ExporterProps) { p.Image.Tag = "" }},
		{"kafka: ExporterProps.Kafka.Peer is empty", func(p *kafka.ExporterProps) { p.Kafka.Peer = wiring.Peer{} }},
		{"kafka: ExporterProps.Kafka.BootstrapServers is empty", func(p *kafka.ExporterProps) { p.Kafka.BootstrapServers = "" }},
		{`the bootstrap server "b2" has no port`, func(p *kafka.ExporterProps) { p.Kafka.BootstrapServers = "b1:9096,b2" }},
	} {
		p := kafka.ExporterProps{Release: release, Image: exporterImage, Kafka: managed}
		tc.edit(&p)
		manifest.MustPanic(t, tc.want, func() {
			manifest.Construct(t, func(scope constructs.Construct) { kafka.NewExporter(scope, "exporter", p) })
		})
	}
}
