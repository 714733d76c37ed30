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
}

type RedisEndpoint struct {
	Host     string
	Port     int
	Password SecretKey
}

type KafkaEndpoint struct {
	// BootstrapServers is a comma-separated host:port list.
	BootstrapServers string
}
