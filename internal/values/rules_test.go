package values

import (
	"errors"
	"strings"
	"testing"
)

// src is a values file for tests.
func src(name, data string) Source { return Source{Name: name, Data: []byte(data)} }

// One case per validation rule: the input, and fragments the message must
// hold (position, key, explanation).
var ruleCases = []struct {
	name  string
	files []Source
	sets  []string
	want  []string
}{
	{
		name:  "unknown key at the top",
		files: []Source{src("a.yaml", "gatway:\n  replicaCount: 3\n")},
		want:  []string{"a.yaml:1:1: gatway: unknown key \"gatway\" (did you mean gateway?)"},
	},
	{
		name:  "unknown key deep, with a typo",
		files: []Source{src("a.yaml", "gateway:\n  autoscaling:\n    maxReplica: 4\n")},
		want:  []string{"a.yaml:3:5: gateway.autoscaling.maxReplica: unknown key", "did you mean gateway.autoscaling.maxReplicas?"},
	},
	{
		name:  "unknown key that exists elsewhere",
		files: []Source{src("a.yaml", "postgresql:\n  storageClass: fast\n")},
		want:  []string{"a.yaml:2:3: postgresql.storageClass: unknown key", "did you mean global.storageClass?"},
	},
	{
		name:  "unknown key without a close match",
		files: []Source{src("a.yaml", "kafka:\n  zzz: 1\n")},
		want:  []string{"a.yaml:2:3: kafka.zzz: unknown key \"zzz\""},
	},
	{
		name:  "duplicate key, naming both lines",
		files: []Source{src("my-values.yaml", "gateway:\n  replicaCount: 3\nredis:\n  enabled: true\ngateway:\n  authMode: jwt\n")},
		want:  []string{"my-values.yaml:5:1: gateway: duplicate key", "already defined at line 1"},
	},
	{
		name:  "duplicate key deep",
		files: []Source{src("a.yaml", "kafka:\n  config:\n    minInsyncReplicas: 2\n    minInsyncReplicas: 1\n")},
		want:  []string{"a.yaml:4:5: kafka.config.minInsyncReplicas: duplicate key", "line 3"},
	},
	{
		name:  "wrong type: string for an integer",
		files: []Source{src("a.yaml", "kafka:\n  replicaCount: three\n")},
		want:  []string{"a.yaml:2:3: kafka.replicaCount: expected an integer, got the string \"three\""},
	},
	{
		name:  "wrong type: quoted number for an integer",
		files: []Source{src("a.yaml", "kafka:\n  replicaCount: \"3\"\n")},
		want:  []string{"a.yaml:2:3: kafka.replicaCount: expected an integer, got the string \"3\""},
	},
	{
		name:  "wrong type: mapping for a boolean",
		files: []Source{src("a.yaml", "redis:\n  enabled:\n    yes: true\n")},
		want:  []string{"a.yaml:2:3: redis.enabled: expected a boolean (true or false), got a mapping"},
	},
	{
		name:  "wrong type: yes is not a boolean",
		files: []Source{src("a.yaml", "redis:\n  enabled: yes\n")},
		want:  []string{"a.yaml:2:3: redis.enabled: expected a boolean"},
	},
	{
		name:  "wrong type: scalar for a mapping",
		files: []Source{src("a.yaml", "gateway: true\n")},
		want:  []string{"a.yaml:1:10: gateway: this key must be a mapping, got the boolean true"},
	},
	{
		name:  "wrong type: list for a string",
		files: []Source{src("a.yaml", "global:\n  namespace: [a, b]\n")},
		want:  []string{"a.yaml:2:3: global.namespace: expected a string, got a list"},
	},
	{
		name: "zero replicas",
		sets: []string{"kafka.replicaCount=0"},
		want: []string{"--set kafka.replicaCount=0: kafka.replicaCount: must be at least 1, got 0"},
	},
	{
		name:  "negative replicas",
		files: []Source{src("a.yaml", "consumers:\n  auditLogger:\n    replicaCount: -2\n")},
		want:  []string{"a.yaml:3:5: consumers.auditLogger.replicaCount: must be at least 1, got -2"},
	},
	{
		name: "zero batch size",
		sets: []string{"consumers.ledgerWriter.merkle.batchSizeLimit=0"},
		want: []string{"consumers.ledgerWriter.merkle.batchSizeLimit: must be at least 1"},
	},
	{
		name:  "autoscaling min above max",
		files: []Source{src("a.yaml", "gateway:\n  autoscaling:\n    minReplicas: 12\n")},
		want:  []string{"a.yaml:3:5: gateway.autoscaling.minReplicas: gateway.autoscaling.minReplicas (12) is above gateway.autoscaling.maxReplicas (10, the default)"},
	},
	{
		name:  "autoscaling max below min, blaming max",
		files: []Source{src("a.yaml", "mcpAdapter:\n  autoscaling:\n    maxReplicas: 1\n")},
		want:  []string{"a.yaml:3:5: mcpAdapter.autoscaling.maxReplicas: mcpAdapter.autoscaling.minReplicas (2) is above mcpAdapter.autoscaling.maxReplicas (1, set at a.yaml:3:5)"},
	},
	{
		name:  "authMode outside the enum",
		files: []Source{src("a.yaml", "gateway:\n  authMode: oauth\n")},
		want:  []string{"a.yaml:2:3: gateway.authMode: \"oauth\" is not one of jwt, mtls, api_key"},
	},
	{
		name: "authMode typo gets a suggestion",
		sets: []string{"gateway.authMode=apikey"},
		want: []string{"gateway.authMode: \"apikey\" is not one of jwt, mtls, api_key (did you mean \"api_key\"?)"},
	},
	{
		name:  "service type outside the enum",
		files: []Source{src("a.yaml", "gateway:\n  service:\n    type: Ingress\n")},
		want:  []string{"a.yaml:3:5: gateway.service.type: \"Ingress\" is not one of ClusterIP, NodePort, LoadBalancer"},
	},
	{
		name:  "port zero",
		files: []Source{src("a.yaml", "gateway:\n  service:\n    httpsPort: 0\n")},
		want:  []string{"a.yaml:3:5: gateway.service.httpsPort: 0 is not a port; use 1..65535"},
	},
	{
		name: "port too high",
		sets: []string{"consumers.metricsAggregator.metricsPort=70000"},
		want: []string{"consumers.metricsAggregator.metricsPort: 70000 is not a port; use 1..65535"},
	},
	{
		name:  "invalid quantity",
		files: []Source{src("a.yaml", "postgresql:\n  resources:\n    limits:\n      memory: 2Gb\n")},
		want:  []string{"a.yaml:4:7: postgresql.resources.limits.memory: \"2Gb\" is not a Kubernetes quantity"},
	},
	{
		name: "invalid persistence size",
		sets: []string{"kafka.persistence.size=lots"},
		want: []string{"kafka.persistence.size: \"lots\" is not a Kubernetes quantity"},
	},
	{
		name: "zero persistence size",
		sets: []string{"redis.persistence.size=0"},
		want: []string{"redis.persistence.size: must be greater than zero"},
	},
	{
		name:  "request above limit",
		files: []Source{src("a.yaml", "redis:\n  resources:\n    requests:\n      memory: 1Gi\n")},
		want:  []string{"a.yaml:4:7: redis.resources.requests.memory: the request 1Gi is above the limit 512Mi"},
	},
	{
		name: "limit below request, in other units",
		sets: []string{"gateway.resources.limits.cpu=0.1"},
		want: []string{"--set gateway.resources.limits.cpu=0.1: gateway.resources.limits.cpu: the request 250m is above the limit 0.1"},
	},
	{
		name:  "replication factor above the brokers",
		files: []Source{src("a.yaml", "kafka:\n  replicaCount: 2\n")},
		want:  []string{"a.yaml:2:3: kafka.replicaCount: kafka.config.defaultReplicationFactor (3) is above kafka.replicaCount (2"},
	},
	{
		name: "min.insync.replicas above the replication factor",
		sets: []string{"kafka.config.minInsyncReplicas=4", "kafka.replicaCount=5"},
		want: []string{"--set kafka.config.minInsyncReplicas=4: kafka.config.minInsyncReplicas: kafka.config.minInsyncReplicas (4) is above kafka.config.defaultReplicationFactor (3, the default)"},
	},
	{
		name:  "disabled PostgreSQL without an external one",
		files: []Source{src("a.yaml", "postgresql:\n  enabled: false\n")},
		want:  []string{"a.yaml:2:3: postgresql.enabled: the in-cluster PostgreSQL is disabled, so set externalDatabase.host"},
	},
	{
		name: "disabled Redis without an external one",
		sets: []string{"redis.enabled=false"},
		want: []string{"redis.enabled: the in-cluster Redis is disabled, so set externalRedis.host"},
	},
	{
		name: "disabled Kafka without an external one",
		sets: []string{"kafka.enabled=false"},
		want: []string{"kafka.enabled: the in-cluster Kafka is disabled, so set externalKafka.bootstrapServers"},
	},
	{
		name: "external endpoint that would be ignored",
		sets: []string{"externalDatabase.host=db.example.com"},
		want: []string{"externalDatabase.host: is set, but postgresql.enabled is true"},
	},
	{
		name:  "document that is not a mapping",
		files: []Source{src("a.yaml", "- gateway\n- redis\n")},
		want:  []string{"a.yaml:1:1: the document must be a mapping, got a list"},
	},
	{
		name:  "scalar document",
		files: []Source{src("a.yaml", "just text\n")},
		want:  []string{"a.yaml:1:1: the document must be a mapping, got the string <redacted>"},
	},
	{
		name:  "broken YAML",
		files: []Source{src("a.yaml", "gateway:\n  replicaCount: 3\n authMode: jwt\n")},
		want:  []string{"a.yaml:3: not valid YAML: did not find expected key"},
	},
	{
		name:  "tab indentation",
		files: []Source{src("a.yaml", "gateway:\n\treplicaCount: 3\n")},
		want:  []string{"a.yaml:2: not valid YAML"},
	},
	{
		name:  "two documents",
		files: []Source{src("a.yaml", "gateway:\n  replicaCount: 3\n---\nredis:\n  enabled: true\n")},
		want:  []string{"a.yaml:3:1: a values file holds one YAML document"},
	},
	{
		name: "alias bomb",
		files: []Source{src("bomb.yaml", `a: &a ["x","x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
global:
  imagePullSecrets: *f
`)},
		want: []string{"bomb.yaml:1:1: a: unknown key"},
	},
	{
		name: "alias bomb under a valid key",
		files: []Source{src("bomb.yaml", `global:
  imagePullSecrets: &a [x, x, x, x, x, x, x, x, x, x]
gateway: &b
  image: &c
    tag: *a
`)},
		want: []string{"bomb.yaml:5:5: gateway.image.tag: expected a string, got a list"},
	},
	{
		name:  "merge keys",
		files: []Source{src("a.yaml", "base: &base\n  replicaCount: 3\ngateway:\n  <<: *base\n")},
		want:  []string{"a.yaml:1:1: base: unknown key"},
	},
	{
		name:  "merge keys under a valid key",
		files: []Source{src("a.yaml", "gateway: &g\n  replicaCount: 3\nmcpAdapter:\n  <<: *g\n")},
		want:  []string{"a.yaml:4:3: mcpAdapter: YAML merge keys and aliased keys are not supported"},
	},
	{
		name: "--set without =",
		sets: []string{"gateway.replicaCount"},
		want: []string{"--set gateway.replicaCount: expected KEY=VALUE"},
	},
	{
		name: "--set with a comma in a value",
		sets: []string{"externalKafka.bootstrapServers=a:9092,b:9092"},
		want: []string{"--set b:9092: expected KEY=VALUE", `write a literal comma as \,`},
	},
	{
		name: "--set of an unknown key",
		sets: []string{"gateway.replicas=4"},
		want: []string{"--set gateway.replicas=4: gateway.replicas: unknown key \"replicas\" (did you mean gateway.replicaCount?)"},
	},
	{
		name: "--set of a mapping",
		sets: []string{"gateway.autoscaling=off"},
		want: []string{"gateway.autoscaling: is a mapping; set one of its keys, e.g. gateway.autoscaling.enabled"},
	},
	{
		name: "--set below a leaf",
		sets: []string{"gateway.replicaCount.max=3"},
		want: []string{"gateway.replicaCount.max: gateway.replicaCount is a integer, it has no key \"max\""},
	},
	{
		name: "--set with a wrong integer",
		sets: []string{"gateway.replicaCount=3.5"},
		want: []string{"--set gateway.replicaCount=3.5: gateway.replicaCount: expected an integer, got \"3.5\""},
	},
	{
		name: "--set with a wrong boolean",
		sets: []string{"gateway.tls.enabled=yes"},
		want: []string{"gateway.tls.enabled: expected true or false, got \"yes\""},
	},
	{
		name: "latest image tag",
		sets: []string{"postgresql.image.tag=latest"},
		want: []string{"postgresql.image.tag: \"latest\" is not allowed"},
	},
	{
		name: "empty image tag",
		sets: []string{"kafka.image.tag="},
		want: []string{"kafka.image.tag: must not be empty"},
	},
	{
		name: "pull policy outside the enum",
		sets: []string{"redis.image.pullPolicy=Sometimes"},
		want: []string{"redis.image.pullPolicy: \"Sometimes\" is not one of Always, IfNotPresent, Never"},
	},
	{
		name: "invalid namespace",
		sets: []string{"global.namespace=Caracal_Prod"},
		want: []string{"global.namespace: \"Caracal_Prod\" is not a valid name"},
	},
	{
		name:  "invalid pull secret name",
		files: []Source{src("a.yaml", "global:\n  imagePullSecrets:\n    - name: Reg Cred\n")},
		want:  []string{"a.yaml:2:3: global.imagePullSecrets: entry 1, \"Reg Cred\", is not a valid name"},
	},
	{
		name:  "pull secret entry of the wrong shape",
		files: []Source{src("a.yaml", "global:\n  imagePullSecrets:\n    - secret: regcred\n")},
		want:  []string{"a.yaml:3:7: global.imagePullSecrets[0]: expected a name or a {name: ...} mapping, got a mapping"},
	},
	{
		name:  "mtls without TLS",
		files: []Source{src("a.yaml", "gateway:\n  authMode: mtls\n  tls:\n    enabled: false\n")},
		want:  []string{"a.yaml:2:3: gateway.authMode: gateway.authMode mtls verifies clients against ca.crt", "gateway.tls.enabled=true (set at a.yaml:4:5)"},
	},
	{
		name:  "password in existing mode",
		files: []Source{src("a.yaml", "postgresql:\n  auth:\n    password: hunter2\n")},
		want:  []string{"a.yaml:3:5: postgresql.auth.password: a password is set, but secrets.mode is \"existing\"", "kubectl create secret generic caracal-secrets --namespace caracal", "secrets.mode=inline"},
	},
	{
		name: "redis password in existing mode, in the namespace given",
		sets: []string{"redis.auth.password=hunter2", "global.namespace=prod"},
		want: []string{"--set redis.auth.password=<redacted>: redis.auth.password: a password is set", "--namespace prod"},
	},
	{
		name: "inline mode with the chart's default passwords",
		sets: []string{"secrets.mode=inline"},
		want: []string{"postgresql.auth.password: secrets.mode is inline, but this is the chart's published default password; set a real password", "redis.auth.password", "secrets.allowInsecureDefaultPasswords=true"},
	},
	{
		name: "inline mode with an empty password",
		sets: []string{"secrets.mode=inline", "postgresql.auth.password=", "redis.auth.password=r"},
		want: []string{"postgresql.auth.password: secrets.mode is inline, so a password is required"},
	},
	{
		name: "secrets mode outside the enum",
		sets: []string{"secrets.mode=vault"},
		want: []string{"secrets.mode: \"vault\" is not one of existing, inline"},
	},
	{
		name: "externalSecrets without a store",
		sets: []string{"secrets.mode=externalSecrets"},
		want: []string{"--set secrets.mode=externalSecrets: secrets.mode: secrets.mode is externalSecrets, so set secrets.externalSecrets.storeRef.name to the ClusterSecretStore"},
	},
	{
		name: "a password with externalSecrets",
		sets: []string{"secrets.mode=externalSecrets", "secrets.externalSecrets.storeRef.name=vault", "redis.auth.password=x"},
		want: []string{"redis.auth.password: a password is set, but secrets.mode is \"externalSecrets\": the password comes from the property redis-password of \"caracal/credentials\""},
	},
	{
		name:  "refresh interval that is not a duration",
		files: []Source{src("a.yaml", "secrets:\n  externalSecrets:\n    refreshInterval: hourly\n")},
		want:  []string{"a.yaml:3:5: secrets.externalSecrets.refreshInterval: \"hourly\" is not a duration"},
	},
	{
		name: "store kind outside the enum",
		sets: []string{"secrets.externalSecrets.storeRef.kind=VaultStore"},
		want: []string{"secrets.externalSecrets.storeRef.kind: \"VaultStore\" is not one of ClusterSecretStore, SecretStore"},
	},
	{
		name: "backup schedule with four fields",
		sets: []string{"postgresql.backup.schedule=0 2 * *"},
		want: []string{"postgresql.backup.schedule: \"0 2 * *\" is not a cron schedule: want five fields"},
	},
	{
		name: "backup schedule out of range",
		sets: []string{"postgresql.backup.schedule=0 25 * * *"},
		want: []string{"postgresql.backup.schedule: \"0 25 * * *\": \"25\" is not a valid hour (0-23)"},
	},
	{
		name: "zero backups kept",
		sets: []string{"postgresql.backup.retention=0"},
		want: []string{"postgresql.backup.retention: must be at least 1, got 0"},
	},
	{
		name: "backfill without a source version",
		sets: []string{"upgrade.merkleBackfill.sourceVersion="},
		want: []string{"upgrade.merkleBackfill.sourceVersion: must not be empty"},
	},
	{
		name:  "a CIDR that is not one",
		files: []Source{src("a.yaml", "networkPolicy:\n  externalDatabaseCIDRs:\n    - 10.0.0.0/8\n    - 10.0.0.300/32\n")},
		want:  []string{"a.yaml:2:3: networkPolicy.externalDatabaseCIDRs: entry 2, \"10.0.0.300/32\", is not a CIDR"},
	},
	{
		name:  "a label key that is not one",
		files: []Source{src("a.yaml", "monitoring:\n  labels:\n    \"bad key!\": x\n")},
		want:  []string{"a.yaml:2:3: monitoring.labels: \"bad key!\" is not a valid label key"},
	},
	{
		name: "a label value that is not one",
		sets: []string{"monitoring.labels.release=kube prometheus"},
		want: []string{"monitoring.labels: \"kube prometheus\" is not a valid value for label release"},
	},
	{
		name:  "labels that are not a mapping",
		files: []Source{src("a.yaml", "monitoring:\n  labels: [a, b]\n")},
		want:  []string{"a.yaml:2:3: monitoring.labels: expected a mapping of strings, got a list"},
	},
	{
		name: "a scrape interval Prometheus does not read",
		sets: []string{"monitoring.scrapeInterval=30 seconds"},
		want: []string{"monitoring.scrapeInterval: \"30 seconds\" is not a Prometheus duration"},
	},
	{
		name: "a percentage above 100",
		sets: []string{"monitoring.alerts.volumeUsagePercent=120"},
		want: []string{"monitoring.alerts.volumeUsagePercent: must be at most 100, got 120"},
	},
	{
		name: "bootstrap servers without ports",
		sets: []string{"kafka.enabled=false", "externalKafka.bootstrapServers=b1.example.com"},
		want: []string{"externalKafka.bootstrapServers: \"b1.example.com\" is not host:port"},
	},
	{
		name: "--set of a whole map",
		sets: []string{"monitoring.labels=x"},
		want: []string{"monitoring.labels: is a map; set one of its keys, e.g. monitoring.labels.<key>=<value>"},
	},
	{
		name: "ZooKeeper mode with Kafka 4",
		sets: []string{"kafka.zookeeper.enabled=true"},
		want: []string{"--set kafka.zookeeper.enabled=true: kafka.zookeeper.enabled: ZooKeeper mode needs a Kafka 3.x image (Kafka 4 has no ZooKeeper mode), but kafka.image.tag is \"4.1.0\": set kafka.image.tag=3.9.1"},
	},
	{
		name: "SASL without credentials",
		sets: []string{"kafka.enabled=false", "externalKafka.bootstrapServers=k:9096", "externalKafka.sasl.mechanism=SCRAM-SHA-256"},
		want: []string{"externalKafka.sasl.mechanism: externalKafka.sasl.mechanism is SCRAM-SHA-256, so set externalKafka.sasl.existingSecret"},
	},
	{
		name: "sslmode outside the enum",
		sets: []string{"externalDatabase.sslmode=on"},
		want: []string{"externalDatabase.sslmode: \"on\" is not one of disable, allow, prefer, require, verify-ca, verify-full"},
	},
	{
		name: "an existing secret with an invalid name",
		sets: []string{"externalRedis.existingSecret=Redis Creds"},
		want: []string{"externalRedis.existingSecret: \"Redis Creds\" is not a valid name"},
	},
	{
		name:  "an empty list of CIDRs",
		files: []Source{src("a.yaml", "networkPolicy:\n  externalRedisCIDRs: []\n")},
		want:  []string{"a.yaml:2:3: networkPolicy.externalRedisCIDRs: must list at least one CIDR (0.0.0.0/0 allows every address)"},
	},
	{
		name: "a KRaft quorum of two",
		sets: []string{"kafka.replicaCount=2", "kafka.config.defaultReplicationFactor=2"},
		want: []string{"kafka.replicaCount: a KRaft quorum of 2 stops when either node does"},
	},
	{
		name: "an even ZooKeeper ensemble",
		sets: []string{"kafka.zookeeper.enabled=true", "kafka.image.tag=3.9.1", "kafka.zookeeper.replicaCount=4"},
		want: []string{"kafka.zookeeper.replicaCount: 4 ZooKeeper nodes tolerate no more failures than 3: use an odd number"},
	},
	{
		name: "too many brokers",
		sets: []string{"kafka.replicaCount=100000000000000"},
		want: []string{"kafka.replicaCount: 100000000000000 is too large"},
	},
	{
		name: "too many replicas",
		sets: []string{"gateway.replicaCount=5000"},
		want: []string{"gateway.replicaCount: must be at most 1000, got 5000"},
	},
	{
		name: "the same port twice",
		sets: []string{"gateway.service.metricsPort=8443"},
		want: []string{"--set gateway.service.metricsPort=8443: gateway.service.metricsPort: gateway.service.httpsPort and gateway.service.metricsPort are both 8443; they must differ"},
	},
	{
		name: "an MCP adapter without a gateway",
		sets: []string{"gateway.enabled=false"},
		want: []string{"--set gateway.enabled=false: gateway.enabled: the MCP adapter forwards every call to the gateway"},
	},
	{
		name:  "YAML error on line 1, which the parser leaves out",
		files: []Source{src("a.yaml", "gateway: replicaCount: 3\n")},
		want:  []string{"a.yaml:1: not valid YAML: mapping values are not allowed in this context"},
	},
	{
		name:  "unterminated string on line 1",
		files: []Source{src("a.yaml", "global: {namespace: \"caracal")},
		want:  []string{"a.yaml:1: not valid YAML: "},
	},
	{
		name:  "invalid UTF-8",
		files: []Source{src("a.yaml", "global:\n  namespace: \"caf\xe9\"\n")},
		want:  []string{"a.yaml:2:18: not valid YAML: invalid UTF-8"},
	},
	{
		name:  "alias to an unknown anchor",
		files: []Source{src("a.yaml", "# not *base, in a comment\ngateway:\n  image: {tag: *base}\n")},
		want:  []string{"a.yaml:3:16: not valid YAML: an alias (a value starting with *) refers to no anchor; quote the value if the * belongs to it"},
	},
	{
		name:  "alias used before its anchor",
		files: []Source{src("a.yaml", "gateway:\n  image:\n    tag: *t\nredis:\n  image:\n    tag: &t 7.4\n")},
		want:  []string{"a.yaml:3:10: not valid YAML: an alias (a value starting with *) refers to no anchor; quote the value if the * belongs to it"},
	},
	{
		name: "--set of nothing",
		sets: []string{""},
		want: []string{`--set "": expected KEY=VALUE`},
	},
	{
		name: "--set with an empty pair between two",
		sets: []string{"gateway.replicaCount=2,,gateway.authMode=jwt"},
		want: []string{`--set "gateway.replicaCount=2,,gateway.authMode=jwt": expected KEY=VALUE`},
	},
	{
		name:  "duplicate label key, naming both lines",
		files: []Source{src("a.yaml", "monitoring:\n  labels:\n    release: a\n    release: b\n")},
		want:  []string{"a.yaml:4:5: monitoring.labels.release: duplicate key: \"release\" is already defined at line 3"},
	},
	{
		name:  "duplicate label key in a flow mapping",
		files: []Source{src("a.yaml", "monitoring:\n  labels: {a: x, a: y}\n")},
		want:  []string{"a.yaml:2:18: monitoring.labels.a: duplicate key: \"a\" is already defined at line 2"},
	},
	{
		name: "backup schedule with a range that runs backwards",
		sets: []string{"postgresql.backup.schedule=5-1 * * * *"},
		want: []string{`postgresql.backup.schedule: "5-1 * * * *": the range 5-1 in the minute field ends before it starts`},
	},
	{
		name: "backup schedule with a day name in the month field",
		sets: []string{"postgresql.backup.schedule=0 2 * MON *"},
		want: []string{`postgresql.backup.schedule: "0 2 * MON *": "MON" is not a valid month (1-12 or JAN-DEC)`},
	},
	{
		name: "backup schedule with a time zone",
		sets: []string{"postgresql.backup.schedule=CRON_TZ=Europe/Paris 0 2 * * *"},
		want: []string{"a time zone (TZ= or CRON_TZ=) is not allowed"},
	},
	{
		name:  "no namespace may scrape, which selects them all",
		files: []Source{src("a.yaml", "networkPolicy:\n  metricsNamespaceLabels:\n    kubernetes.io/metadata.name: null\n")},
		want:  []string{"a.yaml:2:3: networkPolicy.metricsNamespaceLabels: networkPolicy.enabled is true, so name at least one label", "every namespace could reach the metrics ports"},
	},
	{
		name: "no namespace may scrape, by --set",
		sets: []string{`networkPolicy.metricsNamespaceLabels.kubernetes\.io/metadata\.name=null`},
		want: []string{`--set networkPolicy.metricsNamespaceLabels.kubernetes\.io/metadata\.name=null: networkPolicy.metricsNamespaceLabels: networkPolicy.enabled is true`},
	},
	{
		name: "a later file is where the problem is reported",
		files: []Source{
			src("base.yaml", "kafka:\n  replicaCount: 3\n"),
			src("prod.yaml", "kafka:\n  replicaCount: 1\n"),
		},
		want: []string{"prod.yaml:2:3: kafka.replicaCount: kafka.config.defaultReplicationFactor (3) is above kafka.replicaCount (1"},
	},
}

func TestRules(t *testing.T) {
	for _, tc := range ruleCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.files, tc.sets)
			if err == nil {
				t.Fatal("accepted; want an error")
			}
			var verr *Error
			if !errors.As(err, &verr) {
				t.Fatalf("error of type %T, want *values.Error: %v", err, err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message lacks %q:\n%v", w, err)
				}
			}
		})
	}
}

// Every problem is reported, not just the first.
func TestRulesReportEveryProblem(t *testing.T) {
	_, err := Parse([]Source{src("a.yaml", "gatway: {}\nredis:\n  enabld: true\n")}, []string{"kafka.replicaCount=x"})
	var verr *Error
	if !errors.As(err, &verr) || len(verr.Problems) != 3 {
		t.Fatalf("want 3 problems, got %v", err)
	}
}

// Aliases can multiply a small file into a huge tree; the loader stops
// at a budget instead of using the memory and time it would take.
func TestAliasAmplificationIsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("global:\n  imagePullSecrets: &l [" + strings.Repeat("s,", 999) + "s]\n")
	for i := 0; i < 200; i++ {
		b.WriteString("global: {imagePullSecrets: *l}\n")
	}
	_, err := Parse([]Source{src("amp.yaml", b.String())}, nil)
	want := "global.imagePullSecrets: the document expands to more than 100000 nodes through YAML aliases"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("want %q, got %v", want, err)
	}
}

func TestMissingAndUnreadableFiles(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ file, want string }{
		{dir + "/nope.yaml", "nope.yaml: cannot read the values file: no such file or directory"},
		{dir, ": cannot read the values file: it is a directory"},
	} {
		_, err := Load([]string{tc.file}, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: want %q, got %v", tc.file, tc.want, err)
		}
	}
}
