package wiring

import (
	"fmt"
	"strings"
	"testing"
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
