package wiring

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
)

// The SASL mechanism goes into a properties file at run time: only
// Kafka's own names pass.
func TestKafkaSASLMechanism(t *testing.T) {
	for _, m := range []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
		if len(KafkaSASLSecrets(KafkaEndpoint{SASLMechanism: m})) != 2 {
			t.Errorf("%s: no credentials", m)
		}
	}
	for _, m := range []string{"plain", "PLAIN\nsecurity.protocol=PLAINTEXT", "GSSAPI"} {
		func() {
			defer func() {
				if msg := recover(); msg == nil || !strings.Contains(fmt.Sprint(msg), "SASL mechanism") {
					t.Errorf("%q: %v", m, msg)
				}
			}()
			DatastoreConfig(Endpoints{Kafka: KafkaEndpoint{SASLMechanism: m}})
		}()
	}
}

// A client's flow goes to whoever serves the endpoint, on its ports; a
// Kafka client reaches every port of the bootstrap list, each once.
func TestFlowsFollowTheEndpoints(t *testing.T) {
	e := Endpoints{
		Database: DatabaseEndpoint{Peer: Pods("postgres"), Port: 5432},
		Redis:    RedisEndpoint{Peer: Outside("redis"), Port: 6380},
		Kafka:    KafkaEndpoint{Peer: Outside("kafka"), BootstrapServers: "b1.example.com:9096, b2.example.com:9096,b3.example.com:9094"},
	}
	want := []Flow{
		{From: Pods("app"), To: Pods("postgres"), Ports: []int{5432}},
		{From: Pods("app"), To: Outside("redis"), Ports: []int{6380}},
		{From: Pods("app"), To: Outside("kafka"), Ports: []int{9096, 9094}},
	}
	if got := e.From("app"); !reflect.DeepEqual(got, want) {
		t.Errorf("flows %+v\nwant  %+v", got, want)
	}
	defer func() {
		if got := fmt.Sprint(recover()); !strings.Contains(got, "has no port") {
			t.Errorf("a bootstrap server without a port: panic %q", got)
		}
	}()
	KafkaEndpoint{BootstrapServers: "b1.example.com"}.Ports()
}

// Joined reports keep their flows and scrapes in order, each Secret key
// once, under the first report's component.
func TestJoin(t *testing.T) {
	a := Report{Component: "postgres", Scrapes: []Scrape{{"postgres", "metrics", "/metrics"}}, Secrets: []kube.SecretKey{{Name: "s", Key: "pg"}}}
	b := Report{Component: "postgres-exporter", Flows: []Flow{{From: Pods("x"), To: Pods("y"), Ports: []int{1}}}, Secrets: []kube.SecretKey{{Name: "s", Key: "pg"}, {Name: "s", Key: "other"}}}
	got := Join(a, b)
	want := Report{Component: "postgres", Flows: b.Flows, Scrapes: a.Scrapes, Secrets: []kube.SecretKey{{Name: "s", Key: "pg"}, {Name: "s", Key: "other"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%+v\nwant %+v", got, want)
	}
}
