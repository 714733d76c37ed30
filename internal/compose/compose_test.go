package compose_test

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
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

func obj(kind, name, path string) func(testkit.Objects) string {
	return func(objs testkit.Objects) string {
		o, ok := objs.Find(kind, name)
		if !ok {
			return "<no " + kind + "/" + name + ">"
		}
		return o.Str(path)
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

func container(sts, name, path string) func(testkit.Objects) string {
	return obj("StatefulSet", sts, "spec.template.spec.containers["+name+"]."+path)
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

// every reports the value at path when all objects agree on it.
func every(path string) func(testkit.Objects) string {
	return func(objs testkit.Objects) string {
		seen := map[string]bool{}
		for _, o := range objs {
			seen[o.Str(path)] = true
		}
		if len(seen) != 1 {
			return "<objects disagree>"
		}
		for v := range seen {
			return v
		}
		return ""
	}
}

// pods reports the value at path when every pod spec agrees on it.
func pods(path string) func(testkit.Objects) string {
	return func(objs testkit.Objects) string {
		seen := map[string]bool{}
		for _, spec := range objs.PodSpecs() {
			v, _ := spec.Get(path)
			seen[testkit.Sprint(v)] = true
		}
		if len(seen) != 1 {
			return "<pods disagree>"
		}
		for v := range seen {
			return v
		}
		return ""
	}
}

func claims(path string) func(testkit.Objects) string {
	return func(objs testkit.Objects) string {
		seen := map[string]bool{}
		for _, o := range objs.OfKind("StatefulSet") {
			v, _ := o.Get("spec.volumeClaimTemplates.0.spec." + path)
			seen[testkit.Sprint(v)] = true
		}
		if len(seen) != 1 {
			return "<claims disagree>"
		}
		for v := range seen {
			return v
		}
		return ""
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

func resourceCases(store, sts, container string, defaults [4]string) []keyCase {
	var out []keyCase
	for i, k := range []string{"requests.cpu", "requests.memory", "limits.cpu", "limits.memory"} {
		key := store + ".resources." + k
		// The new value keeps every request within its limit.
		newVal := map[string]string{"requests.cpu": "300m", "requests.memory": "300Mi", "limits.cpu": "3", "limits.memory": "3Gi"}[k]
		out = append(out, keyCase{key: key, def: defaults[i], set: []string{key + "=" + newVal}, want: newVal,
			observe: obj("StatefulSet", sts, "spec.template.spec.containers["+container+"].resources."+k)})
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
		{key: "kafka.config.defaultReplicationFactor", def: "3", set: []string{"kafka.config.defaultReplicationFactor=2"}, want: "2", observe: property("default.replication.factor")},
		{key: "kafka.config.minInsyncReplicas", def: "2", set: []string{"kafka.config.minInsyncReplicas=1"}, want: "1", observe: property("min.insync.replicas")},
		{key: "kafka.persistence.size", def: "20Gi", set: []string{"kafka.persistence.size=100Gi"}, want: "100Gi", observe: obj("StatefulSet", "caracal-kafka", "spec.volumeClaimTemplates.0.spec.resources.requests.storage")},
	}
	cases = append(cases, resourceCases("postgresql", "caracal-postgres", "postgres", [4]string{"500m", "512Mi", "2000m", "2Gi"})...)
	cases = append(cases, resourceCases("redis", "caracal-redis", "redis", [4]string{"250m", "256Mi", "1000m", "512Mi"})...)
	cases = append(cases, resourceCases("kafka", "caracal-kafka", "kafka", [4]string{"500m", "1Gi", "2000m", "2Gi"})...)
	return cases
}

// Keys whose effect belongs to the application tier (gateway, MCP adapter,
// consumers), which is not built yet: they load with the chart's defaults
// (internal/values checks that) but change no object so far.
var applicationTierKeys = regexp.MustCompile(`^(gateway|consumers)\.`)

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

// Every key of the seed's table is in the table above, or waits for the
// application tier.
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
		if !covered[m[1]] && !applicationTierKeys.MatchString(m[1]) {
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
	objs := testkit.Sets(t)
	for _, o := range objs {
		if !o.Has("spec.template") {
			continue
		}
		if o.Str(`spec.template.metadata.labels."app.kubernetes.io/name"`) != "caracal" {
			t.Errorf("%s/%s: pods lack app.kubernetes.io/name=caracal", o.Kind(), o.Name())
		}
		sel, _ := o.Get("spec.selector.matchLabels")
		for k, v := range sel.(map[string]any) {
			if o.Str(`spec.template.metadata.labels."`+k+`"`) != v {
				t.Errorf("%s/%s: selector %s=%v does not match its pods", o.Kind(), o.Name(), k, v)
			}
		}
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
	if files[0].Name != "secrets.k8s.yaml" || !strings.Contains(string(files[0].Data), "# DEVELOPMENT ONLY") {
		t.Errorf("inline secrets must be in their own file, headed by a warning")
	}
	for _, f := range files[1:] {
		if strings.Contains(string(f.Data), "pg-secret") || strings.Contains(string(f.Data), "redis-secret") {
			t.Errorf("%s holds a password; workloads must use secretKeyRef", f.Name)
		}
	}
}
