// Package values is the single source of truth for the configuration of a
// Caracal install: the typed model below carries every key, its default
// (defaults.go), its description and its checks (struct tags). Loading,
// validation, the documented parameter table and the JSON Schema are all
// derived from it.
//
// Struct tags:
//
//	yaml:"key"        the key, exactly as in the Helm chart's values
//	doc:"..."         one-line description (the README table)
//	check:"..."       comma-separated field rules, see checks.go
//	secret:"true"     a secret: no message or diff ever shows its value, see secret.go
package values

import (
	"caracal.dev/caracal-cdk8s/constructs/gateway/auth"
	corev1 "k8s.io/api/core/v1"
)

// Values is the whole configuration. Keys and defaults of the Helm chart
// README's parameter table are kept verbatim.
type Values struct {
	Global           Global           `yaml:"global"`
	Namespace        Namespace        `yaml:"namespace"`
	Secrets          Secrets          `yaml:"secrets"`
	PostgreSQL       PostgreSQL       `yaml:"postgresql"`
	Redis            Redis            `yaml:"redis"`
	Kafka            Kafka            `yaml:"kafka"`
	ExternalDatabase ExternalDatabase `yaml:"externalDatabase"`
	ExternalRedis    ExternalRedis    `yaml:"externalRedis"`
	ExternalKafka    ExternalKafka    `yaml:"externalKafka"`
	Gateway          Gateway          `yaml:"gateway"`
	MCPAdapter       MCPAdapter       `yaml:"mcpAdapter"`
	Consumers        Consumers        `yaml:"consumers"`
	Jobs             Jobs             `yaml:"jobs"`
	Upgrade          Upgrade          `yaml:"upgrade"`
	Monitoring       Monitoring       `yaml:"monitoring"`
	NetworkPolicy    NetworkPolicy    `yaml:"networkPolicy"`
	PriorityClass    PriorityClass    `yaml:"priorityClass"`
	Flux             Flux             `yaml:"flux"`
}

// PriorityClass lets the scheduler place the datastores first, and make
// room for them, when a cluster is short of resources.
type PriorityClass struct {
	Create bool   `yaml:"create" doc:"Write the PriorityClass priorityClass.name (cluster-wide) for the in-cluster datastores"`
	Name   string `yaml:"name" doc:"PriorityClass of the in-cluster datastores (\"\": <global.namespace>-datastores; with create=false, an existing class, or none when empty)" check:"optional,dnsname"`
	Value  int    `yaml:"value" doc:"Priority of the datastores' pods, above the default 0 of other pods and far below the system classes (fixed once created: to change it, rename the class too)" check:"min=1,max=1000000000"`
}

// Flux orders the output for Flux: one Kustomization per stage, each
// depending on the one before, as Argo CD's sync waves do.
type Flux struct {
	Enabled   bool          `yaml:"enabled" doc:"Write flux/: a Flux Kustomization per stage (datastores, each Job, applications), chained by dependsOn"`
	Path      string        `yaml:"path" doc:"Path of this output in the Git repository Flux reads, as a Flux Kustomization's spec.path (./dist)" check:"fluxpath"`
	Namespace string        `yaml:"namespace" doc:"Namespace of the Flux Kustomizations (Flux's own)" check:"dnslabel"`
	SourceRef FluxSourceRef `yaml:"sourceRef"`
	Interval  string        `yaml:"interval" doc:"How often Flux applies each stage again (a Go duration in ms, s, m and h)" check:"positiveduration"`
	Timeout   string        `yaml:"timeout" doc:"How long a stage may take to be applied and ready before Flux reports it failed (at least jobs.activeDeadlineSeconds)" check:"positiveduration"`
}

type FluxSourceRef struct {
	Kind string `yaml:"kind" doc:"Kind of the Flux source holding this repository" check:"enum=GitRepository|OCIRepository|Bucket"`
	Name string `yaml:"name" doc:"Name of the Flux source, in flux.namespace" check:"dnsname"`
}

type Namespace struct {
	Create bool `yaml:"create" doc:"Write the Namespace global.namespace, enforcing Pod Security restricted (false: it exists already and must carry those labels)"`
}

// Pod is what Bitnami's charts let a user set on the pods of each
// workload, with the same names. global.* holds the same keys as
// defaults for every workload; a workload's own value wins (maps merge key
// by key, see the README).
type Pod struct {
	NodeSelector              Labels            `yaml:"nodeSelector" doc:"Node labels the pods must run on (a workload's entries are merged over global.nodeSelector's)" check:"labels"`
	Tolerations               Tolerations       `yaml:"tolerations" doc:"Tolerations of the pods, as in a pod spec (a workload's list, even an empty one, replaces global.tolerations)"`
	Affinity                  *corev1.Affinity  `yaml:"affinity" doc:"Affinity of the pods, as in a pod spec, added to the built-in anti-affinity (a workload's replaces global.affinity)"`
	TopologySpreadConstraints SpreadConstraints `yaml:"topologySpreadConstraints" doc:"Topology spread constraints, as in a pod spec, added to the built-in ones, replacing one of the same topologyKey and whenUnsatisfiable; without labelSelector, the workload's pods are counted (a workload's list, even an empty one, replaces global's)"`
	PriorityClassName         string            `yaml:"priorityClassName" doc:"PriorityClass of the pods: a workload's own, else (for the datastores) priorityClass.name's class, else global.priorityClassName" check:"optional,dnsname"`
	PodAnnotations            Labels            `yaml:"podAnnotations" doc:"Annotations of the pods (merged over global.podAnnotations; checksum/* are the output's own)" check:"annotations,reserved=checksum/"`
	PodLabels                 Labels            `yaml:"podLabels" doc:"Labels of the pods (merged over global.podLabels); app.kubernetes.io/* are the recommended labels and the selectors, never replaced" check:"labels,reserved=app.kubernetes.io/"`
	ExtraEnvVars              EnvVars           `yaml:"extraEnvVars" doc:"Environment variables of the main container (every step of a Job), as in a pod spec; one named as a built-in one replaces it (merged by name over global.extraEnvVars)"`
	ExtraEnvVarsCM            string            `yaml:"extraEnvVarsCM" doc:"ConfigMap whose keys become environment variables of the main container (a workload's replaces global's)" check:"optional,dnsname"`
	ExtraEnvVarsSecret        string            `yaml:"extraEnvVarsSecret" doc:"Secret whose keys become environment variables of the main container (a workload's replaces global's)" check:"optional,dnsname"`
	ServiceAccount            ServiceAccount    `yaml:"serviceAccount"`
}

type ServiceAccount struct {
	Annotations Labels `yaml:"annotations" doc:"Annotations of the workload's ServiceAccount, such as a cloud IAM role (merged over global.serviceAccount.annotations)" check:"annotations"`
}

// Override replaces the command or arguments of a Caracal process, whose
// container contract the chart README does not state.
type Override struct {
	Command Strings `yaml:"command" doc:"Command of the container, replacing the image's entrypoint and the built-in one (empty: the built-in)"`
	Args    Strings `yaml:"args" doc:"Arguments of the container, replacing the built-in ones (empty: the built-in)"`
}

// Exporter is a Prometheus exporter of a datastore.
type Exporter struct {
	Enabled bool  `yaml:"enabled" doc:"Run the Prometheus exporter and scrape it"`
	Image   Image `yaml:"image"`
}

// KafkaExporter runs in pods of its own, unlike the datastores'
// exporters, which are containers of their datastores' pods.
type KafkaExporter struct {
	Exporter `yaml:",inline"`
	Pod      `yaml:",inline"`
}

type Monitoring struct {
	Enabled        bool   `yaml:"enabled" doc:"Write ServiceMonitors, the PrometheusRule and the Grafana dashboard (needs the Prometheus Operator's CRDs, so off by default)"`
	Labels         Labels `yaml:"labels" doc:"Labels your Prometheus selects ServiceMonitors and PrometheusRules by" check:"labels"`
	ScrapeInterval string `yaml:"scrapeInterval" doc:"Scrape interval of every ServiceMonitor (a Prometheus duration)" check:"required,promduration"`
	Alerts         Alerts `yaml:"alerts"`
	Dashboard      Toggle `yaml:"dashboard"`
}

type Toggle struct {
	Enabled bool `yaml:"enabled" doc:"Write the Grafana dashboard as a ConfigMap labelled grafana_dashboard: \"1\""`
}

// Alerts are the thresholds of the PrometheusRule.
type Alerts struct {
	Gateway5xxPercent             int `yaml:"gateway5xxPercent" doc:"Alert when more than this percentage of gateway responses are 5xx, over 5 minutes" check:"min=1,max=100"`
	GatewayLatencyP99Milliseconds int `yaml:"gatewayLatencyP99Milliseconds" doc:"Alert when the gateway's 99th percentile latency is above this, over 10 minutes" check:"min=1"`
	ConsumerLagMessages           int `yaml:"consumerLagMessages" doc:"Alert when a consumer group lags by more messages than this, for 10 minutes" check:"min=1"`
	RestartsPer15Minutes          int `yaml:"restartsPer15Minutes" doc:"Alert when a container restarts more often than this in 15 minutes (crash loop)" check:"min=1"`
	VolumeUsagePercent            int `yaml:"volumeUsagePercent" doc:"Alert when a persistent volume is fuller than this percentage" check:"min=1,max=100"`
}

type NetworkPolicy struct {
	Enabled bool `yaml:"enabled" doc:"Write NetworkPolicies: deny all in the namespace, then allow exactly Caracal's flows"`
	// The namespace of the cluster DNS, reached on port 53.
	DNSNamespace string `yaml:"dnsNamespace" doc:"Namespace of the cluster DNS, which every pod may reach on port 53" check:"dnslabel"`
	// Prometheus scrapes from namespaces with these labels.
	MetricsNamespaceLabels Labels  `yaml:"metricsNamespaceLabels" doc:"Labels of the namespace(s) Prometheus scrapes from, allowed to the metrics ports" check:"labels"`
	ExternalDatabaseCIDRs  Strings `yaml:"externalDatabaseCIDRs" doc:"Where an external PostgreSQL is, for egress on externalDatabase.port" check:"cidrs"`
	ExternalRedisCIDRs     Strings `yaml:"externalRedisCIDRs" doc:"Where an external Redis is, for egress on externalRedis.port" check:"cidrs"`
	ExternalKafkaCIDRs     Strings `yaml:"externalKafkaCIDRs" doc:"Where an external Kafka is, for egress on the ports of externalKafka.bootstrapServers" check:"cidrs"`
}

type Global struct {
	Namespace string `yaml:"namespace" doc:"Namespace to deploy into; not one of Kubernetes (kube-*, default) or of a GitOps controller (argocd, flux-system), see allowSystemNamespace" check:"dnslabel"`
	// Caracal labels its namespace Pod Security restricted and denies all
	// traffic there but its own: in a system namespace, that breaks what
	// else runs there.
	AllowSystemNamespace bool        `yaml:"allowSystemNamespace" doc:"Allow global.namespace to be kube-*, default, argocd or flux-system. Dangerous: Caracal labels its namespace Pod Security restricted and denies all traffic there but its own, which breaks what else runs in it (CoreDNS in kube-system, the GitOps controller in its own); for a throwaway cluster only"`
	ImagePullSecrets     PullSecrets `yaml:"imagePullSecrets" doc:"Image pull secrets (names, or {name: ...} entries)" check:"dnsnames"`
	ImageRegistry        string      `yaml:"imageRegistry" doc:"Registry every image is pulled from instead of its own, such as a mirror (registry.example.com:5000); the path and tag stay" check:"optional,registry"`
	StorageClass         string      `yaml:"storageClass" doc:"Storage class for persistent volumes (\"\" uses the cluster default, \"-\" disables dynamic provisioning)" check:"storageclass"`
	ClusterDomain        string      `yaml:"clusterDomain" doc:"DNS domain of the cluster, used for stable Kafka broker addresses" check:"required,dnsname"`
	Pod                  `yaml:",inline"`
}

// SecretsMode says where the Secrets Caracal reads come from.
const (
	SecretsExisting = "existing"        // created out of band; nothing is written
	SecretsInline   = "inline"          // rendered into dist/ from values (development only)
	SecretsExternal = "externalSecrets" // ExternalSecret objects sync them from a secret store
)

type Secrets struct {
	Mode                          string          `yaml:"mode" doc:"Where Secrets come from: existing (created out of band, nothing written), inline (passwords rendered into dist/, development only) or externalSecrets (ExternalSecret objects sync them from a store)" check:"enum=existing|inline|externalSecrets"`
	AllowInsecureDefaultPasswords bool            `yaml:"allowInsecureDefaultPasswords" doc:"With mode inline, accept the chart's ..._CHANGE_ME default passwords"`
	ExternalSecrets               ExternalSecrets `yaml:"externalSecrets"`
}

type ExternalSecrets struct {
	StoreRef        StoreRef   `yaml:"storeRef"`
	RefreshInterval string     `yaml:"refreshInterval" doc:"How often values are read again from the store, so a rotation there reaches the cluster (a Go duration in ms, s, m and h; 0s reads them once)" check:"duration"`
	RemoteKeys      RemoteKeys `yaml:"remoteKeys"`
}

type StoreRef struct {
	Name string `yaml:"name" doc:"SecretStore or ClusterSecretStore to read from (required with mode externalSecrets)" check:"optional,dnsname"`
	Kind string `yaml:"kind" doc:"Kind of the store" check:"enum=ClusterSecretStore|SecretStore"`
}

// RemoteKeys name the secrets in the store; each property of a remote
// secret becomes the key of the same name in the Kubernetes Secret.
type RemoteKeys struct {
	Credentials string `yaml:"credentials" doc:"Remote secret with properties postgresql-password and redis-password (Secret caracal-secrets)" check:"required,remotekey"`
	TLS         string `yaml:"tls" doc:"Remote secret with server.crt, server.key, ca.crt, jwt_public.pem (the gateway's TLS secret)" check:"required,remotekey"`
	MerkleKeys  string `yaml:"merkleKeys" doc:"Remote secret with merkle_signing_key.pem (the ledger writer's signing key)" check:"required,remotekey"`
	APIKeys     string `yaml:"apiKeys" doc:"Remote secret with api_keys (the gateway's keys with authMode api_key)" check:"required,remotekey"`
	KafkaSASL   string `yaml:"kafkaSASL" doc:"Remote secret with username and password (externalKafka.sasl.existingSecret)" check:"required,remotekey"`
	// Managed datastores may keep their passwords apart from caracal-secrets.
	ExternalDatabase string `yaml:"externalDatabase" doc:"Remote secret with the property externalDatabase.existingSecretPasswordKey (when externalDatabase.existingSecret is set)" check:"required,remotekey"`
	ExternalRedis    string `yaml:"externalRedis" doc:"Remote secret with the property externalRedis.existingSecretPasswordKey (when externalRedis.existingSecret is set)" check:"required,remotekey"`
}

// Image is a container image reference; the tag is pinned, never latest.
type Image struct {
	Repository string `yaml:"repository" doc:"Image repository, without a tag" check:"imagerepo"`
	Tag        string `yaml:"tag" doc:"Image tag (pinned; never latest)" check:"pinned"`
	PullPolicy string `yaml:"pullPolicy" doc:"Image pull policy" check:"enum=Always|IfNotPresent|Never"`
}

// ResourceList holds Kubernetes quantities; an empty one is left unset.
type ResourceList struct {
	CPU              Quantity `yaml:"cpu" doc:"CPU" check:"nonnegative"`
	Memory           Quantity `yaml:"memory" doc:"Memory" check:"nonnegative"`
	EphemeralStorage Quantity `yaml:"ephemeral-storage" doc:"Ephemeral storage" check:"nonnegative"`
}

type Resources struct {
	Requests ResourceList `yaml:"requests" doc:"request"`
	Limits   ResourceList `yaml:"limits" doc:"limit"`
}

type Persistence struct {
	Size Quantity `yaml:"size" doc:"Persistent volume size" check:"required,positive"`
}

type PostgreSQL struct {
	Enabled     bool         `yaml:"enabled" doc:"Enable PostgreSQL"`
	Image       Image        `yaml:"image"`
	Auth        PostgresAuth `yaml:"auth"`
	Persistence Persistence  `yaml:"persistence"`
	Resources   Resources    `yaml:"resources"`
	Backup      Backup       `yaml:"backup"`
	Metrics     Exporter     `yaml:"metrics"`
	Pod         `yaml:",inline"`
}

type Backup struct {
	Enabled     bool              `yaml:"enabled" doc:"Back up the in-cluster PostgreSQL with pg_dump on a schedule"`
	Schedule    string            `yaml:"schedule" doc:"Cron schedule of the backups (UTC)" check:"cron"`
	Retention   int               `yaml:"retention" doc:"Number of dumps kept; older ones are deleted" check:"min=1"`
	Persistence BackupPersistence `yaml:"persistence"`
	Resources   Resources         `yaml:"resources"`
	Pod         `yaml:",inline"`
}

type BackupPersistence struct {
	Size         Quantity `yaml:"size" doc:"Size of the volume the dumps are written to" check:"required,positive"`
	StorageClass string   `yaml:"storageClass" doc:"Storage class of the backup volume (\"\" uses global.storageClass, \"-\" disables dynamic provisioning)" check:"storageclass"`
}

type PostgresAuth struct {
	Database string `yaml:"database" doc:"Database name (letters, digits and _)" check:"required,pgname"`
	Username string `yaml:"username" doc:"Database username (letters, digits and _)" check:"required,pgname"`
	Password string `yaml:"password" doc:"Database password; only used with secrets.mode=inline (otherwise key postgresql-password of Secret caracal-secrets)" secret:"true"`
}

type Redis struct {
	Enabled     bool        `yaml:"enabled" doc:"Enable Redis"`
	Image       Image       `yaml:"image"`
	Auth        RedisAuth   `yaml:"auth"`
	Persistence Persistence `yaml:"persistence"`
	Resources   Resources   `yaml:"resources"`
	Metrics     Exporter    `yaml:"metrics"`
	Pod         `yaml:",inline"`
}

type RedisAuth struct {
	Password string `yaml:"password" doc:"Redis password; only used with secrets.mode=inline (otherwise key redis-password of Secret caracal-secrets)" secret:"true"`
}

type Kafka struct {
	Enabled      bool          `yaml:"enabled" doc:"Enable Kafka"`
	ReplicaCount int           `yaml:"replicaCount" doc:"Number of Kafka brokers (KRaft: each is broker and controller; the quorum is static, so keep it after the first sync)" check:"min=1,max=99"`
	Image        Image         `yaml:"image"`
	Config       KafkaConfig   `yaml:"config"`
	Persistence  Persistence   `yaml:"persistence"`
	Resources    Resources     `yaml:"resources"`
	Metrics      KafkaExporter `yaml:"metrics" doc:"kafka_exporter watches the Kafka in use, in the cluster or external"`
	ZooKeeper    ZooKeeper     `yaml:"zookeeper"`
	Pod          `yaml:",inline"`
}

// ZooKeeper runs the brokers in ZooKeeper mode, for clusters still
// migrating from Caracal v0.2; KRaft is the default.
type ZooKeeper struct {
	Enabled      bool        `yaml:"enabled" doc:"Run the brokers in ZooKeeper mode with caracal-zookeeper (needs a Kafka 3.x image, e.g. kafka.image.tag=3.9.1)"`
	ReplicaCount int         `yaml:"replicaCount" doc:"Number of ZooKeeper nodes (odd: a majority must stay up)" check:"min=1,max=15"`
	Image        Image       `yaml:"image"`
	Persistence  Persistence `yaml:"persistence"`
	Resources    Resources   `yaml:"resources"`
	Pod          `yaml:",inline"`
}

type KafkaConfig struct {
	DefaultReplicationFactor int `yaml:"defaultReplicationFactor" doc:"Default replication factor" check:"min=1"`
	MinInsyncReplicas        int `yaml:"minInsyncReplicas" doc:"Minimum in-sync replicas" check:"min=1"`
}

type ExternalDatabase struct {
	Host                      string `yaml:"host" doc:"Host of an external PostgreSQL, a DNS name or an IP address (required when postgresql.enabled=false)" check:"optional,host"`
	Port                      int    `yaml:"port" doc:"Port of the external PostgreSQL" check:"port"`
	Database                  string `yaml:"database" doc:"Database name on the external PostgreSQL (letters, digits and _)" check:"required,pgname"`
	Username                  string `yaml:"username" doc:"Username on the external PostgreSQL (letters, digits and _)" check:"required,pgname"`
	SSLMode                   string `yaml:"sslmode" doc:"libpq sslmode towards the external PostgreSQL" check:"enum=disable|allow|prefer|require|verify-ca|verify-full"`
	ExistingSecret            string `yaml:"existingSecret" doc:"Secret holding its password (\"\": caracal-secrets)" check:"optional,dnsname"`
	ExistingSecretPasswordKey string `yaml:"existingSecretPasswordKey" doc:"Key of the password in existingSecret" check:"required,secretkey"`
}

type ExternalRedis struct {
	Host                      string `yaml:"host" doc:"Host of an external Redis, a DNS name or an IP address (required when redis.enabled=false)" check:"optional,host"`
	Port                      int    `yaml:"port" doc:"Port of the external Redis" check:"port"`
	TLS                       bool   `yaml:"tls" doc:"Connect to the external Redis over TLS"`
	ExistingSecret            string `yaml:"existingSecret" doc:"Secret holding its password (\"\": caracal-secrets)" check:"optional,dnsname"`
	ExistingSecretPasswordKey string `yaml:"existingSecretPasswordKey" doc:"Key of the password in existingSecret" check:"required,secretkey"`
}

type ExternalKafka struct {
	BootstrapServers string    `yaml:"bootstrapServers" doc:"Comma-separated host:port list of an external Kafka (required when kafka.enabled=false)" check:"optional,hostports"`
	TLS              bool      `yaml:"tls" doc:"Connect to the external Kafka over TLS"`
	SASL             KafkaSASL `yaml:"sasl"`
}

type KafkaSASL struct {
	Mechanism      string `yaml:"mechanism" doc:"SASL mechanism towards the external Kafka" check:"enum=none|PLAIN|SCRAM-SHA-256|SCRAM-SHA-512"`
	ExistingSecret string `yaml:"existingSecret" doc:"Secret with the keys username and password (required with a mechanism)" check:"optional,dnsname"`
}

type Service struct {
	Type        string `yaml:"type" doc:"Service type" check:"enum=ClusterIP|NodePort|LoadBalancer"`
	HTTPSPort   int    `yaml:"httpsPort" doc:"HTTPS port" check:"port"`
	MetricsPort int    `yaml:"metricsPort" doc:"Metrics port" check:"port"`
	// The load balancer's settings, as Bitnami's charts name them.
	Annotations              Labels  `yaml:"annotations" doc:"Annotations of the gateway's Service, such as a cloud load balancer's settings" check:"annotations"`
	LoadBalancerSourceRanges Strings `yaml:"loadBalancerSourceRanges" doc:"CIDRs the LoadBalancer admits (none: every address); type LoadBalancer only" check:"cidrlist"`
	LoadBalancerClass        string  `yaml:"loadBalancerClass" doc:"Load balancer implementation that serves the Service (empty: the cluster's default); type LoadBalancer only" check:"optional,qualifiedname"`
	ExternalTrafficPolicy    string  `yaml:"externalTrafficPolicy" doc:"Cluster or Local (Local keeps the client's address); type NodePort or LoadBalancer only (empty: Kubernetes' default, Cluster)" check:"optional,enum=Cluster|Local"`
}

type Autoscaling struct {
	Enabled                        bool `yaml:"enabled" doc:"Enable autoscaling"`
	MinReplicas                    int  `yaml:"minReplicas" doc:"Minimum replicas" check:"min=1,max=1000"`
	MaxReplicas                    int  `yaml:"maxReplicas" doc:"Maximum replicas" check:"min=1,max=1000"`
	TargetCPUUtilizationPercentage int  `yaml:"targetCPUUtilizationPercentage" doc:"Average CPU utilization the autoscaler aims for, in percent of the request" check:"min=1,max=100"`
}

type TLS struct {
	Enabled    bool   `yaml:"enabled" doc:"Enable TLS"`
	SecretName string `yaml:"secretName" doc:"TLS secret name (server.crt, server.key, ca.crt, jwt_public.pem)" check:"dnsname"`
}

type APIKeys struct {
	SecretName string `yaml:"secretName" doc:"Secret holding the key api_keys, read with authMode api_key" check:"dnsname"`
}

// AuthMode is how the gateway authenticates callers: the gateway's own
// list (package auth), which the check enum=@authModes reads too.
const (
	AuthJWT    = auth.JWT
	AuthMTLS   = auth.MTLS
	AuthAPIKey = auth.APIKey
)

type Gateway struct {
	Enabled      bool        `yaml:"enabled" doc:"Enable Gateway Proxy"`
	ReplicaCount int         `yaml:"replicaCount" doc:"Number of replicas (when autoscaling is off)" check:"min=1,max=1000"`
	Image        Image       `yaml:"image"`
	Service      Service     `yaml:"service"`
	AuthMode     string      `yaml:"authMode" doc:"Authentication mode (jwt, mtls, api_key)" check:"enum=@authModes"`
	TLS          TLS         `yaml:"tls"`
	APIKeys      APIKeys     `yaml:"apiKeys"`
	Autoscaling  Autoscaling `yaml:"autoscaling"`
	Resources    Resources   `yaml:"resources"`
	Override     `yaml:",inline"`
	Pod          `yaml:",inline"`
}

type MCPService struct {
	Type        string `yaml:"type" doc:"Service type" check:"enum=ClusterIP|NodePort|LoadBalancer"`
	Port        int    `yaml:"port" doc:"Service port" check:"port"`
	MetricsPort int    `yaml:"metricsPort" doc:"Metrics port" check:"port"`
}

type MCPAdapter struct {
	Enabled      bool        `yaml:"enabled" doc:"Enable the MCP adapter"`
	ReplicaCount int         `yaml:"replicaCount" doc:"Number of replicas (when autoscaling is off)" check:"min=1,max=1000"`
	Image        Image       `yaml:"image"`
	Service      MCPService  `yaml:"service"`
	Autoscaling  Autoscaling `yaml:"autoscaling"`
	Resources    Resources   `yaml:"resources"`
	Override     `yaml:",inline"`
	Pod          `yaml:",inline"`
}

type Consumers struct {
	LedgerWriter      LedgerWriter      `yaml:"ledgerWriter"`
	MetricsAggregator MetricsAggregator `yaml:"metricsAggregator"`
	AuditLogger       AuditLogger       `yaml:"auditLogger"`
}

type Merkle struct {
	BatchSizeLimit       int    `yaml:"batchSizeLimit" doc:"Merkle batch size limit" check:"min=1"`
	BatchTimeoutSeconds  int    `yaml:"batchTimeoutSeconds" doc:"Merkle batch timeout" check:"min=1"`
	SigningKeySecretName string `yaml:"signingKeySecretName" doc:"Secret holding merkle_signing_key.pem" check:"dnsname"`
}

type LedgerWriter struct {
	Enabled      bool      `yaml:"enabled" doc:"Enable LedgerWriter consumer"`
	ReplicaCount int       `yaml:"replicaCount" doc:"Number of replicas" check:"min=1,max=1000"`
	Image        Image     `yaml:"image"`
	Merkle       Merkle    `yaml:"merkle"`
	Resources    Resources `yaml:"resources"`
	Override     `yaml:",inline"`
	Pod          `yaml:",inline"`
}

type MetricsAggregator struct {
	Enabled      bool      `yaml:"enabled" doc:"Enable MetricsAggregator consumer"`
	ReplicaCount int       `yaml:"replicaCount" doc:"Number of replicas" check:"min=1,max=1000"`
	MetricsPort  int       `yaml:"metricsPort" doc:"Metrics port" check:"port"`
	Image        Image     `yaml:"image"`
	Resources    Resources `yaml:"resources"`
	Override     `yaml:",inline"`
	Pod          `yaml:",inline"`
}

type AuditLogger struct {
	Enabled      bool      `yaml:"enabled" doc:"Enable AuditLogger consumer"`
	ReplicaCount int       `yaml:"replicaCount" doc:"Number of replicas" check:"min=1,max=1000"`
	Image        Image     `yaml:"image"`
	Resources    Resources `yaml:"resources"`
	Override     `yaml:",inline"`
	Pod          `yaml:",inline"`
}

// Jobs are the day-2 steps run as Kubernetes Jobs. A finished Job is
// kept: Argo CD and Flux would create a deleted one again, and run it.
type Jobs struct {
	BackoffLimit          int       `yaml:"backoffLimit" doc:"Retries of a failed Job pod" check:"min=0"`
	ActiveDeadlineSeconds int       `yaml:"activeDeadlineSeconds" doc:"Time a Job may run in all, waiting included" check:"min=1"`
	WaitTimeoutSeconds    int       `yaml:"waitTimeoutSeconds" doc:"Time a Job waits for its datastore before it fails" check:"min=1"`
	Resources             Resources `yaml:"resources"`
	DBInit                DBInit    `yaml:"dbInit"`
	Pod                   `yaml:",inline"`
}

// DBInit is `caracal db init`, which the chart README runs once, at
// install. Its Job depends on nothing that an upgrade changes, so it runs
// once per database, not once per sync or per version.
type DBInit struct {
	Enabled bool  `yaml:"enabled" doc:"Run caracal db init once, before the first migrations (false: the database is initialised already, e.g. by a v0.2 install)"`
	Image   Image `yaml:"image" doc:"Image whose caracal db init creates the schema; keep it when upgrading Caracal (the migrations bring the schema up to date): a change runs db init again"`
}

type Upgrade struct {
	MerkleBackfill MerkleBackfill `yaml:"merkleBackfill"`
}

type MerkleBackfill struct {
	Enabled       bool   `yaml:"enabled" doc:"Run caracal merkle backfill, once per version: needed once when upgrading from v0.2"`
	SourceVersion string `yaml:"sourceVersion" doc:"Version whose events are backfilled (--source-version), such as v0.2" check:"required,version"`
}
