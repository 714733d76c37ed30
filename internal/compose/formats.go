package compose

// The formats values are written in. Most of a value's way ends in a
// Kubernetes field, which the YAML encoder quotes and the API server
// checks. Some values go on, into text another program reads in its own
// grammar: a command line the kubelet expands, a properties file, a URI, a
// PromQL query. Each such format has one guard, an encoder (the value is
// written so that it reads back as itself and cannot change the text
// around it) or, where the format has no escape, a validator. Flows lists,
// for every string, list and map key of the values, the formats it lands
// in; TestFormatsTableIsCompleteAndExact synthesizes a probe value in
// every key and fails when one lands in a format not listed, or a listed
// one is never reached.

// Format is a grammar a value is written in inside a manifest, beyond
// being a Kubernetes field.
type Format string

const (
	// Env is a container's env value: the kubelet expands $(VAR) in it.
	Env Format = "env value"
	// EnvFrom is a ConfigMap's data that a container reads as its
	// environment (envFrom): passed as it is.
	EnvFrom Format = "envFrom ConfigMap"
	// CommandLine is a container's command or args, or an exec probe's
	// command: the kubelet expands $(VAR) in them.
	CommandLine Format = "command line"
	// Shell is the text of a sh -c script.
	Shell Format = "shell script"
	// Properties is a Java properties file: Kafka's server.properties,
	// whole or (KAFKA_PEER_DOMAIN) a part that the start script appends.
	Properties Format = "Java properties"
	// ZooServers is the ZooKeeper image's ZOO_SERVERS: words, each a line
	// of zoo.cfg (Java properties).
	ZooServers Format = "ZOO_SERVERS words"
	// URI is a URI or part of one: the PostgreSQL exporter's connection
	// URI, the MCP adapter's gateway URL.
	URI Format = "URI"
	// HostList is a comma-separated host:port list, or one entry of it:
	// Kafka's bootstrap servers, KRaft voters, zookeeper.connect.
	HostList Format = "host:port list"
	// LibpqDBName is libpq's dbname parameter (pg_isready --dbname), a
	// whole connection string when it holds an =.
	LibpqDBName Format = "libpq dbname"
	// PromQL is a PromQL expression: the alert rules, the dashboard's
	// queries.
	PromQL Format = "PromQL"
	// JSON is the Grafana dashboard's JSON, in which Grafana substitutes
	// its $variables.
	JSON Format = "Grafana dashboard JSON"
	// Image is a container image reference.
	Image Format = "image reference"
	// RedisConf is redis.conf, which Redis's start script writes at run
	// time from the password in the Secret.
	RedisConf Format = "redis.conf"
)

// Guards name, per format, the one encoder or validator that keeps a
// value inside it.
var Guards = map[Format]string{
	Env:         "kube.Env escapes $(VAR) and $$ (kube.KubeLiteral); the user's extraEnvVars are written as in a pod spec, their $(VAR) references expand",
	EnvFrom:     "none needed: the kubelet passes ConfigMap data to the environment unexpanded",
	CommandLine: "kube.Command, kube.ExecProbe, and the workload skeletons (Stateless, Job steps) escape $(VAR) and $$ (kube.KubeLiteral); a deliberate reference is written only from code, by kube.Arg's Var, or by the user's own command and args overrides, as in a pod spec",
	Shell:       "none is written: scripts are constants that read values from the environment, quoted (\"$VAR\"); kube.ShellQuote is the encoder if one ever must be",
	Properties:  "kube.PropertiesLine and kube.PropertiesValue (java.util.Properties escapes); the host names in it pass kube.Release.ServiceHost's DNS check, so the lists inside a value keep their shape",
	ZooServers:  "kube.PropertiesWord: a properties line with no space or glob character",
	URI:         "kube.URL, kube.URIPathSegment and kube.URIQuery (net/url)",
	HostList:    "no escape exists: the hosts are DNS names, checked by kube.Release.ServiceHost (in the cluster) or by the values (externalKafka.bootstrapServers)",
	LibpqDBName: "kube.LibpqDatabase; the Jobs' wait names the database in PGDATABASE, which libpq never reads as a connection string",
	PromQL:      "kube.PromQLString (strconv.Quote: PromQL reads Go's escapes)",
	JSON:        "encoding/json; Grafana's $variables have no escape, so monitoring.DashboardJSON refuses a namespace that is not a DNS label",
	Image:       "the values' image checks (internal/values)",
	RedisConf:   "the start script writes every byte of the password as \\xHH inside the quotes (constructs/redis)",
}

// RunTime are the formats a program writes when it runs, from the
// manifest: the test cannot see a value land in them.
var RunTime = map[Format]bool{RedisConf: true}

// Flow is one key of the values and the formats its value is written in;
// none means Kubernetes fields only.
type Flow struct {
	Key     string
	Formats []Format
	// Note says where the value goes when it matters, and what else
	// guards it.
	Note string
}

// imageFlows are the formats of the keys of an image.
func imageFlows(prefix string) []Flow {
	return []Flow{
		{prefix + ".repository", []Format{Image}, ""},
		{prefix + ".tag", []Format{Image}, "also db init's version label (reduced to a valid label value) and its Job's name (reduced to [a-z0-9-], cut to 63 characters)"},
		{prefix + ".pullPolicy", nil, "enum"},
	}
}

// podFlows are the formats of the pod settings of a workload (prefix).
// The environment variables and the command line are the user's own, as
// in a pod spec: Kubernetes expands $(VAR) in them, as Bitnami's charts
// let it.
func podFlows(prefix string) []Flow {
	return []Flow{
		{prefix + ".nodeSelector", nil, "the pods' nodeSelector"},
		{prefix + ".tolerations", nil, "the pods' tolerations"},
		{prefix + ".affinity", nil, "the pods' affinity, beside the built-in anti-affinity"},
		{prefix + ".topologySpreadConstraints", nil, "the pods' topologySpreadConstraints"},
		{prefix + ".priorityClassName", nil, "the pods' priorityClassName"},
		{prefix + ".podAnnotations", nil, "the pod template's annotations"},
		{prefix + ".podLabels", nil, "the pod template's labels, never a selector"},
		{prefix + ".extraEnvVars", []Format{Env}, "the main container's env, as written: the user's own $(VAR) references expand"},
		{prefix + ".extraEnvVarsCM", nil, "an envFrom configMapRef"},
		{prefix + ".extraEnvVarsSecret", nil, "an envFrom secretRef"},
		{prefix + ".serviceAccount.annotations", nil, "the ServiceAccount's annotations"},
	}
}

// overrideFlows are the command and arguments of a Caracal process
// (prefix), written as the user wrote them (see podFlows).
func overrideFlows(prefix string) []Flow {
	return []Flow{
		{prefix + ".command", []Format{CommandLine}, "the container's command, as written"},
		{prefix + ".args", []Format{CommandLine}, "the container's args, as written"},
	}
}

// hosts is where a DNS name of the release goes: Service hosts in every
// process's settings, the brokers' and ZooKeeper's configuration, the
// gateway URL.
var hosts = []Format{Env, EnvFrom, CommandLine, Properties, ZooServers, URI, HostList}

// Flows lists every string, list and map key of the values.
var Flows = concat(
	[]Flow{
		{"global.namespace", append([]Format{PromQL, JSON}, hosts...), "a DNS label (checked by the values and by kube.Release.ServiceHost); every object's namespace"},
		{"global.clusterDomain", hosts, "a DNS subdomain (kube.Release.ServiceHost)"},
		{"global.imagePullSecrets", nil, "Secret names"},
		{"global.imageRegistry", []Format{Image}, "replaces the registry of every image; a host and an optional port (checked with the image reference grammar)"},
		{"global.storageClass", nil, "claims' storageClassName"},
		{"secrets.mode", nil, "enum"},
		{"secrets.externalSecrets.storeRef.name", nil, "ExternalSecret secretStoreRef"},
		{"secrets.externalSecrets.storeRef.kind", nil, "enum"},
		{"secrets.externalSecrets.refreshInterval", nil, "ExternalSecret refreshInterval"},
		{"secrets.externalSecrets.remoteKeys.credentials", nil, "ExternalSecret remoteRef.key, read by the secret store"},
		{"secrets.externalSecrets.remoteKeys.tls", nil, "ExternalSecret remoteRef.key"},
		{"secrets.externalSecrets.remoteKeys.merkleKeys", nil, "ExternalSecret remoteRef.key"},
		{"secrets.externalSecrets.remoteKeys.apiKeys", nil, "ExternalSecret remoteRef.key"},
		{"secrets.externalSecrets.remoteKeys.kafkaSASL", nil, "ExternalSecret remoteRef.key"},
		{"secrets.externalSecrets.remoteKeys.externalDatabase", nil, "ExternalSecret remoteRef.key"},
		{"secrets.externalSecrets.remoteKeys.externalRedis", nil, "ExternalSecret remoteRef.key"},
		{"postgresql.auth.database", []Format{Env, EnvFrom, CommandLine, URI, LibpqDBName}, "POSTGRES_DB, DB_NAME, PGDATABASE; the exporter's URI path; pg_isready --dbname"},
		{"postgresql.auth.username", []Format{Env, EnvFrom, CommandLine}, "POSTGRES_USER, DB_USER, PGUSER, DATA_SOURCE_USER; pg_isready --username"},
		{"postgresql.auth.password", nil, "secret: the inline Secret's stringData only; programs read it from the Secret"},
		{"postgresql.backup.schedule", nil, "CronJob schedule (cron, checked by the values)"},
		{"postgresql.backup.persistence.storageClass", nil, "claim storageClassName"},
		{"redis.auth.password", []Format{RedisConf}, "secret: the inline Secret's stringData; at run time redis.conf"},
		{"externalDatabase.host", []Format{Env, EnvFrom}, "DB_HOST"},
		{"externalDatabase.database", []Format{Env, EnvFrom}, "DB_NAME (the Jobs' wait reads it through PGDATABASE)"},
		{"externalDatabase.username", []Format{Env, EnvFrom}, "DB_USER"},
		{"externalDatabase.sslmode", []Format{Env, EnvFrom}, "enum; DB_SSLMODE"},
		{"externalDatabase.existingSecret", nil, "secretKeyRef name"},
		{"externalDatabase.existingSecretPasswordKey", nil, "secretKeyRef key"},
		{"externalRedis.host", []Format{Env, EnvFrom}, "REDIS_HOST"},
		{"externalRedis.existingSecret", nil, "secretKeyRef name"},
		{"externalRedis.existingSecretPasswordKey", nil, "secretKeyRef key"},
		{"externalKafka.bootstrapServers", []Format{Env, EnvFrom, CommandLine, HostList}, "KAFKA_BOOTSTRAP_SERVERS; kafka_exporter's --kafka.server, one per entry"},
		{"externalKafka.sasl.mechanism", []Format{Env, EnvFrom, CommandLine, Properties}, "enum, checked again by wiring.KafkaSASLSecrets; KAFKA_SASL_MECHANISM, kafka_exporter's --sasl.mechanism, and the client.properties the Kafka wait writes at run time"},
		{"externalKafka.sasl.existingSecret", nil, "secretKeyRef name"},
		{"gateway.service.type", nil, "enum"},
		{"gateway.service.annotations", nil, "the public Service's annotations (qualified-name keys)"},
		{"gateway.service.loadBalancerSourceRanges", nil, "the public Service's loadBalancerSourceRanges (CIDRs)"},
		{"gateway.service.loadBalancerClass", nil, "the public Service's loadBalancerClass (a qualified name)"},
		{"gateway.service.externalTrafficPolicy", nil, "enum"},
		{"gateway.authMode", []Format{EnvFrom}, "enum; CARACAL_AUTH_MODE"},
		{"gateway.tls.secretName", nil, "Secret volume"},
		{"gateway.apiKeys.secretName", nil, "Secret volume"},
		{"mcpAdapter.service.type", nil, "enum"},
		{"consumers.ledgerWriter.merkle.signingKeySecretName", nil, "Secret volume"},
		{"upgrade.merkleBackfill.sourceVersion", []Format{CommandLine}, "caracal merkle backfill --source-version"},
		{"monitoring.labels", nil, "labels"},
		{"monitoring.scrapeInterval", nil, "ServiceMonitor interval (a Prometheus duration, checked by the values)"},
		{"networkPolicy.dnsNamespace", nil, "namespace selector label value"},
		{"networkPolicy.metricsNamespaceLabels", nil, "namespace selector labels"},
		{"networkPolicy.externalDatabaseCIDRs", nil, "ipBlock cidr"},
		{"networkPolicy.externalRedisCIDRs", nil, "ipBlock cidr"},
		{"networkPolicy.externalKafkaCIDRs", nil, "ipBlock cidr"},
		{"priorityClass.name", nil, "PriorityClass name"},
		{"flux.path", nil, "Kustomization spec.path"},
		{"flux.namespace", nil, "Kustomization namespace"},
		{"flux.sourceRef.kind", nil, "enum"},
		{"flux.sourceRef.name", nil, "Kustomization sourceRef"},
		{"flux.interval", nil, "Kustomization interval"},
		{"flux.timeout", nil, "Kustomization timeout"},
	},
	imageFlows("postgresql.image"), imageFlows("postgresql.metrics.image"),
	imageFlows("redis.image"), imageFlows("redis.metrics.image"),
	imageFlows("kafka.image"), imageFlows("kafka.metrics.image"), imageFlows("kafka.zookeeper.image"),
	imageFlows("gateway.image"), imageFlows("mcpAdapter.image"),
	imageFlows("consumers.ledgerWriter.image"), imageFlows("consumers.metricsAggregator.image"), imageFlows("consumers.auditLogger.image"),
	imageFlows("jobs.dbInit.image"),
	podFlows("global"), podFlows("postgresql"), podFlows("postgresql.backup"), podFlows("redis"),
	podFlows("kafka"), podFlows("kafka.metrics"), podFlows("kafka.zookeeper"),
	podFlows("gateway"), podFlows("mcpAdapter"),
	podFlows("consumers.ledgerWriter"), podFlows("consumers.metricsAggregator"), podFlows("consumers.auditLogger"),
	podFlows("jobs"),
	overrideFlows("gateway"), overrideFlows("mcpAdapter"),
	overrideFlows("consumers.ledgerWriter"), overrideFlows("consumers.metricsAggregator"), overrideFlows("consumers.auditLogger"),
)

func concat(lists ...[]Flow) []Flow {
	var out []Flow
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}
