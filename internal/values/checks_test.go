package values

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v3"
)

// A value of a field case: what the CLI and the schema must make of it.
type fieldValue struct {
	v    any    // a string, or a number as YAML writes it
	want string // "" for a good value; else a fragment of the CLI's message
	// loose names the rule whose inexpressible part the value falls in:
	// the schema accepts it, the CLI does not.
	loose string
}

func ok(vs ...any) []fieldValue {
	out := make([]fieldValue, len(vs))
	for i, v := range vs {
		out[i] = fieldValue{v: v}
	}
	return out
}

// fieldCases are, per key, values the CLI must accept and values it must
// refuse with a message, each also run through the JSON Schema. ctx
// holds other keys that make the document valid otherwise.
var fieldCases = []struct {
	key  string
	ctx  map[string]any
	vals []fieldValue
}{
	{key: "global.namespace", vals: append(ok("caracal", "caracal-prod", "kubes", "defaults", "argo"),
		fieldValue{v: "kube-system", want: `"kube-system" is a namespace of Kubernetes itself`},
		fieldValue{v: "kube-public", want: "global.allowSystemNamespace=true"},
		fieldValue{v: "kube-node-lease", want: "namespace of Kubernetes itself"},
		fieldValue{v: "default", want: "namespace of Kubernetes itself (objects without a namespace land there)"},
		fieldValue{v: "argocd", want: "namespace of Argo CD"},
		fieldValue{v: "flux-system", want: "namespace of Flux"},
		fieldValue{v: "Caracal_Prod", want: "is not a valid name"},
		fieldValue{v: strings.Repeat("n", 64), want: "must be no more than 63 characters"},
	)},
	{key: "global.storageClass", vals: append(ok("", "-", "gp3-encrypted", "fast.ssd"),
		fieldValue{v: "fast ssd", want: `"fast ssd" is not a StorageClass name: use "" for the cluster's default class`},
		fieldValue{v: "Fast", want: "is not a StorageClass name"},
		fieldValue{v: "gp3\n", want: "is not a StorageClass name"},
		fieldValue{v: "--", want: "is not a StorageClass name"},
	)},
	{key: "postgresql.backup.persistence.storageClass", vals: append(ok("", "-", "standard"),
		fieldValue{v: "slow/disk", want: "is not a StorageClass name"},
	)},
	{key: "global.clusterDomain", vals: append(ok("cluster.local", "k8s.example.com"),
		fieldValue{v: "cluster.local\nlisteners=PLAINTEXT://evil:9092", want: `"cluster.local\nlisteners=PLAINTEXT://evil:9092" is not a valid name`},
		fieldValue{v: "cluster.local.", want: "is not a valid name"},
		fieldValue{v: "", want: "must not be empty"},
	)},
	{key: "externalDatabase.existingSecretPasswordKey", vals: append(ok("postgresql-password", "DB_PASSWORD", "db.password"),
		fieldValue{v: "postgres password", want: `"postgres password" is not a valid key of a Secret: a valid config key must consist of alphanumeric characters`},
		fieldValue{v: "a/b", want: "is not a valid key of a Secret"},
		fieldValue{v: ".", want: "must not be '.'"},
		fieldValue{v: "..", want: "must not be '..'"},
		fieldValue{v: "..hidden", want: "must not start with '..'"},
		fieldValue{v: strings.Repeat("k", 254), want: "must be no more than 253 characters"},
		fieldValue{v: "", want: "must not be empty"},
	)},
	{key: "externalRedis.existingSecretPasswordKey", vals: append(ok("redis-password"),
		fieldValue{v: "redis password", want: "is not a valid key of a Secret"},
	)},
	{key: "externalDatabase.host", ctx: map[string]any{"postgresql.enabled": false}, vals: append(ok("db.example.com", "10.0.0.5", "fd00::5", "::ffff:10.0.0.5"),
		fieldValue{v: "db.example.com:5432", want: "is neither a DNS name such as db.example.com"},
		fieldValue{v: "DB.example.com", want: "is neither a DNS name"},
		fieldValue{v: "db host", want: "is neither a DNS name"},
		fieldValue{v: "db.example.com\n", want: "is neither a DNS name"},
		fieldValue{v: "1:2:3:4:5:6:7:8:9", want: "nor an IP address", loose: "host"},
	)},
	{key: "externalRedis.host", ctx: map[string]any{"redis.enabled": false}, vals: append(ok("redis.example.com"),
		fieldValue{v: "redis.example.com\r\nFLUSHALL", want: "is neither a DNS name"},
	)},
	{key: "externalKafka.bootstrapServers", ctx: map[string]any{"kafka.enabled": false}, vals: append(
		ok("b-1.example.com:9092", "b-1.example.com:9092,b-2.example.com:9092", "b-1.example.com:9092, b-2.example.com:09092", "[fd00::1]:9092", "10.0.0.1:9092"),
		fieldValue{v: "b1.example.com", want: `"b1.example.com" is not host:port (a comma-separated list`},
		fieldValue{v: "b1.example.com:0", want: "has a port that is not 1..65535"},
		fieldValue{v: "b1.example.com:65536", want: "has a port that is not 1..65535"},
		fieldValue{v: "b1.example.com:+9092", want: "has a port that is not 1..65535"},
		fieldValue{v: "b1.example.com:9092\nlisteners=x:1", want: "it holds a line break, a space or another control character"},
		fieldValue{v: "b1.example.com:9092\n", want: "it holds a line break"},
		fieldValue{v: "b1.example.com:9092,\tb2.example.com:9092", want: "it holds a line break"},
		fieldValue{v: "B1.example.com:9092", want: "has a host that is neither a DNS name"},
		fieldValue{v: "[b1.example.com]:9092", want: "has a host that is neither"},
		fieldValue{v: "b1.example.com:9092,", want: `"" is not host:port`},
		fieldValue{v: "fd00::1:9092", want: "is not host:port"},
		fieldValue{v: "[1:2:3:4:5:6:7:8:9]:9092", want: "has a host", loose: "hostports"},
	)},
	{key: "postgresql.auth.database", vals: append(ok("caracal", "caracal_2", "_x", "Caracal"),
		fieldValue{v: "caracal?sslmode=disable", want: `"caracal?sslmode=disable" is not a plain PostgreSQL name: use letters, digits and '_'`},
		fieldValue{v: "caracal/other", want: "it is written unquoted into the exporter's connection URI"},
		fieldValue{v: "cara cal", want: "is not a plain PostgreSQL name"},
		fieldValue{v: "caracal\n", want: "is not a plain PostgreSQL name"},
		fieldValue{v: "caracal-db", want: "is not a plain PostgreSQL name"},
		fieldValue{v: "1caracal", want: "is not a plain PostgreSQL name"},
		fieldValue{v: "$(DB_PASSWORD)", want: "is not a plain PostgreSQL name"},
		fieldValue{v: strings.Repeat("d", 64), want: "at most 63 characters"},
	)},
	{key: "postgresql.auth.username", vals: append(ok("caracal_app"),
		fieldValue{v: "caracal@host", want: "is not a plain PostgreSQL name"},
		fieldValue{v: "user:pw", want: "is not a plain PostgreSQL name"},
	)},
	{key: "externalDatabase.database", vals: []fieldValue{{v: "x?sslmode=disable", want: "is not a plain PostgreSQL name"}}},
	{key: "externalDatabase.username", vals: []fieldValue{{v: "app@db", want: "is not a plain PostgreSQL name"}}},
	{key: "upgrade.merkleBackfill.sourceVersion", vals: append(ok("v0.2", "0.2", "v0.2.3", "1", "v0.3.0-rc.1"),
		fieldValue{v: "$(DB_PASSWORD)", want: `"$(DB_PASSWORD)" is not a version such as v0.2 or 0.2.3: it is passed on the backfill Job's command line`},
		fieldValue{v: "v0.2 --all", want: "is not a version"},
		fieldValue{v: "v0.2;reboot", want: "is not a version"},
		fieldValue{v: "latest", want: "is not a version"},
		fieldValue{v: "", want: "must not be empty"},
	)},
	{key: "flux.path", vals: append(ok("./dist", "./", "./dist/environments/dev", "./a..b", "./my deploys"),
		fieldValue{v: "dist", want: `"dist" is not a path in the Git repository such as ./dist: start it with ./`},
		fieldValue{v: "/dist", want: "start it with ./"},
		fieldValue{v: "../dist", want: "is not a path in the Git repository"},
		fieldValue{v: "./dist/../../etc", want: "use no '..'"},
		fieldValue{v: "./..", want: "use no '..'"},
		fieldValue{v: "./dist\n", want: "control character"},
		fieldValue{v: `.\dist`, want: "backslash"},
		fieldValue{v: "", want: "is not a path"},
	)},
	{key: "flux.interval", vals: append(ok("10m", "1h30m", "0.5h", "90s"),
		fieldValue{v: "0s", want: `"0s" is no time at all`},
		fieldValue{v: "0m0s", want: "is no time at all"},
		fieldValue{v: "10 minutes", want: "is not a duration such as 30m"},
		fieldValue{v: "10us", want: "is not a duration"},
		fieldValue{v: "-1m", want: "is not a duration"},
		fieldValue{v: "1d", want: "is not a duration"},
		fieldValue{v: "9999999999h", want: "is not a duration", loose: "positiveduration"},
	)},
	{key: "flux.timeout", vals: append(ok("35m", "1h"),
		fieldValue{v: "0h", want: "is no time at all"},
	)},
	{key: "secrets.externalSecrets.refreshInterval", vals: append(ok("0s", "15m", "1h"),
		fieldValue{v: "hourly", want: `"hourly" is not a duration`},
		fieldValue{v: "1 h", want: "is not a duration"},
	)},
	{key: "secrets.externalSecrets.remoteKeys.credentials", vals: append(ok("caracal/credentials", "arn:aws:secretsmanager:eu-west-1:1:secret:x", "secret/data/caracal key", "ключ"),
		fieldValue{v: "", want: "must not be empty"},
		fieldValue{v: " caracal", want: `" caracal" is not a key of a secret store such as caracal/credentials`},
		fieldValue{v: "caracal ", want: "no spaces at either end"},
		fieldValue{v: "caracal\ncredentials", want: "no control characters"},
		fieldValue{v: "caracal\tx", want: "no control characters"},
		fieldValue{v: "caracal\u0085x", want: "no control characters"},
		fieldValue{v: strings.Repeat("k", 1025), want: "at most 1024 characters"},
	)},
	{key: "secrets.externalSecrets.remoteKeys.externalRedis", vals: []fieldValue{{v: "a\x00b", want: "no control characters"}}},
	{key: "secrets.externalSecrets.storeRef.name", vals: append(ok("", "vault-backend"),
		fieldValue{v: "Vault Backend", want: "is not a valid name"},
	)},
	{key: "gateway.image.repository", vals: append(ok("ghcr.io/caracal/caracal-core", "postgres", "localhost:5000/x/y", "registry.example.com:443/team/app", "[fd00::1]:5000/app"),
		fieldValue{v: "ghcr.io/caracal/core; rm -rf /", want: `"ghcr.io/caracal/core; rm -rf /" is not an image repository such as ghcr.io/caracal/caracal-core (lowercase, no spaces, no tag): invalid reference format`},
		fieldValue{v: "ghcr.io/Caracal/core", want: "must be lowercase"},
		fieldValue{v: "postgres:17", want: `"postgres:17" holds a tag: give the repository alone`},
		fieldValue{v: "postgres@sha256:" + strings.Repeat("a", 64), want: "holds a digest"},
		fieldValue{v: "ghcr.io/caracal/core ", want: "is not an image repository"},
		fieldValue{v: "", want: "is not an image repository"},
		fieldValue{v: strings.Repeat("a", 64), want: "is not an image repository", loose: "imagerepo"},
	)},
	{key: "gateway.image.tag", vals: append(ok("0.3.0", "v1.2.3-alpine", "3.9.1_build", "_x"),
		fieldValue{v: "latest", want: `"latest" is not allowed: pin a version`},
		fieldValue{v: "0.3.0 ", want: `"0.3.0 " is not an image tag: a tag is letters, digits`},
		fieldValue{v: "0.3.0@sha256:abc", want: "is not an image tag"},
		fieldValue{v: ".hidden", want: "is not an image tag"},
		fieldValue{v: "-x", want: "is not an image tag"},
		fieldValue{v: strings.Repeat("1", 129), want: "at most 128 characters long"},
		fieldValue{v: "", want: "must not be empty: pin a version"},
	)},
	{key: "postgresql.resources.requests.cpu", vals: append(ok("500m", "0", "", "1.5", 2, 0.5),
		fieldValue{v: "-100m", want: `must not be negative, got "-100m": Kubernetes refuses a negative request or limit`},
		fieldValue{v: "-0", want: "must not be negative"},
		fieldValue{v: -1, want: "must not be negative"},
	)},
	{key: "postgresql.resources.limits.memory", vals: append(ok("4Gi", ""),
		fieldValue{v: "-1Gi", want: "must not be negative"},
	)},
	{key: "kafka.resources.requests.ephemeral-storage", vals: []fieldValue{{v: "-1e3", want: "must not be negative"}}},
	{key: "redis.persistence.size", vals: append(ok("1Gi", "1e-20", 10),
		fieldValue{v: "0", want: "must be greater than zero"},
		fieldValue{v: "0Gi", want: "must be greater than zero"},
		fieldValue{v: "0.0", want: "must be greater than zero"},
		fieldValue{v: "0e3", want: "must be greater than zero"},
		fieldValue{v: "-1Gi", want: "must be greater than zero"},
		fieldValue{v: 0, want: "must be greater than zero"},
		fieldValue{v: "", want: "must not be empty"},
	)},
	{key: "monitoring.scrapeInterval", vals: append(ok("30s", "1m30s", "1h", "500ms", "292y", "106751d"),
		fieldValue{v: "293y", want: "is too long", loose: "promduration"},
		fieldValue{v: "99999999999999999999y", want: "is too long", loose: "promduration"},
		fieldValue{v: "106751d23h47m17s", want: "is too long", loose: "promduration"},
		fieldValue{v: "0s", want: `"0s" is no time at all`},
		fieldValue{v: "0", want: "is no time at all"},
		fieldValue{v: "0m0s", want: "is no time at all"},
		fieldValue{v: "30 seconds", want: "is not a Prometheus duration"},
		fieldValue{v: "", want: "must not be empty"},
	)},
	{key: "priorityClass.name", vals: append(ok("", "caracal-high"),
		fieldValue{v: "system-high", want: `"system-high": the API server refuses to create a PriorityClass named system-...`},
		fieldValue{v: "Caracal High", want: "is not a valid name"},
	)},
	{key: "priorityClass.name", ctx: map[string]any{"priorityClass.create": false}, vals: ok("system-cluster-critical")},
	{key: "gateway.service.httpsPort", vals: append(ok(443, 65535),
		fieldValue{v: 0, want: "0 is not a port; use 1..65535"},
		fieldValue{v: 65536, want: "65536 is not a port"},
	)},
	{key: "jobs.backoffLimit", vals: append(ok(0, 6),
		fieldValue{v: 1 << 40, want: "is too large (Kubernetes fields are 32-bit)"},
	)},
	{key: "gateway.service.type", vals: append(ok("ClusterIP", "LoadBalancer"),
		fieldValue{v: "Loadbalancer", want: `"Loadbalancer" is not one of ClusterIP, NodePort, LoadBalancer (did you mean "LoadBalancer"?)`},
		fieldValue{v: "", want: "is not one of"},
	)},
	{key: "gateway.autoscaling.targetCPUUtilizationPercentage", vals: append(ok(1, 100),
		fieldValue{v: 0, want: "must be at least 1, got 0"},
		fieldValue{v: 101, want: "must be at most 100, got 101"},
	)},
	{key: "global.imagePullSecrets", vals: append(ok([]string{}, []string{"regcred", "ghcr.io-pull"}, []any{map[string]any{"name": "regcred"}}),
		fieldValue{v: []string{"regcred", "Reg_Cred"}, want: `entry 2, "Reg_Cred", is not a valid name`},
		fieldValue{v: []any{map[string]any{"name": "Reg Cred"}}, want: `entry 1, "Reg Cred", is not a valid name`},
	)},
	{key: "postgresql.backup.schedule", vals: append(ok("0 2 * * *", "@daily", "*/15 * * * *", "0 2 * * MON-FRI", "@every 6h"),
		fieldValue{v: "0 2 * *", want: "want five fields"},
		fieldValue{v: "@sometimes", want: "the descriptors are"},
		fieldValue{v: "0 25 * * *", want: `"25" is not a valid hour`, loose: "cron"},
	)},
}

// Each field accepts the good values and refuses the bad ones with its
// message; the JSON Schema agrees, except where the case names the rule
// whose inexpressible part it falls in.
func TestFieldRules(t *testing.T) {
	s := compiledSchema(t)
	for _, fc := range fieldCases {
		for _, val := range fc.vals {
			name := fc.key + "=" + strings.ReplaceAll(strings.ReplaceAll(stringOf(val.v), "\n", `\n`), "/", "|")
			if len(name) > 100 {
				name = name[:100]
			}
			t.Run(name, func(t *testing.T) {
				doc := valuesDoc(t, fc.ctx, fc.key, val.v)
				_, err := Parse([]Source{{Name: "f.yaml", Data: doc}}, nil)
				if val.want == "" && err != nil {
					t.Errorf("the CLI refuses a good value: %v", err)
				}
				if val.want != "" {
					var verr *Error
					if !errors.As(err, &verr) {
						t.Fatalf("the CLI accepts it (%v); want %q", err, val.want)
					}
					found := false
					for _, p := range verr.Problems {
						found = found || (p.Key == fc.key && strings.Contains(p.Msg, val.want) && p.Pos.File == "f.yaml" && p.Pos.Line > 0)
					}
					if !found {
						t.Errorf("want a problem at f.yaml with %s: %q, got:\n%v", fc.key, val.want, err)
					}
				}
				schemaErr := fieldSchemaValidate(t, s, doc)
				switch {
				case val.want == "" && schemaErr != nil:
					t.Errorf("the schema refuses a good value: %v", schemaErr)
				case val.want != "" && val.loose == "" && schemaErr == nil:
					t.Errorf("the schema accepts a value the CLI refuses")
				case val.loose != "" && schemaErr != nil:
					t.Errorf("marked loose (%s), but the schema refuses it: %v", val.loose, schemaErr)
				case val.loose != "" && schemaInexpressibleChecks[val.loose] == "":
					t.Errorf("marked loose, but %q is not in schemaInexpressibleChecks", val.loose)
				}
			})
		}
	}
}

// A value of a rule case, as the field holds it: a string, an int, a
// []string or Labels.
type ruleValue struct {
	v    any
	want string // "" for a good value; else a fragment of the rule's message
	// loose: the value falls in what JSON Schema cannot say of the rule
	// (see rule.inexpressible), so the rule's schema accepts it.
	loose bool
}

func accepted(vs ...any) []ruleValue {
	out := make([]ruleValue, len(vs))
	for i, v := range vs {
		out[i] = ruleValue{v: v}
	}
	return out
}

// singleRuleCases test each rule of rules on its own, apart from any key that
// uses it: values it accepts, values it refuses with its message. tag is
// the check tag, the rule's name when empty.
var singleRuleCases = []struct {
	rule, tag string
	vals      []ruleValue
}{
	{rule: "optional", tag: "optional,dnsname", vals: append(accepted("", "caracal"),
		// It skips the other checks for an empty value only.
		ruleValue{v: "Caracal", want: `"Caracal" is not a valid name`},
	)},
	{rule: "required", vals: append(accepted("x", " "),
		ruleValue{v: "", want: "must not be empty"},
	)},
	{rule: "min", tag: "min=1", vals: append(accepted(1, 1000),
		ruleValue{v: 0, want: "must be at least 1, got 0"},
		ruleValue{v: -5, want: "must be at least 1, got -5"},
	)},
	{rule: "max", tag: "max=99", vals: append(accepted(99, 0, -1),
		ruleValue{v: 100, want: "must be at most 99, got 100"},
	)},
	{rule: "min", tag: "min=1,max=15", vals: append(accepted(1, 15),
		ruleValue{v: 0, want: "must be at least 1, got 0"},
		ruleValue{v: 16, want: "must be at most 15, got 16"},
	)},
	{rule: "port", vals: append(accepted(1, 8080, 65535),
		ruleValue{v: 0, want: "0 is not a port; use 1..65535"},
		ruleValue{v: 65536, want: "65536 is not a port"},
		ruleValue{v: -1, want: "-1 is not a port"},
	)},
	{rule: "enum", tag: "enum=ClusterIP|NodePort|LoadBalancer", vals: append(accepted("ClusterIP", "NodePort"),
		ruleValue{v: "Nodeport", want: `"Nodeport" is not one of ClusterIP, NodePort, LoadBalancer (did you mean "NodePort"?)`},
		ruleValue{v: "", want: `"" is not one of ClusterIP, NodePort, LoadBalancer`},
	)},
	{rule: "enum", tag: "enum=@authModes", vals: append(accepted("jwt", "mtls", "api_key"),
		ruleValue{v: "oauth", want: `"oauth" is not one of jwt, mtls, api_key`},
	)},
	{rule: "dnslabel", vals: append(accepted("caracal", "a-1"),
		ruleValue{v: "a.b", want: `"a.b" is not a valid name`},
		ruleValue{v: strings.Repeat("n", 64), want: "must be no more than 63 characters"},
	)},
	{rule: "dnsname", vals: append(accepted("a.b", "caracal-secrets"),
		ruleValue{v: "Caracal", want: `"Caracal" is not a valid name`},
		ruleValue{v: "-a", want: "is not a valid name"},
	)},
	{rule: "dnsnames", vals: append(accepted([]string{}, []string{"regcred", "a.b"}),
		ruleValue{v: []string{"regcred", "Bad_Name"}, want: `entry 2, "Bad_Name", is not a valid name`},
	)},
	{rule: "storageclass", vals: append(accepted("", "-", "gp3"),
		ruleValue{v: "fast ssd", want: `"fast ssd" is not a StorageClass name: use "" for the cluster's default class`},
		ruleValue{v: "--", want: "is not a StorageClass name"},
	)},
	{rule: "secretkey", vals: append(accepted("db.password", "KEY_1"),
		ruleValue{v: "a/b", want: `"a/b" is not a valid key of a Secret`},
		ruleValue{v: "..", want: "must not be '..'"},
	)},
	{rule: "host", vals: append(accepted("db.example.com", "10.0.0.5", "fd00::5"),
		ruleValue{v: "db.example.com:5432", want: `"db.example.com:5432" is neither a DNS name such as db.example.com`},
		ruleValue{v: "1:2:3:4:5:6:7:8:9", want: "nor an IP address", loose: true},
	)},
	{rule: "hostports", vals: append(accepted("b-1.example.com:9092", "a:1, [fd00::1]:9092"),
		ruleValue{v: "b1.example.com", want: `"b1.example.com" is not host:port (a comma-separated list`},
		ruleValue{v: "b1.example.com:0", want: "has a port that is not 1..65535"},
		ruleValue{v: "[1:2:3:4:5:6:7:8:9]:9092", want: "has a host that is neither", loose: true},
	)},
	{rule: "imagerepo", vals: append(accepted("postgres", "ghcr.io/caracal/caracal-core"),
		ruleValue{v: "postgres:17", want: `"postgres:17" holds a tag`},
		ruleValue{v: "postgres@sha256:" + strings.Repeat("a", 64), want: "holds a digest"},
		ruleValue{v: "Postgres", want: "is not an image repository"},
		ruleValue{v: strings.Repeat("a", 64), want: "is not an image repository", loose: true},
	)},
	{rule: "pinned", vals: append(accepted("0.3.0", "_x"),
		ruleValue{v: "", want: "must not be empty: pin a version"},
		ruleValue{v: "latest", want: `"latest" is not allowed`},
		ruleValue{v: "0.3 ", want: `"0.3 " is not an image tag`},
	)},
	{rule: "duration", vals: append(accepted("0s", "1h30m", "0.5h"),
		ruleValue{v: "1d", want: `"1d" is not a duration such as 30m, 1h or 24h`},
		ruleValue{v: "-1m", want: "is not a duration"},
		ruleValue{v: "9999999999h", want: "is not a duration", loose: true},
	)},
	{rule: "positiveduration", vals: append(accepted("10m", "1ms"),
		ruleValue{v: "0s", want: `"0s" is no time at all`},
		ruleValue{v: "0m0s", want: "is no time at all"},
		ruleValue{v: "ten", want: "is not a duration"},
	)},
	{rule: "promduration", vals: append(accepted("30s", "1h30m", "292y"),
		ruleValue{v: "0", want: `"0" is no time at all`},
		ruleValue{v: "30 seconds", want: "is not a Prometheus duration"},
		ruleValue{v: "293y", want: "is too long", loose: true},
	)},
	{rule: "cron", vals: append(accepted("0 2 * * *", "@daily", "@every 6h", "0 2 * * MON-FRI", "*/15 * * * *"),
		ruleValue{v: "0 2 * *", want: "want five fields"},
		ruleValue{v: "@sometimes", want: "the descriptors are"},
		ruleValue{v: "CRON_TZ=UTC 0 2 * * *", want: "a time zone (TZ= or CRON_TZ=) is not allowed"},
		ruleValue{v: "0 25 * * *", want: `"25" is not a valid hour`, loose: true},
		ruleValue{v: "0 2 * * 5-1", want: "ends before it starts", loose: true},
		ruleValue{v: "@every 0s", want: "is not a duration such as 30m or 6h", loose: true},
	)},
	{rule: "cidrs", vals: append(accepted([]string{"10.0.0.0/8", "::/0"}),
		ruleValue{v: []string{}, want: "must list at least one CIDR"},
		ruleValue{v: []string{"10.0.0.0"}, want: `entry 1, "10.0.0.0", is not a CIDR`},
		ruleValue{v: []string{"1:2:3:4:5:6:7:8:9/64"}, want: "is not a CIDR", loose: true},
	)},
	{rule: "registry", vals: append(accepted("registry.example.com:5000", "mirror.internal", "localhost:5000"),
		ruleValue{v: "registry.example.com/caracal", want: `"registry.example.com/caracal" is not a registry`},
		ruleValue{v: "https://registry.example.com", want: "is not a registry"},
	)},
	{rule: "cidrlist", vals: append(accepted([]string{}, []string{"203.0.113.0/24", "2001:db8::/32"}),
		ruleValue{v: []string{"203.0.113.0/24", "203.0.113.7"}, want: `entry 2, "203.0.113.7", is not a CIDR`},
		ruleValue{v: []string{"1:2:3:4:5:6:7:8:9/64"}, want: "is not a CIDR", loose: true},
	)},
	{rule: "qualifiedname", vals: append(accepted("service.k8s.aws/nlb", "metallb"),
		ruleValue{v: "Not A Class", want: `"Not A Class" is not a qualified name`},
		ruleValue{v: "a/b/c", want: "is not a qualified name"},
	)},
	{rule: "annotations", vals: append(accepted(Labels{}, Labels{"service.beta.kubernetes.io/aws-load-balancer-type": "nlb", "Note": "any text, even with spaces"}),
		ruleValue{v: Labels{"bad key!": "x"}, want: `"bad key!" is not a valid annotation key`},
		ruleValue{v: Labels{"big": strings.Repeat("x", 256<<10)}, want: "the annotations take 262147 bytes; Kubernetes takes at most 262144", loose: true},
	)},
	{rule: "labels", vals: append(accepted(Labels{}, Labels{"release": "x", "example.com/team": "caracal"}),
		ruleValue{v: Labels{"bad key!": "x"}, want: `"bad key!" is not a valid label key`},
		ruleValue{v: Labels{"app": "a b"}, want: `"a b" is not a valid value for label app`},
	)},
	{rule: "reserved", tag: "reserved=app.kubernetes.io/", vals: append(accepted(Labels{}, Labels{"team": "payments", "example.com/app.kubernetes.io": "x"}),
		ruleValue{v: Labels{"team": "x", "app.kubernetes.io/name": "other"}, want: `"app.kubernetes.io/name" is under app.kubernetes.io/, which the output sets itself`},
	)},
	{rule: "positive", vals: append(accepted("1Gi", "1e-20", ""),
		ruleValue{v: "0", want: `must be greater than zero, got "0"`},
		ruleValue{v: "0e3", want: "must be greater than zero"},
		ruleValue{v: "-1Gi", want: "must be greater than zero"},
	)},
	{rule: "nonnegative", vals: append(accepted("0", "500m", ""),
		ruleValue{v: "-100m", want: `must not be negative, got "-100m"`},
		ruleValue{v: "-0", want: "must not be negative"},
	)},
	{rule: "pgname", vals: append(accepted("caracal_2", "_x"),
		ruleValue{v: "caracal-db", want: `"caracal-db" is not a plain PostgreSQL name`},
		ruleValue{v: strings.Repeat("d", 64), want: "at most 63 characters"},
	)},
	{rule: "version", vals: append(accepted("v0.2", "0.2.3", "v0.3.0-rc.1"),
		ruleValue{v: "latest", want: `"latest" is not a version such as v0.2 or 0.2.3`},
		ruleValue{v: "v0.2 --all", want: "is not a version"},
	)},
	{rule: "fluxpath", vals: append(accepted("./dist", "./"),
		ruleValue{v: "dist", want: `"dist" is not a path in the Git repository such as ./dist: start it with ./`},
		ruleValue{v: "./a/../b", want: "use no '..'"},
	)},
	{rule: "remotekey", vals: append(accepted("caracal/credentials", "ключ"),
		ruleValue{v: " x", want: "no spaces at either end"},
		ruleValue{v: "a\nb", want: "no control characters"},
	)},
}

// Each rule accepts its good values and refuses its bad ones with its
// message, and its JSON Schema keywords alone judge alike (but where the
// rule says what of it they cannot express). Every rule has both.
func TestEachRule(t *testing.T) {
	tested := map[string][2]int{} // rule -> good, bad values
	for _, rc := range singleRuleCases {
		tag := rc.tag
		if tag == "" {
			tag = rc.rule
		}
		checks := parseChecks("test", tag)
		s := ruleSchema(t, checksSchema(checks))
		for _, val := range rc.vals {
			n := tested[rc.rule]
			if val.want == "" {
				n[0]++
			} else {
				n[1]++
			}
			tested[rc.rule] = n
			name := tag + "=" + strings.ReplaceAll(stringOf(val.v), "/", "|")
			t.Run(name, func(t *testing.T) {
				msg := applyChecks(checks, reflect.ValueOf(val.v))
				switch {
				case val.want == "" && msg != "":
					t.Errorf("refuses a good value: %s", msg)
				case val.want != "" && !strings.Contains(msg, val.want):
					t.Errorf("want a message with %q, got %q", val.want, msg)
				}
				schemaErr := s.Validate(jsonInstance(t, val.v))
				switch {
				case val.want == "" && schemaErr != nil:
					t.Errorf("the schema refuses a good value: %v", schemaErr)
				case val.want != "" && !val.loose && schemaErr == nil:
					t.Errorf("the schema accepts a value the rule refuses")
				case val.loose && schemaErr != nil:
					t.Errorf("marked loose, but the schema refuses it: %v", schemaErr)
				case val.loose && rules[rc.rule].inexpressible == "":
					t.Errorf("marked loose, but rule %q says the schema expresses all of it", rc.rule)
				}
			})
		}
	}
	for name := range rules {
		if n := tested[name]; n[0] == 0 || n[1] == 0 {
			t.Errorf("rule %q has %d good and %d bad values in singleRuleCases; want at least one of each", name, n[0], n[1])
		}
	}
}

// ruleSchema compiles JSON Schema keywords on their own.
func ruleSchema(t *testing.T, keywords map[string]any) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	if err := c.AddResource("rule.json", jsonInstance(t, keywords)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("rule.json")
	if err != nil {
		t.Fatalf("the rule's schema %v does not compile: %v", keywords, err)
	}
	return s
}

// jsonInstance is v as a JSON Schema validator reads it.
func jsonInstance(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// Labels: keys are qualified names, values label values, and null
// removes a default one.
func TestLabelRules(t *testing.T) {
	s := compiledSchema(t)
	for _, c := range []struct {
		doc, want string
	}{
		{"monitoring:\n  labels:\n    release: kube-prometheus-stack\n    example.com/team: caracal\n", ""},
		{"monitoring:\n  labels:\n    release: null\n    app: x\n", ""},
		{"monitoring:\n  labels:\n    release: kube prometheus\n", `"kube prometheus" is not a valid value for label release`},
		{"monitoring:\n  labels:\n    release: " + strings.Repeat("v", 64) + "\n", "must be no more than 63 characters"},
		{"monitoring:\n  labels:\n    \"bad key!\": x\n", `"bad key!" is not a valid label key`},
		{"monitoring:\n  labels:\n    " + strings.Repeat("k", 64) + ": x\n", "name part must be no more than 63 characters"},
		{"monitoring:\n  labels:\n    " + strings.Repeat("p", 254) + "/k: x\n", "prefix part must be no more than 253 characters"},
		{"monitoring:\n  labels:\n    Example.com/k: x\n", "prefix part a lowercase RFC 1123 subdomain"},
		{"monitoring:\n  labels:\n    a/b/c: x\n", "is not a valid label key"},
		{"networkPolicy:\n  metricsNamespaceLabels:\n    kubernetes.io/metadata.name: \"monitoring\\n\"\n", "is not a valid value for label kubernetes.io/metadata.name"},
	} {
		judgeAlike(t, s, c.doc, []byte(c.doc), c.want, false)
	}
}

func TestCIDRRules(t *testing.T) {
	s := compiledSchema(t)
	for _, c := range []struct {
		cidrs []string
		want  string
		loose bool
	}{
		{cidrs: []string{"10.0.0.0/8", "10.0.0.0/08", "0.0.0.0/0", "::/0", "fd00::/8", "255.255.255.255/32"}},
		{cidrs: []string{"10.0.0.300/32"}, want: `entry 1, "10.0.0.300/32", is not a CIDR`},
		{cidrs: []string{"10.0.0.0/33"}, want: "is not a CIDR"},
		{cidrs: []string{"010.0.0.0/8"}, want: "is not a CIDR"},
		{cidrs: []string{"10.0.0.0"}, want: "is not a CIDR"},
		{cidrs: []string{"10.0.0.0/8 "}, want: "is not a CIDR"},
		{cidrs: []string{"fd00::/129"}, want: "is not a CIDR"},
		{cidrs: []string{"1:2:3:4:5:6:7:8:9/64"}, want: "is not a CIDR", loose: true},
		{cidrs: []string{}, want: "must list at least one CIDR"},
	} {
		doc := valuesDoc(t, nil, "networkPolicy.externalDatabaseCIDRs", c.cidrs)
		judgeAlike(t, s, fmt.Sprint(c.cidrs), doc, c.want, c.loose)
	}
	if schemaInexpressibleChecks["cidrs"] == "" {
		t.Error("cidrs is loose for IPv6 but not listed in schemaInexpressibleChecks")
	}
}

// The override lets global.namespace be a system namespace, unless
// Caracal's NetworkPolicies would then cut off the cluster DNS or Flux.
func TestSystemNamespaceOverride(t *testing.T) {
	s := compiledSchema(t)
	for _, c := range []struct {
		ctx  map[string]any
		ns   string
		want string // "" accepted
	}{
		{ns: "kube-public", ctx: map[string]any{"global.allowSystemNamespace": true}},
		{ns: "default", ctx: map[string]any{"global.allowSystemNamespace": true}},
		{ns: "argocd", ctx: map[string]any{"global.allowSystemNamespace": true}},
		{ns: "kube-public", ctx: map[string]any{"global.allowSystemNamespace": false}, want: "namespace of Kubernetes itself"},
		{ns: "kube-system", ctx: map[string]any{"global.allowSystemNamespace": true}, want: `global.namespace and networkPolicy.dnsNamespace are both "kube-system": Caracal's NetworkPolicies deny all traffic in its namespace but its own, which would cut off the cluster DNS`},
		{ns: "kube-system", ctx: map[string]any{"global.allowSystemNamespace": true, "networkPolicy.enabled": false}},
		{ns: "flux-system", ctx: map[string]any{"global.allowSystemNamespace": true}, want: `global.namespace and flux.namespace are both "flux-system": Caracal's NetworkPolicies deny all traffic in its namespace but its own, which would cut off Flux`},
		{ns: "flux-system", ctx: map[string]any{"global.allowSystemNamespace": true, "flux.enabled": false}},
		// Not system namespaces, but the DNS's or Flux's all the same.
		{ns: "dns", ctx: map[string]any{"networkPolicy.dnsNamespace": "dns"}, want: "would cut off the cluster DNS"},
		{ns: "gitops", ctx: map[string]any{"flux.namespace": "gitops"}, want: "would cut off Flux"},
	} {
		doc := valuesDoc(t, c.ctx, "global.namespace", c.ns)
		_, err := Parse([]Source{{Name: "f.yaml", Data: doc}}, nil)
		if (err == nil) != (c.want == "") || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s %v: want %q, got %v", c.ns, c.ctx, c.want, err)
		}
		// The schema says the override; the namespaces shared with the DNS
		// or Flux compare keys, which it cannot.
		schemaErr := fieldSchemaValidate(t, s, doc)
		if sharedOnly := strings.Contains(c.want, "would cut off"); (schemaErr == nil) != (c.want == "" || sharedOnly) {
			t.Errorf("%s %v: the schema says %v", c.ns, c.ctx, schemaErr)
		}
	}
}

// A default that a rule refuses would make every run fail: the defaults,
// each environment and each scenario load, and the schema accepts them.
func TestCommittedValuesFilesLoad(t *testing.T) {
	if _, err := Parse(nil, nil); err != nil {
		t.Fatalf("the defaults: %v", err)
	}
	s := compiledSchema(t)
	files, _ := filepath.Glob("../../environments/*.yaml")
	scenarios, _ := filepath.Glob("../../testdata/scenarios/*.yaml")
	if len(files) < 3 || len(scenarios) < 5 {
		t.Fatalf("found %d environments and %d scenarios", len(files), len(scenarios))
	}
	for _, f := range append(files, scenarios...) {
		if _, err := Load([]string{f}, nil); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse([]Source{EnvironmentDefaults(name), {Name: f, Data: data}}, nil); err != nil {
			t.Errorf("%s as an environment: %v", f, err)
		}
		if err := fieldSchemaValidate(t, s, data); err != nil {
			t.Errorf("%s: the schema refuses it: %v", f, err)
		}
	}
}

// Every rule says what it is in JSON Schema, or why it cannot.
func TestEveryRuleHasASchema(t *testing.T) {
	for name, r := range rules {
		if r.apply == nil {
			t.Errorf("%s: no apply", name)
		}
		if r.schema == nil && r.inexpressible == "" && name != "optional" {
			t.Errorf("%s: no schema, and no reason in inexpressible", name)
		}
	}
	for name, reason := range schemaInexpressibleChecks {
		if reason == "" {
			t.Errorf("%s: no reason", name)
		}
	}
}

// The patterns read from apimachinery's messages are the ones it checks
// with, and the reading fails loudly if its messages change.
func TestValidatorPatterns(t *testing.T) {
	if got := validatorPattern(func(string) []string {
		return []string{"x (e.g. 'a', regex used for validation is '[a-z]+')"}
	}, ""); got != "[a-z]+" {
		t.Errorf("read %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("a message without a pattern did not panic")
		}
	}()
	validatorPattern(func(string) []string { return []string{"must be short"} }, "")
}

// The flux and Prometheus duration patterns are the CRDs' own.
func TestDurationPatternsAreTheCRDs(t *testing.T) {
	for file, pattern := range map[string]string{
		"../../imports/crds/kustomize.toolkit.fluxcd.io_kustomizations.yaml": fluxDuration.String(),
		"../../imports/crds/monitoring.coreos.com.yaml":                      promDuration.String(),
	} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(data, []byte("pattern: "+pattern+"\n")) {
			t.Errorf("%s has no pattern %s", file, pattern)
		}
	}
}

// valuesDoc is a values document setting key to v and each key of ctx.
func valuesDoc(t *testing.T, ctx map[string]any, key string, v any) []byte {
	t.Helper()
	root := map[string]any{}
	set := func(key string, v any) {
		parts := strings.Split(key, ".")
		m := root
		for _, p := range parts[:len(parts)-1] {
			next, ok := m[p].(map[string]any)
			if !ok {
				next = map[string]any{}
				m[p] = next
			}
			m = next
		}
		m[parts[len(parts)-1]] = v
	}
	for k, v := range ctx {
		set(k, v)
	}
	set(key, v)
	out, err := yaml.Marshal(root)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func stringOf(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// judgeAlike checks that the CLI and the schema judge doc alike: both
// accept it when want is "", else the CLI refuses it with want in its
// message and the schema refuses it too, unless loose (it falls in what
// the schema cannot express).
func judgeAlike(t *testing.T, s *jsonschema.Schema, what string, doc []byte, want string, loose bool) {
	t.Helper()
	_, err := Parse([]Source{{Name: "f.yaml", Data: doc}}, nil)
	schemaErr := fieldSchemaValidate(t, s, doc)
	if want == "" {
		if err != nil || schemaErr != nil {
			t.Errorf("%s: refused: CLI %v, schema %v", what, err, schemaErr)
		}
		return
	}
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: want %q, got %v", what, want, err)
	}
	if (schemaErr == nil) != loose {
		t.Errorf("%s: the schema says %v (loose: %v)", what, schemaErr, loose)
	}
}

// fieldSchemaValidate validates a YAML values document against the
// schema, as an editor hands it over (see instance).
func fieldSchemaValidate(t *testing.T, s *jsonschema.Schema, data []byte) error {
	t.Helper()
	inst, err := instance(data)
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(inst)
}
