package wiring

import (
	"fmt"

	"caracal.dev/caracal-cdk8s/constructs/kube"
)

// Endpoints are where Caracal's processes find their datastores, in the
// cluster or managed elsewhere. The datastore constructs produce them.
type Endpoints struct {
	Database DatabaseEndpoint
	Redis    RedisEndpoint
	Kafka    KafkaEndpoint
}

type DatabaseEndpoint struct {
	// Peer is who serves it: the pods of a component, or a server outside.
	Peer     Peer
	Host     string
	Port     int
	Name     string
	User     string
	Password kube.SecretKey
	// SSLMode is libpq's sslmode; "disable" in the cluster.
	SSLMode string
}

type RedisEndpoint struct {
	Peer     Peer
	Host     string
	Port     int
	Password kube.SecretKey
	TLS      bool
}

type KafkaEndpoint struct {
	Peer Peer
	// BootstrapServers is a comma-separated host:port list.
	BootstrapServers string
	TLS              bool
	// SASLMechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; "" for none,
	// else SASLUsername and SASLPassword hold the credentials.
	SASLMechanism              string
	SASLUsername, SASLPassword kube.SecretKey
}

// SecurityProtocol is Kafka's security.protocol for the endpoint.
func (k KafkaEndpoint) SecurityProtocol() string {
	switch {
	case k.TLS && k.SASLMechanism != "":
		return "SASL_SSL"
	case k.TLS:
		return "SSL"
	case k.SASLMechanism != "":
		return "SASL_PLAINTEXT"
	}
	return "PLAINTEXT"
}

// DatastoreConfig is the settings every Caracal process shares: where its
// datastores are and how to reach them, under the names the Caracal CLI
// reads (DB_HOST, ...).
func DatastoreConfig(e Endpoints) (config map[string]string, secrets map[string]kube.SecretKey) {
	config = map[string]string{
		"DB_HOST":                 e.Database.Host,
		"DB_PORT":                 fmt.Sprint(e.Database.Port),
		"DB_NAME":                 e.Database.Name,
		"DB_USER":                 e.Database.User,
		"DB_SSLMODE":              e.Database.SSLMode,
		"REDIS_HOST":              e.Redis.Host,
		"REDIS_PORT":              fmt.Sprint(e.Redis.Port),
		"REDIS_TLS":               fmt.Sprint(e.Redis.TLS),
		"KAFKA_BOOTSTRAP_SERVERS": e.Kafka.BootstrapServers,
		"KAFKA_SECURITY_PROTOCOL": e.Kafka.SecurityProtocol(),
	}
	secrets = map[string]kube.SecretKey{
		"DB_PASSWORD":    e.Database.Password,
		"REDIS_PASSWORD": e.Redis.Password,
	}
	if e.Kafka.SASLMechanism != "" {
		config["KAFKA_SASL_MECHANISM"] = e.Kafka.SASLMechanism
		for name, key := range KafkaSASLSecrets(e.Kafka) {
			secrets[name] = key
		}
	}
	return config, secrets
}

// KafkaSASLSecrets are the variables of the SASL credentials. The
// mechanism must be one Kafka knows: it also goes into a client
// properties file (written at run time) and picks the JAAS login module.
func KafkaSASLSecrets(k KafkaEndpoint) map[string]kube.SecretKey {
	switch k.SASLMechanism {
	case "":
		return nil
	case "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512":
	default:
		panic(fmt.Sprintf("wiring: the SASL mechanism %q is not PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", k.SASLMechanism))
	}
	return map[string]kube.SecretKey{"KAFKA_SASL_USERNAME": k.SASLUsername, "KAFKA_SASL_PASSWORD": k.SASLPassword}
}
