package shared

// Endpoints are where Caracal's processes find their datastores, in the
// cluster or managed elsewhere. The datastore constructs produce them.
type Endpoints struct {
	Database DatabaseEndpoint
	Redis    RedisEndpoint
	Kafka    KafkaEndpoint
}

type DatabaseEndpoint struct {
	Host     string
	Port     int
	Name     string
	User     string
	Password SecretKey
	// SSLMode is libpq's sslmode; "disable" in the cluster.
	SSLMode string
}

type RedisEndpoint struct {
	Host     string
	Port     int
	Password SecretKey
	TLS      bool
}

type KafkaEndpoint struct {
	// BootstrapServers is a comma-separated host:port list.
	BootstrapServers string
	TLS              bool
	// SASLMechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; "" for none,
	// else SASLUsername and SASLPassword hold the credentials.
	SASLMechanism              string
	SASLUsername, SASLPassword SecretKey
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
