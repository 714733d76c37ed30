package compose_test

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/internal/testkit"
	"caracal.dev/caracal-cdk8s/internal/values"
)

// keyCase is one key of the seed's table: where its value shows in the
// output, what shows with the defaults, and what shows after --set.
type keyCase struct {
	key     string
	def     string   // observed with the defaults
	set     []string // --set arguments; the first sets key
	want    string   // observed after set
	observe func(testkit.Objects) string
}

// obj observes a field of one object: its value, "<absent>", or
// "<no Kind/name>".
func obj(kind, name, path string) func(testkit.Objects) string {
	return func(objs testkit.Objects) string {
		o, ok := objs.Find(kind, name)
		if !ok {
			return "<no " + kind + "/" + name + ">"
		}
		v, ok := o.Get(path)
		if !ok {
			return "<absent>"
		}
		return testkit.Sprint(v)
	}
}

func exists(kind, name string) func(testkit.Objects) string {
	return func(objs testkit.Objects) string {
		if _, ok := objs.Find(kind, name); ok {
			return "true"
		}
		return "false"
	}
}

func env(sts, name, variable string) func(testkit.Objects) string {
	return func(objs testkit.Objects) string {
		o, ok := objs.Find("StatefulSet", sts)
		if !ok {
			return "<none>"
		}
		c, _ := o.Get("spec.template.spec.containers[" + name + "]")
		m, _ := c.(map[string]any)
		return testkit.Env(m)[variable].Str("value")
	}
}

// agreed is the one value all values share, or "<what disagree>".
func agreed(what string, values []string) string {
	seen := map[string]bool{}
	for _, v := range values {
		seen[v] = true
	}
	if len(seen) != 1 {
		return "<" + what + " disagree>"
	}
	return values[0]
}

// every reports the value at path when all namespaced objects agree on it
// (the Namespace by its name).
func every(path string) func(testkit.Objects) string {
	return func(objs testkit.Objects) string {
		var vs []string
		for _, o := range objs {
			if o.Kind() == "Namespace" {
				vs = append(vs, o.Name())
				continue
			}
			if outsideTheNamespace(o) {
				continue
			}
			vs = append(vs, o.Str(path))
		}
		return agreed("objects", vs)
	}
}

// outsideTheNamespace are the objects that live elsewhere: the
// cluster-wide PriorityClass and Flux's Kustomizations, in Flux's
// namespace. They are named after the release's namespace, so two installs
// never share one.
func outsideTheNamespace(o testkit.Object) bool {
	return o.Kind() == "PriorityClass" || o.Kind() == "Kustomization"
}

// pods reports the value at path when every pod spec agrees on it.
func pods(path string) func(testkit.Objects) string {
	return func(objs testkit.Objects) string {
		var vs []string
		for _, spec := range objs.PodSpecs() {
			v, _ := spec.Get(path)
			vs = append(vs, testkit.Sprint(v))
		}
		return agreed("pods", vs)
	}
}

// claims reports the value at path when every claim template agrees on it.
func claims(path string) func(testkit.Objects) string {
	return func(objs testkit.Objects) string {
		var vs []string
		for _, o := range objs.OfKind("StatefulSet") {
			v, _ := o.Get("spec.volumeClaimTemplates.0.spec." + path)
			vs = append(vs, testkit.Sprint(v))
		}
		return agreed("claims", vs)
	}
}

func property(name string) func(testkit.Objects) string {
	return func(objs testkit.Objects) string {
		props := obj("ConfigMap", "caracal-kafka-config", `data."server.properties"`)(objs)
		for _, line := range strings.Split(props, "\n") {
			if v, ok := strings.CutPrefix(line, name+"="); ok {
				return v
			}
		}
		return "<unset>"
	}
}

// brokers reports the broker count when the StatefulSet and the KRaft
// quorum agree on it.
func brokers(objs testkit.Objects) string {
	o, ok := objs.Find("StatefulSet", "caracal-kafka")
	if !ok {
		return "<none>"
	}
	voters := strings.Count(property("controller.quorum.voters")(objs), "@")
	if voters != o.Int("spec.replicas") {
		return fmt.Sprintf("<%d replicas, %d voters>", o.Int("spec.replicas"), voters)
	}
	return fmt.Sprint(voters)
}

func resourceCases(store, kind, name, container string, defaults [4]string) []keyCase {
	var out []keyCase
	for i, k := range []string{"requests.cpu", "requests.memory", "limits.cpu", "limits.memory"} {
		key := store + ".resources." + k
		// The new value keeps every request within its limit.
		newVal := map[string]string{"requests.cpu": "300m", "requests.memory": "300Mi", "limits.cpu": "3", "limits.memory": "3Gi"}[k]
		out = append(out, keyCase{key: key, def: defaults[i], set: []string{key + "=" + newVal}, want: newVal,
			observe: obj(kind, name, "spec.template.spec.containers["+container+"].resources."+k)})
	}
	return out
}

var inline = []string{"secrets.mode=inline", "postgresql.auth.password=pg-secret", "redis.auth.password=redis-secret"}

func keyCases() []keyCase {
	cases := []keyCase{
		{key: "global.namespace", def: "caracal", set: []string{"global.namespace=payments"}, want: "payments", observe: every("metadata.namespace")},
		{key: "global.imagePullSecrets", def: "<nil>", set: []string{"global.imagePullSecrets={regcred}"}, want: "[map[name:regcred]]", observe: pods("imagePullSecrets")},
		{key: "global.storageClass", def: "<nil>", set: []string{"global.storageClass=gp3"}, want: "gp3", observe: claims("storageClassName")},

		{key: "postgresql.enabled", def: "true", set: []string{"postgresql.enabled=false", "externalDatabase.host=db.example.com"}, want: "false", observe: exists("StatefulSet", "caracal-postgres")},
		{key: "postgresql.auth.database", def: "caracal", set: []string{"postgresql.auth.database=ledger"}, want: "ledger", observe: env("caracal-postgres", "postgres", "POSTGRES_DB")},
		{key: "postgresql.auth.username", def: "caracal", set: []string{"postgresql.auth.username=writer"}, want: "writer", observe: env("caracal-postgres", "postgres", "POSTGRES_USER")},
		// The default password never reaches the output; a password does
		// only in inline mode.
		{key: "postgresql.auth.password", def: "<no Secret/caracal-secrets>", set: inline, want: "pg-secret", observe: obj("Secret", "caracal-secrets", `stringData."postgresql-password"`)},
		{key: "postgresql.persistence.size", def: "10Gi", set: []string{"postgresql.persistence.size=50Gi"}, want: "50Gi", observe: obj("StatefulSet", "caracal-postgres", "spec.volumeClaimTemplates.0.spec.resources.requests.storage")},

		{key: "redis.enabled", def: "true", set: []string{"redis.enabled=false", "externalRedis.host=cache.example.com"}, want: "false", observe: exists("StatefulSet", "caracal-redis")},
		{key: "redis.auth.password", def: "<no Secret/caracal-secrets>", set: append([]string{"redis.auth.password=redis-secret"}, inline...), want: "redis-secret", observe: obj("Secret", "caracal-secrets", `stringData."redis-password"`)},
		{key: "redis.persistence.size", def: "10Gi", set: []string{"redis.persistence.size=5Gi"}, want: "5Gi", observe: obj("StatefulSet", "caracal-redis", "spec.volumeClaimTemplates.0.spec.resources.requests.storage")},

		{key: "kafka.enabled", def: "true", set: []string{"kafka.enabled=false", "externalKafka.bootstrapServers=k.example.com:9092"}, want: "false", observe: exists("StatefulSet", "caracal-kafka")},
		{key: "kafka.replicaCount", def: "3", set: []string{"kafka.replicaCount=5"}, want: "5", observe: brokers},
		{key: "kafka.config.defaultReplicationFactor", def: "3", set: []string{"kafka.config.defaultReplicationFactor=2", "kafka.config.minInsyncReplicas=1"}, want: "2", observe: property("default.replication.factor")},
		{key: "kafka.config.minInsyncReplicas", def: "2", set: []string{"kafka.config.minInsyncReplicas=1"}, want: "1", observe: property("min.insync.replicas")},
		{key: "kafka.persistence.size", def: "20Gi", set: []string{"kafka.persistence.size=100Gi"}, want: "100Gi", observe: obj("StatefulSet", "caracal-kafka", "spec.volumeClaimTemplates.0.spec.resources.requests.storage")},
	}
	cases = append(cases, resourceCases("postgresql", "StatefulSet", "caracal-postgres", "postgres", [4]string{"500m", "512Mi", "2000m", "2Gi"})...)
	cases = append(cases, resourceCases("redis", "StatefulSet", "caracal-redis", "redis", [4]string{"250m", "256Mi", "1000m", "512Mi"})...)
	cases = append(cases, resourceCases("kafka", "StatefulSet", "caracal-kafka", "kafka", [4]string{"500m", "1Gi", "2000m", "2Gi"})...)
	cases = append(cases, resourceCases("gateway", "Deployment", "caracal-gateway", "gateway", [4]string{"250m", "256Mi", "2000m", "1Gi"})...)
	cases = append(cases, applicationCases()...)
	return cases
}

func config(workload, key string) func(testkit.Objects) string {
	return obj("ConfigMap", workload+"-config", "data."+key)
}

// applicationCases are the gateway and consumer keys of the seed's table,
// and more keys of the application tier.
func applicationCases() []keyCase {
	const gw, mcp, lw, ma, al = "caracal-gateway", "caracal-mcp-adapter", "caracal-ledger-writer", "caracal-metrics-aggregator", "caracal-audit-logger"
	return []keyCase{
		{key: "gateway.enabled", def: "true", set: []string{"gateway.enabled=false", "mcpAdapter.enabled=false"}, want: "false", observe: exists("Deployment", gw)},
		// With the autoscaler on (the default), the Deployment leaves the
		// replica count to it.
		{key: "gateway.replicaCount", def: "<absent>", set: []string{"gateway.replicaCount=5", "gateway.autoscaling.enabled=false"}, want: "5", observe: obj("Deployment", gw, "spec.replicas")},
		{key: "gateway.service.type", def: "LoadBalancer", set: []string{"gateway.service.type=ClusterIP"}, want: "ClusterIP", observe: obj("Service", gw, "spec.type")},
		{key: "gateway.service.httpsPort", def: "8443", set: []string{"gateway.service.httpsPort=443"}, want: "443", observe: obj("Service", gw, "spec.ports[https].port")},
		{key: "gateway.service.metricsPort", def: "9090", set: []string{"gateway.service.metricsPort=9100"}, want: "9100", observe: obj("Service", gw+"-metrics", "spec.ports[metrics].port")},
		{key: "gateway.authMode", def: "jwt", set: []string{"gateway.authMode=api_key"}, want: "api_key", observe: config(gw, "CARACAL_AUTH_MODE")},
		{key: "gateway.tls.enabled", def: "true", set: []string{"gateway.tls.enabled=false"}, want: "false", observe: config(gw, "CARACAL_TLS_ENABLED")},
		{key: "gateway.tls.secretName", def: "caracal-tls", set: []string{"gateway.tls.secretName=gateway-certs"}, want: "gateway-certs", observe: obj("Deployment", gw, "spec.template.spec.volumes[tls].secret.secretName")},
		{key: "gateway.autoscaling.enabled", def: "true", set: []string{"gateway.autoscaling.enabled=false"}, want: "false", observe: exists("HorizontalPodAutoscaler", gw)},
		{key: "gateway.autoscaling.minReplicas", def: "3", set: []string{"gateway.autoscaling.minReplicas=4"}, want: "4", observe: obj("HorizontalPodAutoscaler", gw, "spec.minReplicas")},
		{key: "gateway.autoscaling.maxReplicas", def: "10", set: []string{"gateway.autoscaling.maxReplicas=20"}, want: "20", observe: obj("HorizontalPodAutoscaler", gw, "spec.maxReplicas")},

		{key: "consumers.ledgerWriter.enabled", def: "true", set: []string{"consumers.ledgerWriter.enabled=false"}, want: "false", observe: exists("Deployment", lw)},
		{key: "consumers.ledgerWriter.replicaCount", def: "2", set: []string{"consumers.ledgerWriter.replicaCount=3"}, want: "3", observe: obj("Deployment", lw, "spec.replicas")},
		{key: "consumers.ledgerWriter.merkle.batchSizeLimit", def: "1000", set: []string{"consumers.ledgerWriter.merkle.batchSizeLimit=500"}, want: "500", observe: config(lw, "CARACAL_MERKLE_BATCH_SIZE_LIMIT")},
		{key: "consumers.ledgerWriter.merkle.batchTimeoutSeconds", def: "300", set: []string{"consumers.ledgerWriter.merkle.batchTimeoutSeconds=60"}, want: "60", observe: config(lw, "CARACAL_MERKLE_BATCH_TIMEOUT_SECONDS")},
		{key: "consumers.metricsAggregator.enabled", def: "true", set: []string{"consumers.metricsAggregator.enabled=false"}, want: "false", observe: exists("Deployment", ma)},
		{key: "consumers.metricsAggregator.replicaCount", def: "2", set: []string{"consumers.metricsAggregator.replicaCount=4"}, want: "4", observe: obj("Deployment", ma, "spec.replicas")},
		{key: "consumers.metricsAggregator.metricsPort", def: "9091", set: []string{"consumers.metricsAggregator.metricsPort=9191"}, want: "9191", observe: obj("Service", ma, "spec.ports[metrics].port")},
		{key: "consumers.auditLogger.enabled", def: "true", set: []string{"consumers.auditLogger.enabled=false"}, want: "false", observe: exists("Deployment", al)},
		{key: "consumers.auditLogger.replicaCount", def: "2", set: []string{"consumers.auditLogger.replicaCount=1"}, want: "1", observe: obj("Deployment", al, "spec.replicas")},

		// Not in the chart's table, but as much a part of the contract.
		{key: "mcpAdapter.enabled", def: "true", set: []string{"mcpAdapter.enabled=false"}, want: "false", observe: exists("Deployment", mcp)},
		{key: "mcpAdapter.replicaCount", def: "<absent>", set: []string{"mcpAdapter.replicaCount=3", "mcpAdapter.autoscaling.enabled=false"}, want: "3", observe: obj("Deployment", mcp, "spec.replicas")},
		{key: "mcpAdapter.service.type", def: "ClusterIP", set: []string{"mcpAdapter.service.type=LoadBalancer"}, want: "LoadBalancer", observe: obj("Service", mcp, "spec.type")},
		{key: "mcpAdapter.service.port", def: "8080", set: []string{"mcpAdapter.service.port=8000"}, want: "8000", observe: obj("Service", mcp, "spec.ports[http].port")},
		{key: "mcpAdapter.autoscaling.maxReplicas", def: "8", set: []string{"mcpAdapter.autoscaling.maxReplicas=12"}, want: "12", observe: obj("HorizontalPodAutoscaler", mcp, "spec.maxReplicas")},
		{key: "gateway.autoscaling.targetCPUUtilizationPercentage", def: "70", set: []string{"gateway.autoscaling.targetCPUUtilizationPercentage=50"}, want: "50", observe: obj("HorizontalPodAutoscaler", gw, "spec.metrics.0.resource.target.averageUtilization")},
		{key: "gateway.apiKeys.secretName", def: "<absent>", set: []string{"gateway.apiKeys.secretName=keys", "gateway.authMode=api_key"}, want: "keys", observe: obj("Deployment", gw, "spec.template.spec.volumes[api-keys].secret.secretName")},
		{key: "consumers.ledgerWriter.merkle.signingKeySecretName", def: "caracal-merkle-keys", set: []string{"consumers.ledgerWriter.merkle.signingKeySecretName=keys"}, want: "keys", observe: obj("Deployment", lw, "spec.template.spec.volumes[merkle-keys].secret.secretName")},
		{key: "postgresql.image.tag", def: "docker.io/library/postgres:17.6", set: []string{"postgresql.image.tag=17.7"}, want: "docker.io/library/postgres:17.7", observe: obj("StatefulSet", "caracal-postgres", "spec.template.spec.containers[postgres].image")},
		{key: "gateway.image.pullPolicy", def: "Always", set: []string{"gateway.image.pullPolicy=IfNotPresent"}, want: "IfNotPresent", observe: obj("Deployment", gw, "spec.template.spec.containers[gateway].imagePullPolicy")},
	}
}

func TestSeedKeysChangeTheOutput(t *testing.T) {
	for _, tc := range keyCases() {
		t.Run(tc.key, func(t *testing.T) {
			if got := tc.observe(testkit.Sets(t)); got != tc.def {
				t.Errorf("with the defaults: %q, want %q", got, tc.def)
			}
			if got := tc.observe(testkit.Sets(t, tc.set...)); got != tc.want {
				t.Errorf("with %v: %q, want %q", tc.set, got, tc.want)
			}
		})
	}
}

// Every key of the seed's table is in the table above.
func TestSeedKeysAreAllCovered(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range keyCases() {
		covered[tc.key] = true
	}
	f, err := os.Open("../../testdata/seed/helm-chart-README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| `([^`]+)` \\|")
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := row.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		n++
		if !covered[m[1]] {
			t.Errorf("%s: no output effect tested", m[1])
		}
	}
	if n != 52 {
		t.Errorf("%d seed keys, want 52", n)
	}
}

// What every object and pod must meet, in every scenario.
func TestInvariants(t *testing.T) {
	for name, sets := range map[string][]string{
		"defaults":               nil,
		"inline":                 inline,
		"namespace and registry": {"global.namespace=prod", "global.imagePullSecrets={regcred}"},
	} {
		t.Run(name, func(t *testing.T) {
			objs := testkit.Sets(t, sets...)
			ns := "caracal"
			if strings.Contains(strings.Join(sets, " "), "namespace=prod") {
				ns = "prod"
			}
			for _, o := range objs {
				for _, p := range testkit.LabelProblems(o) {
					t.Error(p)
				}
				if o.Kind() == "Namespace" {
					if o.Name() != ns {
						t.Errorf("Namespace %s, want %s", o.Name(), ns)
					}
					continue
				}
				if outsideTheNamespace(o) {
					want := ""
					if o.Kind() == "Kustomization" {
						want = "flux-system"
					}
					if got := o.Str("metadata.namespace"); got != want || !strings.HasPrefix(o.Name(), ns+"-") {
						t.Errorf("%s/%s in namespace %q: want %q, named %s-...", o.Kind(), o.Name(), got, want, ns)
					}
					continue
				}
				if got := o.Str("metadata.namespace"); got != ns {
					t.Errorf("%s/%s: namespace %q", o.Kind(), o.Name(), got)
				}
				if strings.ContainsAny(o.Name(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") || !strings.HasPrefix(o.Name(), "caracal-") {
					t.Errorf("%s/%s: names are caracal-<component>, with no hash suffix", o.Kind(), o.Name())
				}
			}
			for owner, spec := range objs.PodSpecs() {
				for _, p := range testkit.PodProblems(spec) {
					t.Errorf("%s: %s", owner, p)
				}
			}
		})
	}
}

// The seed's `kubectl logs -l app.kubernetes.io/name=caracal` selects
// every pod.
func TestEveryPodIsSelectedByTheSeedsSelector(t *testing.T) {
	objs := testkit.Sets(t, "upgrade.merkleBackfill.enabled=true")
	templates := 0
	for _, o := range objs {
		for _, path := range []string{"spec.template", "spec.jobTemplate.spec.template"} {
			if !o.Has(path) {
				continue
			}
			templates++
			if o.Str(path+`.metadata.labels."app.kubernetes.io/name"`) != "caracal" {
				t.Errorf("%s/%s: pods lack app.kubernetes.io/name=caracal", o.Kind(), o.Name())
			}
			sel, ok := o.Get("spec.selector.matchLabels")
			if !ok {
				continue // Jobs select their own pods
			}
			for k, v := range sel.(map[string]any) {
				if o.Str(path+`.metadata.labels."`+k+`"`) != v {
					t.Errorf("%s/%s: selector %s=%v does not match its pods", o.Kind(), o.Name(), k, v)
				}
			}
		}
	}
	if templates != 15 {
		t.Errorf("%d pod templates; want 3 StatefulSets, 6 Deployments, 4 Jobs, the backup and its check", templates)
	}
}

// No password reaches the output unless the user asks for inline secrets.
func TestNoSecretValueByDefault(t *testing.T) {
	for _, sets := range [][]string{nil, {"postgresql.enabled=false", "externalDatabase.host=db"}} {
		_, files := testkit.Synth(t, nil, sets...)
		for _, f := range files {
			for _, secret := range []string{values.DefaultPostgresPassword, values.DefaultRedisPassword, "CHANGE_ME", "kind: Secret"} {
				if strings.Contains(string(f.Data), secret) {
					t.Errorf("%s holds %q", f.Name, secret)
				}
			}
		}
	}
	_, files := testkit.Synth(t, nil, inline...)
	found := false
	for _, f := range files {
		if f.Name == "secrets.k8s.yaml" {
			found = true
			if !strings.HasPrefix(string(f.Data), "# Generated by caracal-cdk8s. Do not edit: change the values and synthesize again.\n# DEVELOPMENT ONLY") {
				t.Errorf("inline secrets must be headed by a warning")
			}
			continue
		}
		if strings.Contains(string(f.Data), "pg-secret") || strings.Contains(string(f.Data), "redis-secret") {
			t.Errorf("%s holds a password; only secrets.k8s.yaml may, and workloads use secretKeyRef", f.Name)
		}
	}
	if !found {
		t.Error("inline secrets go to secrets.k8s.yaml")
	}
}

// Every workload runs as its own ServiceAccount without a token, and has
// a disruption budget exactly when it can run more than one replica.
func TestWorkloadHardening(t *testing.T) {
	objs := testkit.Sets(t)
	workloads := append(objs.OfKind("Deployment"), objs.OfKind("StatefulSet")...)
	if len(workloads) != 9 {
		t.Fatalf("%d workloads: %s", len(workloads), objs.Summary())
	}
	for _, w := range workloads {
		name := w.Name()
		sa, ok := objs.Find("ServiceAccount", name)
		if !ok {
			t.Errorf("%s: no ServiceAccount of its own", name)
		} else if v, _ := sa.Get("automountServiceAccountToken"); v != false {
			t.Errorf("%s: the ServiceAccount mounts a token", name)
		}
		if w.Str("spec.template.spec.serviceAccountName") != name {
			t.Errorf("%s: pods run as %q", name, w.Str("spec.template.spec.serviceAccountName"))
		}
		most := w.Int("spec.replicas")
		if hpa, ok := objs.Find("HorizontalPodAutoscaler", name); ok {
			most = hpa.Int("spec.maxReplicas")
			if w.Has("spec.replicas") {
				t.Errorf("%s: sets replicas although an autoscaler owns them", name)
			}
		}
		pdb, hasPDB := objs.Find("PodDisruptionBudget", name)
		if hasPDB != (most > 1) {
			t.Errorf("%s: up to %d replicas, disruption budget %v", name, most, hasPDB)
		}
		if hasPDB {
			sel, _ := pdb.Get("spec.selector.matchLabels")
			want, _ := w.Get("spec.selector.matchLabels")
			if testkit.Sprint(sel) != testkit.Sprint(want) {
				t.Errorf("%s: the budget selects %v, the workload %v", name, sel, want)
			}
		}
		for _, key := range []string{"topologySpreadConstraints", "affinity.podAntiAffinity"} {
			if !w.Has("spec.template.spec." + key) {
				t.Errorf("%s: no %s", name, key)
			}
		}
	}
}

// The applications and the Jobs find their datastores through the
// constructs, in the cluster, or at the managed endpoints with their TLS,
// SASL and credentials.
func TestApplicationsAreWiredToTheDatastores(t *testing.T) {
	apps := []string{"caracal-gateway", "caracal-mcp-adapter", "caracal-ledger-writer", "caracal-metrics-aggregator", "caracal-audit-logger"}
	for _, tc := range []struct {
		name, gateway string
		sets          []string
		want          map[string]string
		secrets       map[string]string // variable: secret/key
	}{
		{"in the cluster", "https://caracal-gateway.prod.svc.cluster.local:8443", []string{"global.namespace=prod"}, map[string]string{
			"DB_HOST": "caracal-postgres.prod.svc.cluster.local", "DB_PORT": "5432", "DB_NAME": "caracal", "DB_USER": "caracal", "DB_SSLMODE": "disable",
			"REDIS_HOST": "caracal-redis.prod.svc.cluster.local", "REDIS_PORT": "6379", "REDIS_TLS": "false",
			"KAFKA_BOOTSTRAP_SERVERS": "caracal-kafka.prod.svc.cluster.local:9092", "KAFKA_SECURITY_PROTOCOL": "PLAINTEXT",
		}, map[string]string{"DB_PASSWORD": "caracal-secrets/postgresql-password", "REDIS_PASSWORD": "caracal-secrets/redis-password"}},
		{"managed", "https://caracal-gateway.caracal.svc.cluster.local:8443", []string{
			"postgresql.enabled=false", "externalDatabase.host=db.example.com", "externalDatabase.port=6432", "externalDatabase.database=ledger", "externalDatabase.username=app",
			"externalDatabase.sslmode=verify-full", "externalDatabase.existingSecret=rds-credentials", "externalDatabase.existingSecretPasswordKey=password",
			"redis.enabled=false", "externalRedis.host=cache.example.com",
			"kafka.enabled=false", `externalKafka.bootstrapServers=b1.example.com:9096\,b2.example.com:9096`,
			"externalKafka.sasl.mechanism=SCRAM-SHA-512", "externalKafka.sasl.existingSecret=msk-credentials",
		}, map[string]string{
			"DB_HOST": "db.example.com", "DB_PORT": "6432", "DB_NAME": "ledger", "DB_USER": "app", "DB_SSLMODE": "verify-full",
			"REDIS_HOST": "cache.example.com", "REDIS_PORT": "6379", "REDIS_TLS": "true",
			"KAFKA_BOOTSTRAP_SERVERS": "b1.example.com:9096,b2.example.com:9096", "KAFKA_SECURITY_PROTOCOL": "SASL_SSL", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-512",
		}, map[string]string{
			"DB_PASSWORD": "rds-credentials/password", "REDIS_PASSWORD": "caracal-secrets/redis-password",
			"KAFKA_SASL_USERNAME": "msk-credentials/username", "KAFKA_SASL_PASSWORD": "msk-credentials/password",
		}},
	} {
		objs := testkit.Sets(t, tc.sets...)
		for _, app := range apps {
			cfg := objs.Must(t, "ConfigMap", app+"-config")
			for k, v := range tc.want {
				if got := cfg.Str("data." + k); got != v {
					t.Errorf("%s: %s: %s = %q, want %q", tc.name, app, k, got, v)
				}
			}
			dep := objs.Must(t, "Deployment", app)
			if dep.Str(`spec.template.metadata.annotations."checksum/config"`) == "" {
				t.Errorf("%s: no config checksum", app)
			}
			env := testkit.Env(testkit.Containers(objs.PodSpecs()["Deployment/"+app])[strings.TrimPrefix(app, "caracal-")])
			for name, ref := range tc.secrets {
				if got := env[name].Str("valueFrom.secretKeyRef.name") + "/" + env[name].Str("valueFrom.secretKeyRef.key"); got != ref {
					t.Errorf("%s: %s: %s from %s, want %s", tc.name, app, name, got, ref)
				}
			}
		}
		// The Jobs of the Caracal CLI get the same settings, as plain
		// variables (the backup's volume check needs none).
		for owner, spec := range objs.PodSpecs() {
			if !strings.HasPrefix(owner, "Job/") || strings.HasPrefix(owner, "Job/caracal-postgres-backup-check-") {
				continue
			}
			for _, c := range testkit.Containers(spec) {
				env := testkit.Env(c)
				for k, v := range tc.want {
					if strings.HasPrefix(owner, "Job/caracal-db-init-") && !strings.HasPrefix(k, "DB_") {
						continue // db init reads the database's settings only
					}
					if got := env[k].Str("value"); got != v {
						t.Errorf("%s: %s: %s = %q, want %q", tc.name, owner, k, got, v)
					}
				}
			}
		}
		if cfg := objs.Must(t, "ConfigMap", "caracal-mcp-adapter-config"); cfg.Str("data.CARACAL_GATEWAY_URL") != tc.gateway {
			t.Errorf("%s: the MCP adapter finds the gateway: %q", tc.name, cfg.Str("data.CARACAL_GATEWAY_URL"))
		}
	}
}

// The topics Job's wait speaks TLS and SASL to a managed Kafka, with the
// SASL credentials and no other secret.
func TestKafkaWaitSpeaksTheEndpointsProtocol(t *testing.T) {
	objs := testkit.Sets(t, "kafka.enabled=false", "externalKafka.bootstrapServers=k.example.com:9096", "externalKafka.sasl.mechanism=PLAIN", "externalKafka.sasl.existingSecret=kafka-creds")
	for owner, spec := range objs.PodSpecs() {
		if !strings.HasPrefix(owner, "Job/caracal-kafka-topics-") {
			continue
		}
		wait := testkit.Object(spec.MustList(t, "initContainers")[0])
		script := testkit.Sprint(wait["command"])
		for _, want := range []string{`--command-config "$props"`, "PlainLoginModule", `security.protocol=$KAFKA_SECURITY_PROTOCOL`} {
			if !strings.Contains(script, want) {
				t.Errorf("wait script lacks %q", want)
			}
		}
		env := testkit.Env(wait)
		if env["KAFKA_SASL_PASSWORD"].Str("valueFrom.secretKeyRef.name") != "kafka-creds" || env["DB_PASSWORD"] != nil || env["KAFKA_SECURITY_PROTOCOL"].Str("value") != "SASL_SSL" {
			t.Errorf("wait env: %v", env)
		}
		return
	}
	t.Fatal("no kafka-topics Job")
}

// Argo CD applies every object in its wave: the namespace, configuration,
// datastores, each Job in the chart README's order, then the applications,
// last (Argo CD does not wait for the health of the last wave, so a
// LoadBalancer without an address delays nothing). The Jobs are plain
// objects, not hooks: a re-sync finds them finished and runs nothing.
func TestSyncWaves(t *testing.T) {
	objs := testkit.Sets(t, "secrets.mode=externalSecrets", "secrets.externalSecrets.storeRef.name=vault", "upgrade.merkleBackfill.enabled=true", "monitoring.enabled=true")
	wave := func(o testkit.Object) string { return o.Str(`metadata.annotations."argocd.argoproj.io/sync-wave"`) }
	want := map[string]string{
		"Namespace/caracal":                             "-2",
		"PriorityClass/caracal-datastores":              "-2",
		"ExternalSecret/caracal-secrets":                "-1",
		"NetworkPolicy/caracal-default-deny":            "-1",
		"PrometheusRule/caracal-alerts":                 "-1",
		"StatefulSet/caracal-postgres":                  "0",
		"PersistentVolumeClaim/caracal-postgres-backup": "0",
		"CronJob/caracal-postgres-backup":               "0",
		"StatefulSet/caracal-kafka":                     "0",
		"ServiceAccount/caracal-db-init":                "1",
		"ServiceAccount/caracal-db-migrate":             "2",
		"ServiceAccount/caracal-kafka-topics":           "3",
		"ServiceAccount/caracal-merkle-backfill":        "4",
		"Deployment/caracal-gateway":                    "5",
		"Service/caracal-gateway":                       "5",
		"HorizontalPodAutoscaler/caracal-mcp-adapter":   "5",
		"Deployment/caracal-ledger-writer":              "5",
	}
	jobWaves := map[string]string{
		"caracal-postgres-backup-check-": "0", "caracal-db-init-": "1", "caracal-db-migrate-": "2", "caracal-kafka-topics-": "3", "caracal-merkle-backfill-": "4",
	}
	last := -100
	for _, o := range objs {
		w := wave(o)
		if o.Kind() == "Kustomization" {
			if w != "" {
				t.Errorf("Kustomization/%s: only Flux reads it; no wave", o.Name())
			}
			continue
		}
		if w == "" {
			t.Errorf("%s/%s has no sync wave", o.Kind(), o.Name())
		}
		if n, _ := strconv.Atoi(w); n > last {
			last = n
		}
		if exp, ok := want[o.Kind()+"/"+o.Name()]; ok && w != exp {
			t.Errorf("%s/%s: wave %s, want %s", o.Kind(), o.Name(), w, exp)
		}
		if o.Kind() == "Job" {
			matched := false
			for prefix, exp := range jobWaves {
				if strings.HasPrefix(o.Name(), prefix) {
					matched = true
					if w != exp {
						t.Errorf("Job %s: wave %s, want %s", o.Name(), w, exp)
					}
				}
			}
			if !matched {
				t.Errorf("unexpected Job %s", o.Name())
			}
			for _, k := range []string{"argocd.argoproj.io/hook", "argocd.argoproj.io/hook-delete-policy"} {
				if o.Has(`metadata.annotations."` + k + `"`) {
					t.Errorf("Job %s is a hook (%s): hooks run again on every sync", o.Name(), k)
				}
			}
			if o.Has("spec.ttlSecondsAfterFinished") {
				t.Errorf("Job %s: a TTL makes Argo CD and Flux create it again, and run it", o.Name())
			}
		}
	}
	if n := len(objs.OfKind("Job")); n != 5 {
		t.Errorf("%d Jobs, want the backup check, db init, migrations, topics and the backfill", n)
	}
	if gw := wave(objs.Must(t, "Deployment", "caracal-gateway")); gw != strconv.Itoa(last) {
		t.Errorf("the applications are in wave %s, but the last wave is %d", gw, last)
	}
	// Whatever the configuration, no object goes without a wave.
	for _, sets := range [][]string{nil, inline, {"kafka.zookeeper.enabled=true", "kafka.image.tag=3.9.1"}, {"postgresql.metrics.enabled=true", "redis.metrics.enabled=true"}} {
		for _, o := range testkit.Sets(t, sets...) {
			if wave(o) == "" && o.Kind() != "Kustomization" {
				t.Errorf("%v: %s/%s has no sync wave", sets, o.Kind(), o.Name())
			}
		}
	}
}

// Flux applies a Kustomization all at once, so the output has one per
// stage, chained by dependsOn in wave order, each listing exactly the
// files of its waves; the root kustomization.yaml lists every file but
// Flux's own, for Argo CD.
func TestFluxStages(t *testing.T) {
	for _, tc := range []struct {
		sets   []string
		stages string
	}{
		{nil, "base db-init db-migrate kafka-topics applications"},
		{[]string{"upgrade.merkleBackfill.enabled=true", "jobs.dbInit.enabled=false"}, "base db-migrate kafka-topics merkle-backfill applications"},
		{[]string{"global.namespace=prod", "flux.path=./clusters/prod/caracal/", "flux.sourceRef.kind=OCIRepository", "flux.sourceRef.name=deploy"}, "base db-init db-migrate kafka-topics applications"},
	} {
		objs, files := testkit.Synth(t, nil, tc.sets...)
		ns, path, source := "caracal", "./dist", "GitRepository/caracal-deploy"
		if strings.Contains(strings.Join(tc.sets, " "), "prod") {
			ns, path, source = "prod", "./clusters/prod/caracal", "OCIRepository/deploy"
		}
		byName := map[string][]byte{}
		for _, f := range files {
			byName[f.Name] = f.Data
		}
		var names []string
		previous := ""
		for _, k := range objs.OfKind("Kustomization") {
			stage := strings.TrimPrefix(k.Name(), ns+"-")
			names = append(names, stage)
			if got := k.Str("spec.path"); got != path+"/flux/"+stage {
				t.Errorf("%v: %s: path %q", tc.sets, stage, got)
			}
			if got := k.Str("spec.sourceRef.kind") + "/" + k.Str("spec.sourceRef.name"); got != source {
				t.Errorf("%v: %s: source %s", tc.sets, stage, got)
			}
			deps, _ := k.Get("spec.dependsOn")
			if want := testkit.Sprint([]any{map[string]any{"name": previous}}); previous != "" && testkit.Sprint(deps) != want || previous == "" && deps != nil {
				t.Errorf("%v: %s depends on %v, want %q", tc.sets, stage, deps, previous)
			}
			previous = k.Name()
			if testkit.Sprint(k.MustGet(t, "spec.wait")) != "true" || testkit.Sprint(k.MustGet(t, "spec.prune")) != "true" {
				t.Errorf("%v: %s must wait and prune", tc.sets, stage)
			}
			if byName["flux/"+stage+"/kustomization.yaml"] == nil {
				t.Errorf("%v: no kustomization.yaml for stage %s", tc.sets, stage)
			}
		}
		if strings.Join(names, " ") != tc.stages {
			t.Errorf("%v: stages %v, want %s", tc.sets, names, tc.stages)
		}
		// Every file of the root is in exactly one stage, and Flux's own
		// objects are in none.
		root := string(byName["kustomization.yaml"])
		seen := map[string]string{}
		for name, data := range byName {
			if !strings.HasPrefix(name, "flux/") || !strings.HasSuffix(name, "/kustomization.yaml") || name == "flux/kustomization.yaml" {
				continue
			}
			for _, line := range strings.Split(string(data), "\n") {
				if file, ok := strings.CutPrefix(line, "  - ../../"); ok {
					if other, dup := seen[file]; dup {
						t.Errorf("%v: %s is in stages %s and %s", tc.sets, file, other, name)
					}
					seen[file] = name
					if !strings.Contains(root, "  - "+file+"\n") {
						t.Errorf("%v: %s is in a stage but not in the root", tc.sets, file)
					}
				}
			}
		}
		for _, line := range strings.Split(root, "\n") {
			if file, ok := strings.CutPrefix(line, "  - "); ok && seen[file] == "" {
				t.Errorf("%v: %s is in no stage", tc.sets, file)
			}
		}
		if strings.Contains(root, "flux/") {
			t.Errorf("%v: Argo CD must not apply Flux's objects", tc.sets)
		}
	}
	if objs := testkit.Sets(t, "flux.enabled=false"); len(objs.OfKind("Kustomization")) != 0 {
		t.Error("flux.enabled=false writes no Kustomization")
	}
}

func TestJobsAndBackups(t *testing.T) {
	objs := testkit.Sets(t)
	jobs := objs.OfKind("Job")
	if len(jobs) != 4 {
		t.Fatalf("jobs: %s", objs.Summary())
	}
	for _, j := range jobs {
		ok := false
		for _, prefix := range []string{"caracal-db-init-0-3-0-", "caracal-db-migrate-0-3-0-", "caracal-kafka-topics-0-3-0-", "caracal-postgres-backup-check-0-3-0-"} {
			ok = ok || strings.HasPrefix(j.Name(), prefix)
		}
		if !ok {
			t.Errorf("job %s: names carry the version", j.Name())
		}
	}
	// db init runs once per database: an upgrade of Caracal, or of
	// PostgreSQL, leaves its Job as it is, while the migrations run again.
	upgraded := testkit.Sets(t, "gateway.image.tag=0.3.1", "postgresql.image.tag=17.7", "kafka.image.tag=4.1.1")
	for _, prefix := range []string{"caracal-db-init-", "caracal-db-migrate-"} {
		var before, after string
		for _, j := range jobs {
			if strings.HasPrefix(j.Name(), prefix) {
				before = j.Name()
			}
		}
		for _, j := range upgraded.OfKind("Job") {
			if strings.HasPrefix(j.Name(), prefix) {
				after = j.Name()
			}
		}
		if same := before == after; same != (prefix == "caracal-db-init-") {
			t.Errorf("%s: %s before the upgrade, %s after", prefix, before, after)
		}
	}
	if n := len(testkit.Sets(t, "jobs.dbInit.enabled=false").OfKind("Job")); n != 3 {
		t.Errorf("jobs.dbInit.enabled=false: %d Jobs", n)
	}
	if _, ok := objs.Find("CronJob", "caracal-postgres-backup"); !ok {
		t.Error("the backup runs by default")
	}
	for _, sets := range [][]string{
		{"postgresql.backup.enabled=false"},
		{"postgresql.enabled=false", "externalDatabase.host=db.example.com"},
	} {
		if _, ok := testkit.Sets(t, sets...).Find("CronJob", "caracal-postgres-backup"); ok {
			t.Errorf("%v: no backup", sets)
		}
	}
	// The backup volume follows global.storageClass unless it has its own.
	for sets, want := range map[string]string{
		"global.storageClass=fast": "fast",
		"global.storageClass=fast,postgresql.backup.persistence.storageClass=cold-tier": "cold-tier",
	} {
		pvc := testkit.Sets(t, sets).Must(t, "PersistentVolumeClaim", "caracal-postgres-backup")
		if pvc.Str("spec.storageClassName") != want {
			t.Errorf("%s: class %q", sets, pvc.Str("spec.storageClassName"))
		}
	}
}

// Each secrets mode: nothing written, a development Secret, or
// ExternalSecrets for exactly the Secrets the configuration reads.
func TestSecretsModes(t *testing.T) {
	names := func(objs testkit.Objects, kind string) string {
		var out []string
		for _, o := range objs.OfKind(kind) {
			out = append(out, o.Name())
		}
		return strings.Join(out, " ")
	}
	keys := func(es testkit.Object) string {
		var out []string
		items, _ := es.Get("spec.data")
		for _, it := range items.([]any) {
			out = append(out, it.(map[string]any)["secretKey"].(string))
		}
		return strings.Join(out, " ")
	}
	existing := testkit.Sets(t)
	if names(existing, "Secret")+names(existing, "ExternalSecret") != "" {
		t.Error("mode existing writes no Secret")
	}
	inline := testkit.Sets(t, inline...)
	if names(inline, "Secret") != "caracal-secrets" || names(inline, "ExternalSecret") != "" {
		t.Error("mode inline writes caracal-secrets")
	}
	ext := []string{"secrets.mode=externalSecrets", "secrets.externalSecrets.storeRef.name=vault", "secrets.externalSecrets.refreshInterval=10m"}
	for _, tc := range []struct {
		sets    []string
		secrets string
		tls     string
	}{
		{nil, "caracal-secrets caracal-tls caracal-merkle-keys", "server.crt server.key jwt_public.pem"},
		{[]string{"gateway.authMode=mtls"}, "caracal-secrets caracal-tls caracal-merkle-keys", "server.crt server.key ca.crt"},
		{[]string{"gateway.authMode=api_key", "gateway.tls.enabled=false"}, "caracal-secrets caracal-api-keys caracal-merkle-keys", ""},
		{[]string{"gateway.enabled=false", "mcpAdapter.enabled=false", "consumers.ledgerWriter.enabled=false"}, "caracal-secrets", ""},
	} {
		objs := testkit.Sets(t, append(ext, tc.sets...)...)
		if got := names(objs, "ExternalSecret"); got != tc.secrets {
			t.Errorf("%v: ExternalSecrets %q, want %q", tc.sets, got, tc.secrets)
		}
		if names(objs, "Secret") != "" {
			t.Errorf("%v: no Secret is written in externalSecrets mode", tc.sets)
		}
		if es, ok := objs.Find("ExternalSecret", "caracal-tls"); ok && keys(es) != tc.tls {
			t.Errorf("%v: TLS keys %q, want %q", tc.sets, keys(es), tc.tls)
		}
		creds := objs.Must(t, "ExternalSecret", "caracal-secrets")
		if keys(creds) != "postgresql-password redis-password" || creds.Str("spec.refreshInterval") != "10m" || creds.Str("spec.secretStoreRef.name") != "vault" || creds.Str("spec.secretStoreRef.kind") != "ClusterSecretStore" {
			t.Errorf("credentials: %v", creds["spec"])
		}
	}
}

// With managed datastores, externalSecrets syncs the Secrets their
// passwords are actually read from, and caracal-secrets only when
// something reads it.
func TestExternalSecretsFollowManagedDatastores(t *testing.T) {
	ext := []string{
		"secrets.mode=externalSecrets", "secrets.externalSecrets.storeRef.name=vault",
		"postgresql.enabled=false", "externalDatabase.host=db.example.com",
		"redis.enabled=false", "externalRedis.host=cache.example.com",
	}
	data := func(es testkit.Object) string {
		var out []string
		for _, d := range es.MustList(t, "spec.data") {
			ref := d["remoteRef"].(map[string]any)
			out = append(out, fmt.Sprintf("%s=%s#%s", d["secretKey"], ref["key"], ref["property"]))
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		name string
		sets []string
		want map[string]string // ExternalSecret -> its data
	}{
		{"passwords in caracal-secrets", nil, map[string]string{
			"caracal-secrets": "postgresql-password=caracal/credentials#postgresql-password redis-password=caracal/credentials#redis-password",
		}},
		{"a Secret per datastore", []string{
			"externalDatabase.existingSecret=rds", "externalDatabase.existingSecretPasswordKey=password",
			"externalRedis.existingSecret=elasticache", "externalRedis.existingSecretPasswordKey=auth-token",
			"kafka.enabled=false", "externalKafka.bootstrapServers=b1.example.com:9096",
			"externalKafka.sasl.mechanism=SCRAM-SHA-512", "externalKafka.sasl.existingSecret=msk",
		}, map[string]string{
			"rds":         "password=caracal/external-database#password",
			"elasticache": "auth-token=caracal/external-redis#auth-token",
			// In the order the components read them (their environment is
			// sorted by name).
			"msk":             "password=caracal/kafka-sasl#password username=caracal/kafka-sasl#username",
			"caracal-secrets": "",
		}},
		// Roles that share a Secret keep their own remote keys.
		{"the API keys in the TLS Secret", []string{
			"gateway.authMode=api_key", "gateway.apiKeys.secretName=caracal-tls", "gateway.tls.enabled=true",
		}, map[string]string{
			"caracal-tls": "api_keys=caracal/api-keys#api_keys server.crt=caracal/tls#server.crt server.key=caracal/tls#server.key",
		}},
		{"the Merkle key in the TLS Secret", []string{"consumers.ledgerWriter.merkle.signingKeySecretName=caracal-tls"}, map[string]string{
			"caracal-tls": "server.crt=caracal/tls#server.crt server.key=caracal/tls#server.key jwt_public.pem=caracal/tls#jwt_public.pem merkle_signing_key.pem=caracal/merkle-keys#merkle_signing_key.pem",
		}},
		{"the managed database's password in caracal-secrets", []string{
			"externalDatabase.existingSecret=caracal-secrets", "externalDatabase.existingSecretPasswordKey=db-pass",
		}, map[string]string{
			"caracal-secrets": "db-pass=caracal/external-database#db-pass redis-password=caracal/credentials#redis-password",
		}},
		{"one Secret for both", []string{
			"externalDatabase.existingSecret=managed", "externalDatabase.existingSecretPasswordKey=pg",
			"externalRedis.existingSecret=managed", "externalRedis.existingSecretPasswordKey=redis",
			"secrets.externalSecrets.remoteKeys.externalRedis=cache/auth",
		}, map[string]string{
			"managed":         "pg=caracal/external-database#pg redis=cache/auth#redis",
			"caracal-secrets": "",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs := testkit.Sets(t, append(ext, tc.sets...)...)
			for name, want := range tc.want {
				es, ok := objs.Find("ExternalSecret", name)
				switch {
				case want == "" && ok:
					t.Errorf("%s is synced, but nothing reads it", name)
				case want != "" && !ok:
					t.Errorf("%s is not synced", name)
				case ok && data(es) != want:
					t.Errorf("%s: %s, want %s", name, data(es), want)
				}
			}
		})
	}
}

// The switches of observability and network security.
func TestObservabilitySwitches(t *testing.T) {
	count := func(objs testkit.Objects, kind string) int { return len(objs.OfKind(kind)) }
	def := testkit.Sets(t)
	ns := def.Must(t, "Namespace", "caracal")
	for k, v := range map[string]string{"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/warn": "restricted"} {
		if ns.Str(`metadata.labels."`+k+`"`) != v {
			t.Errorf("the Namespace lacks %s=%s", k, v)
		}
	}
	if w := ns.Str(`metadata.annotations."argocd.argoproj.io/sync-wave"`); w != "-2" {
		t.Errorf("the Namespace syncs first, wave %q", w)
	}
	// What holds data is never pruned, nor deleted with the Application.
	for _, o := range []testkit.Object{ns, def.Must(t, "PersistentVolumeClaim", "caracal-postgres-backup")} {
		if o.Str(`metadata.annotations."argocd.argoproj.io/sync-options"`) != "Prune=false,Delete=false" || o.Str(`metadata.annotations."kustomize.toolkit.fluxcd.io/prune"`) != "disabled" {
			t.Errorf("%s %s may be pruned: %v", o.Kind(), o.Name(), o["metadata"])
		}
	}
	// A vanilla cluster has no Prometheus Operator: the default output
	// needs no custom resource definition at all.
	for _, o := range def {
		if !strings.HasSuffix(strings.SplitN(o.Str("apiVersion"), "/", 2)[0], ".k8s.io") && strings.Contains(o.Str("apiVersion"), ".") && o.Kind() != "Kustomization" {
			t.Errorf("%s/%s needs a custom resource definition (%s)", o.Kind(), o.Name(), o.Str("apiVersion"))
		}
	}
	if count(def, "NetworkPolicy") < 4 || count(def, "ServiceMonitor") != 0 || count(def, "PrometheusRule") != 0 {
		t.Error("defaults: policies, and no monitoring objects")
	}
	on := testkit.Sets(t, "monitoring.enabled=true")
	for _, o := range on.OfKind("ServiceMonitor") {
		if o.Str(`metadata.annotations."argocd.argoproj.io/sync-wave"`) != "-1" || o.Str(`metadata.labels.release`) != "kube-prometheus-stack" {
			t.Errorf("ServiceMonitor %s: wave or Prometheus's selector label", o.Name())
		}
	}
	if count(on, "ServiceMonitor") < 2 || count(on, "PrometheusRule") != 1 {
		t.Error("monitoring.enabled: monitors, rules")
	}
	if _, ok := on.Find("ConfigMap", "caracal-dashboard"); !ok {
		t.Error("the dashboard comes with monitoring")
	}
	off := testkit.Sets(t, "namespace.create=false", "monitoring.enabled=false", "networkPolicy.enabled=false")
	for _, kind := range []string{"Namespace", "NetworkPolicy", "ServiceMonitor", "PrometheusRule"} {
		if count(off, kind) != 0 {
			t.Errorf("switched off, but %d %s", count(off, kind), kind)
		}
	}
	exporters := testkit.Sets(t, "monitoring.enabled=true", "postgresql.metrics.enabled=true", "redis.metrics.enabled=true", "kafka.metrics.enabled=false", "monitoring.labels.team=platform")
	for _, name := range []string{"caracal-postgres", "caracal-redis"} {
		sm := exporters.Must(t, "ServiceMonitor", name)
		if sm.Str("metadata.labels.team") != "platform" {
			t.Errorf("%s: labels from monitoring.labels", name)
		}
		exporters.Must(t, "Service", name+"-metrics")
		if _, ok := testkit.Containers(exporters.PodSpecs()["StatefulSet/"+name])["metrics"]; !ok {
			t.Errorf("%s: exporter sidecar", name)
		}
	}
	if _, ok := exporters.Find("Deployment", "caracal-kafka-exporter"); ok {
		t.Error("kafka.metrics.enabled=false: no exporter")
	}
	rule := exporters.Must(t, "PrometheusRule", "caracal-alerts")
	if strings.Contains(testkit.Sprint(rule["spec"]), "kafka_consumergroup_lag") {
		t.Error("without the Kafka exporter, no alert reads its metrics")
	}
}

// The alerts follow their thresholds and name the consumer-lag alert.
func TestAlertRules(t *testing.T) {
	objs := testkit.Sets(t, "monitoring.enabled=true", "monitoring.alerts.consumerLagMessages=500", "consumers.ledgerWriter.merkle.batchTimeoutSeconds=120", "monitoring.alerts.gateway5xxPercent=2")
	rule := objs.Must(t, "PrometheusRule", "caracal-alerts")
	alerts := map[string]string{}
	groups, _ := rule.Get("spec.groups")
	for _, g := range groups.([]any) {
		for _, r := range g.(map[string]any)["rules"].([]any) {
			m := r.(map[string]any)
			alerts[m["alert"].(string)] = m["expr"].(string)
		}
	}
	for name, fragment := range map[string]string{
		"CaracalConsumerLagHigh":                `sum by (consumergroup) (kafka_consumergroup_lag{namespace="caracal",consumergroup=~"caracal-.*"}) > 500`,
		"CaracalLedgerWriterStalled":            `[240s])) == 0`,
		"CaracalGatewayErrorRateHigh":           `* 100 > 2`,
		"CaracalGatewayLatencyHigh":             `> 1000`,
		"CaracalKafkaUnderReplicatedPartitions": `kafka_topic_partition_under_replicated_partition{namespace="caracal"}`,
		"CaracalPodCrashLooping":                `[15m]) > 3`,
		"CaracalVolumeNearlyFull":               `* 100 > 85`,
	} {
		if !strings.Contains(alerts[name], fragment) {
			t.Errorf("%s: %q lacks %q", name, alerts[name], fragment)
		}
	}
	if len(alerts) != 7 {
		t.Errorf("%d alerts", len(alerts))
	}
	// The alerts of a component that is not built, hence not scraped, are
	// left out.
	objs = testkit.Sets(t, "monitoring.enabled=true", "gateway.enabled=false", "mcpAdapter.enabled=false", "consumers.ledgerWriter.enabled=false", "kafka.metrics.enabled=false")
	var names []string
	groups, _ = objs.Must(t, "PrometheusRule", "caracal-alerts").Get("spec.groups")
	for _, g := range groups.([]any) {
		for _, r := range g.(map[string]any)["rules"].([]any) {
			names = append(names, r.(map[string]any)["alert"].(string))
		}
	}
	if got := strings.Join(names, " "); got != "CaracalPodCrashLooping CaracalVolumeNearlyFull" {
		t.Errorf("without the gateway, the ledger writer and the Kafka exporter: %s", got)
	}
}

// The gateway's load balancer settings reach its public Service, and only
// it; the release's own annotations (the sync wave) stay.
func TestGatewayLoadBalancerSettings(t *testing.T) {
	objs := testkit.Sets(t,
		"gateway.service.annotations.service\\.beta\\.kubernetes\\.io/aws-load-balancer-type=nlb",
		"gateway.service.loadBalancerSourceRanges={203.0.113.0/24,198.51.100.0/24}",
		"gateway.service.loadBalancerClass=service.k8s.aws/nlb",
		"gateway.service.externalTrafficPolicy=Local",
	)
	svc := objs.Must(t, "Service", "caracal-gateway")
	if got := svc.Str(`metadata.annotations."service.beta.kubernetes.io/aws-load-balancer-type"`); got != "nlb" {
		t.Errorf("annotation %q", got)
	}
	if svc.Str(`metadata.annotations."argocd.argoproj.io/sync-wave"`) != "5" {
		t.Errorf("the sync wave is gone: %v", svc["metadata"])
	}
	if got := testkit.Sprint(svc.MustGet(t, "spec.loadBalancerSourceRanges")); got != "[203.0.113.0/24 198.51.100.0/24]" {
		t.Errorf("source ranges %s", got)
	}
	if svc.Str("spec.loadBalancerClass") != "service.k8s.aws/nlb" || svc.Str("spec.externalTrafficPolicy") != "Local" {
		t.Errorf("spec %v", svc["spec"])
	}
	for _, other := range []string{"caracal-gateway-metrics", "caracal-mcp-adapter"} {
		o := objs.Must(t, "Service", other)
		if o.Has("spec.loadBalancerClass") || o.Has("spec.externalTrafficPolicy") || o.Has(`metadata.annotations."service.beta.kubernetes.io/aws-load-balancer-type"`) {
			t.Errorf("%s took the gateway's settings: %v", other, o)
		}
	}
	// By default none is written.
	def := testkit.Sets(t).Must(t, "Service", "caracal-gateway")
	if def.Has("spec.loadBalancerSourceRanges") || def.Has("spec.loadBalancerClass") || def.Has("spec.externalTrafficPolicy") {
		t.Errorf("default spec %v", def["spec"])
	}
}

// global.imageRegistry pulls every image, the exporters' and the Jobs'
// too, from the mirror: the path and the tag stay.
func TestImageRegistry(t *testing.T) {
	objs := testkit.Sets(t, "global.imageRegistry=registry.example.com:5000", "postgresql.metrics.enabled=true", "redis.metrics.enabled=true")
	n := 0
	for name, spec := range objs.PodSpecs() {
		for _, c := range append(spec.List("initContainers"), spec.List("containers")...) {
			n++
			if img := c.Str("image"); !strings.HasPrefix(img, "registry.example.com:5000/") {
				t.Errorf("%s: container %s pulls %s", name, c.Str("name"), img)
			}
		}
	}
	images := map[string]bool{}
	for _, spec := range objs.PodSpecs() {
		for _, c := range spec.List("containers") {
			images[c.Str("image")] = true
		}
	}
	for _, want := range []string{"registry.example.com:5000/library/postgres:17.6", "registry.example.com:5000/caracal/caracal-core:0.3.0", "registry.example.com:5000/apache/kafka:4.1.0"} {
		if !images[want] {
			t.Errorf("no container pulls %s: %v", want, images)
		}
	}
	if n < 15 {
		t.Errorf("%d containers", n)
	}
}
