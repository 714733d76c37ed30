package values

// Pinned images. Fully qualified so that runtimes that refuse short names
// (CRI-O) pull the same image as containerd.
const (
	caracalRepository = "ghcr.io/caracal/caracal-core"
	caracalTag        = "0.3.0"
	// dbInitTag is the version whose `caracal db init` creates a new
	// database's schema (the migrations then bring it to caracalTag). It
	// does not move with caracalTag: an install keeps its db-init Job, and
	// db init does not run again, when Caracal is upgraded.
	dbInitTag          = "0.3.0"
	postgresRepository = "docker.io/library/postgres"
	postgresTag        = "17.6"
	redisRepository    = "docker.io/library/redis"
	redisTag           = "7.4.5"
	kafkaRepository    = "docker.io/apache/kafka"
	kafkaTag           = "4.1.0"

	// The last Kafka line with ZooKeeper mode, and a ZooKeeper it supports.
	kafkaZooKeeperTag   = "3.9.1"
	zookeeperRepository = "docker.io/library/zookeeper"
	zookeeperTag        = "3.8.4"

	// Prometheus exporters of the datastores.
	postgresExporterRepository = "quay.io/prometheuscommunity/postgres-exporter"
	postgresExporterTag        = "v0.17.1"
	redisExporterRepository    = "docker.io/oliver006/redis_exporter"
	redisExporterTag           = "v1.67.0"
	kafkaExporterRepository    = "docker.io/danielqsj/kafka-exporter"
	kafkaExporterTag           = "v1.9.0"

	// The chart's default passwords. They stay the defaults so that Helm
	// values files keep their meaning, but they never reach dist/ unless the
	// user asks for inline secrets and explicitly accepts them.
	DefaultPostgresPassword = "caracal_dev_password_CHANGE_ME"
	DefaultRedisPassword    = "caracal_redis_password_CHANGE_ME"
)

// pullPolicy defaults to Always: with pinned tags it costs a manifest check,
// and it makes the kubelet re-check imagePullSecrets for every pod.
func image(repository, tag string) Image {
	return Image{Repository: repository, Tag: tag, PullPolicy: "Always"}
}

func resources(reqCPU, reqMem, reqEph, limCPU, limMem, limEph string) Resources {
	return Resources{
		Requests: ResourceList{CPU: Quantity(reqCPU), Memory: Quantity(reqMem), EphemeralStorage: Quantity(reqEph)},
		Limits:   ResourceList{CPU: Quantity(limCPU), Memory: Quantity(limMem), EphemeralStorage: Quantity(limEph)},
	}
}

// Defaults returns the built-in values: the Helm chart's defaults, plus
// safe defaults for everything the chart did not document.
func Defaults() *Values {
	return &Values{
		Global: Global{
			Namespace:        "caracal",
			ImagePullSecrets: PullSecrets{},
			StorageClass:     "",
			ClusterDomain:    "cluster.local",
		},
		Secrets: Secrets{
			Mode: SecretsExisting,
			ExternalSecrets: ExternalSecrets{
				StoreRef:        StoreRef{Kind: "ClusterSecretStore"},
				RefreshInterval: "1h",
				RemoteKeys: RemoteKeys{
					Credentials:      "caracal/credentials",
					TLS:              "caracal/tls",
					MerkleKeys:       "caracal/merkle-keys",
					APIKeys:          "caracal/api-keys",
					KafkaSASL:        "caracal/kafka-sasl",
					ExternalDatabase: "caracal/external-database",
					ExternalRedis:    "caracal/external-redis",
				},
			},
		},
		PostgreSQL: PostgreSQL{
			Enabled: true,
			Image:   image(postgresRepository, postgresTag),
			Auth: PostgresAuth{
				Database: "caracal",
				Username: "caracal",
				Password: DefaultPostgresPassword,
			},
			Persistence: Persistence{Size: "10Gi"},
			Resources:   resources("500m", "512Mi", "256Mi", "2000m", "2Gi", "1Gi"),
			Backup: Backup{
				Enabled:     true,
				Schedule:    "0 2 * * *",
				Retention:   7,
				Persistence: BackupPersistence{Size: "20Gi"},
				Resources:   resources("100m", "128Mi", "64Mi", "1000m", "512Mi", "256Mi"),
			},
			Metrics: Exporter{Image: image(postgresExporterRepository, postgresExporterTag)},
		},
		Redis: Redis{
			Enabled:     true,
			Image:       image(redisRepository, redisTag),
			Auth:        RedisAuth{Password: DefaultRedisPassword},
			Persistence: Persistence{Size: "10Gi"},
			Resources:   resources("250m", "256Mi", "64Mi", "1000m", "512Mi", "256Mi"),
			Metrics:     Exporter{Image: image(redisExporterRepository, redisExporterTag)},
		},
		Kafka: Kafka{
			Enabled:      true,
			ReplicaCount: 3,
			Image:        image(kafkaRepository, kafkaTag),
			Config: KafkaConfig{
				DefaultReplicationFactor: 3,
				MinInsyncReplicas:        2,
			},
			Persistence: Persistence{Size: "20Gi"},
			Resources:   resources("500m", "1Gi", "256Mi", "2000m", "2Gi", "1Gi"),
			// Consumer lag is only visible through the exporter.
			Metrics: KafkaExporter{Exporter: Exporter{Enabled: true, Image: image(kafkaExporterRepository, kafkaExporterTag)}},
			ZooKeeper: ZooKeeper{
				ReplicaCount: 3,
				Image:        image(zookeeperRepository, zookeeperTag),
				Persistence:  Persistence{Size: "8Gi"},
				Resources:    resources("250m", "512Mi", "64Mi", "1000m", "1Gi", "256Mi"),
			},
		},
		// Managed services speak TLS; passwords stay in caracal-secrets.
		ExternalDatabase: ExternalDatabase{Port: 5432, Database: "caracal", Username: "caracal", SSLMode: "require", ExistingSecretPasswordKey: "postgresql-password"},
		ExternalRedis:    ExternalRedis{Port: 6379, TLS: true, ExistingSecretPasswordKey: "redis-password"},
		ExternalKafka:    ExternalKafka{TLS: true, SASL: KafkaSASL{Mechanism: "none"}},
		Gateway: Gateway{
			Enabled:      true,
			ReplicaCount: 3,
			Image:        image(caracalRepository, caracalTag),
			Service:      Service{Type: "LoadBalancer", HTTPSPort: 8443, MetricsPort: 9090, Annotations: Labels{}, LoadBalancerSourceRanges: Strings{}},
			AuthMode:     AuthJWT,
			TLS:          TLS{Enabled: true, SecretName: "caracal-tls"},
			APIKeys:      APIKeys{SecretName: "caracal-api-keys"},
			Autoscaling:  Autoscaling{Enabled: true, MinReplicas: 3, MaxReplicas: 10, TargetCPUUtilizationPercentage: 70},
			Resources:    resources("250m", "256Mi", "64Mi", "2000m", "1Gi", "256Mi"),
		},
		MCPAdapter: MCPAdapter{
			Enabled:      true,
			ReplicaCount: 2,
			Image:        image(caracalRepository, caracalTag),
			Service:      MCPService{Type: "ClusterIP", Port: 8080, MetricsPort: 9090},
			Autoscaling:  Autoscaling{Enabled: true, MinReplicas: 2, MaxReplicas: 8, TargetCPUUtilizationPercentage: 70},
			Resources:    resources("250m", "256Mi", "64Mi", "1000m", "512Mi", "256Mi"),
		},
		Consumers: Consumers{
			LedgerWriter: LedgerWriter{
				Enabled:      true,
				ReplicaCount: 2,
				Image:        image(caracalRepository, caracalTag),
				Merkle: Merkle{
					BatchSizeLimit:       1000,
					BatchTimeoutSeconds:  300,
					SigningKeySecretName: "caracal-merkle-keys",
				},
				Resources: resources("250m", "256Mi", "64Mi", "1000m", "512Mi", "256Mi"),
			},
			MetricsAggregator: MetricsAggregator{
				Enabled:      true,
				ReplicaCount: 2,
				MetricsPort:  9091,
				Image:        image(caracalRepository, caracalTag),
				Resources:    resources("100m", "128Mi", "64Mi", "500m", "256Mi", "256Mi"),
			},
			AuditLogger: AuditLogger{
				Enabled:      true,
				ReplicaCount: 2,
				Image:        image(caracalRepository, caracalTag),
				Resources:    resources("100m", "128Mi", "64Mi", "500m", "256Mi", "256Mi"),
			},
		},
		Jobs: Jobs{
			BackoffLimit:          3,
			ActiveDeadlineSeconds: 1800,
			WaitTimeoutSeconds:    600,
			Resources:             resources("100m", "256Mi", "64Mi", "1000m", "512Mi", "256Mi"),
			DBInit:                DBInit{Enabled: true, Image: image(caracalRepository, dbInitTag)},
		},
		Upgrade:   Upgrade{MerkleBackfill: MerkleBackfill{SourceVersion: "v0.2"}},
		Namespace: Namespace{Create: true},
		// A vanilla cluster has no Prometheus Operator: monitoring objects
		// are written only when asked for.
		Monitoring: Monitoring{
			Enabled: false,
			// kube-prometheus-stack selects on its release name.
			Labels:         Labels{"release": "kube-prometheus-stack"},
			ScrapeInterval: "30s",
			Alerts: Alerts{
				Gateway5xxPercent:             5,
				GatewayLatencyP99Milliseconds: 1000,
				ConsumerLagMessages:           10000,
				RestartsPer15Minutes:          3,
				VolumeUsagePercent:            85,
			},
			Dashboard: Toggle{Enabled: true},
		},
		NetworkPolicy: NetworkPolicy{
			Enabled:                true,
			DNSNamespace:           "kube-system",
			MetricsNamespaceLabels: Labels{"kubernetes.io/metadata.name": "monitoring"},
			ExternalDatabaseCIDRs:  Strings{"0.0.0.0/0"},
			ExternalRedisCIDRs:     Strings{"0.0.0.0/0"},
			ExternalKafkaCIDRs:     Strings{"0.0.0.0/0"},
		},
		PriorityClass: PriorityClass{Create: true, Value: 100000},
		Flux: Flux{
			Enabled:   true,
			Path:      "./dist",
			Namespace: "flux-system",
			SourceRef: FluxSourceRef{Kind: "GitRepository", Name: "caracal-deploy"},
			Interval:  "10m",
			// Longer than a Job may run (jobs.activeDeadlineSeconds).
			Timeout: "35m",
		},
	}
}

// EnvironmentDefaults is what an environment of synth --environments
// starts from, under the shared files and its own: its Flux stages read
// its own folder of the layout make synth writes, dist/environments/<name>
// (not derived from --out, so that the output is the same wherever it is
// written). Its values may name another.
func EnvironmentDefaults(name string) Source {
	return Source{Name: "(the defaults of environment " + name + ")", Data: []byte("flux:\n  path: ./dist/environments/" + name + "\n")}
}
