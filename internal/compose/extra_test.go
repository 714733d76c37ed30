package compose_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/internal/testkit"
	"caracal.dev/caracal-cdk8s/internal/values"
)

// workloadPods are the values prefix of each workload's pod settings and
// the components of the pods they reach.
var workloadPods = map[string][]string{
	"postgresql":                  {"postgres"},
	"postgresql.backup":           {"postgres-backup"},
	"redis":                       {"redis"},
	"kafka":                       {"kafka"},
	"kafka.metrics":               {"kafka-exporter"},
	"kafka.zookeeper":             {"zookeeper"},
	"gateway":                     {"gateway"},
	"mcpAdapter":                  {"mcp-adapter"},
	"consumers.ledgerWriter":      {"ledger-writer"},
	"consumers.metricsAggregator": {"metrics-aggregator"},
	"consumers.auditLogger":       {"audit-logger"},
	"jobs":                        {"db-init", "db-migrate", "kafka-topics", "merkle-backfill"},
}

// everyWorkload switches on every workload, so each has pods.
var everyWorkload = []string{
	"postgresql.backup.enabled=true", "kafka.zookeeper.enabled=true", "kafka.image.tag=3.9.1",
	"mcpAdapter.enabled=true", "upgrade.merkleBackfill.enabled=true",
}

// podsOf are the pod specs of a component, by their owner.
func podsOf(t *testing.T, objs testkit.Objects, component string) map[string]testkit.Object {
	t.Helper()
	out := map[string]testkit.Object{}
	for _, o := range objs {
		for _, path := range []string{"spec.template", "spec.jobTemplate.spec.template"} {
			if tmpl, ok := o.Get(path); ok && testkit.Object(tmpl.(map[string]any)).Str("metadata.labels.\"app.kubernetes.io/component\"") == component {
				out[o.Kind()+"/"+o.Name()] = testkit.Object(tmpl.(map[string]any))
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no pods of component %s", component)
	}
	return out
}

// Every workload's own settings reach its pods, and only its pods;
// global's reach the others, and a map of the workload merges over
// global's key by key.
func TestPodSettingsReachEachWorkload(t *testing.T) {
	prefixes := make([]string, 0, len(workloadPods))
	for p := range workloadPods {
		prefixes = append(prefixes, p)
	}
	sort.Strings(prefixes)
	sets := append([]string{"global.nodeSelector.pool=shared", "global.nodeSelector.arch=arm64", "global.priorityClassName=apps", "global.serviceAccount.annotations.team=caracal"}, everyWorkload...)
	for _, p := range prefixes {
		sets = append(sets, fmt.Sprintf("%s.nodeSelector.pool=%s", p, label(p)), fmt.Sprintf("%s.priorityClassName=class-%s", p, label(p)))
	}
	objs := testkit.Sets(t, sets...)
	for _, p := range prefixes {
		for _, component := range workloadPods[p] {
			for owner, tmpl := range podsOf(t, objs, component) {
				if got := tmpl.Str("spec.nodeSelector.pool"); got != label(p) {
					t.Errorf("%s (%s): nodeSelector pool %q, want the workload's %q", owner, p, got, label(p))
				}
				if got := tmpl.Str("spec.nodeSelector.arch"); got != "arm64" {
					t.Errorf("%s: nodeSelector arch %q, want global's merged in", owner, got)
				}
				if got := tmpl.Str("spec.priorityClassName"); got != "class-"+label(p) {
					t.Errorf("%s: priorityClassName %q, want the workload's", owner, got)
				}
				sa := objs.Must(t, "ServiceAccount", tmpl.Str("spec.serviceAccountName"))
				if got := sa.Str("metadata.annotations.team"); got != "caracal" {
					t.Errorf("%s: ServiceAccount annotation team %q, want global's", owner, got)
				}
			}
		}
	}
	// Without their own, every workload takes global's.
	objs = testkit.Sets(t, append([]string{"global.nodeSelector.pool=shared", "global.priorityClassName=apps", "priorityClass.create=false"}, everyWorkload...)...)
	for _, p := range prefixes {
		for _, component := range workloadPods[p] {
			for owner, tmpl := range podsOf(t, objs, component) {
				if got := tmpl.Str("spec.nodeSelector.pool"); got != "shared" {
					t.Errorf("%s: nodeSelector pool %q, want global's", owner, got)
				}
				if got := tmpl.Str("spec.priorityClassName"); got != "apps" {
					t.Errorf("%s: priorityClassName %q, want global's", owner, got)
				}
			}
		}
	}
}

func label(prefix string) string { return strings.ToLower(strings.ReplaceAll(prefix, ".", "-")) }

// The datastores keep their own PriorityClass over global's; their own
// priorityClassName wins over both.
func TestDatastoresPriorityOrder(t *testing.T) {
	objs := testkit.Sets(t, "global.priorityClassName=apps", "redis.priorityClassName=cache")
	for _, c := range []struct{ kind, name, want string }{
		{"StatefulSet", "caracal-postgres", "caracal-datastores"},
		{"StatefulSet", "caracal-redis", "cache"},
		{"Deployment", "caracal-gateway", "apps"},
	} {
		if got := objs.Must(t, c.kind, c.name).Str("spec.template.spec.priorityClassName"); got != c.want {
			t.Errorf("%s/%s: priorityClassName %q, want %q", c.kind, c.name, got, c.want)
		}
	}
}

// A values file with every kind of pod setting: what each does to the
// gateway's pods, and that the built-in placement stays.
func TestPodSettingsEffect(t *testing.T) {
	file := values.Source{Name: "knobs.yaml", Data: []byte(`
global:
  tolerations:
    - {key: dedicated, operator: Equal, value: caracal, effect: NoSchedule}
  podLabels: {team: payments}
  extraEnvVars:
    - {name: HTTP_PROXY, value: "http://proxy:3128"}
    - {name: LOG_LEVEL, value: info}
gateway:
  tolerations:
    - {key: gateway-only, operator: Exists}
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions: [{key: node-pool, operator: In, values: [edge]}]
  topologySpreadConstraints:
    - {maxSkew: 2, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: ScheduleAnyway}
    - {maxSkew: 1, topologyKey: example.com/rack, whenUnsatisfiable: ScheduleAnyway}
  podAnnotations: {example.com/scrape: "yes"}
  podLabels: {tier: edge}
  extraEnvVars:
    - {name: LOG_LEVEL, value: debug}
    - name: NODE
      valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
  extraEnvVarsCM: gateway-extra
  extraEnvVarsSecret: gateway-extra-secrets
  command: [/bin/caracal]
  args: [gateway, serve, "--listen=$(POD_IP)"]
`)}
	objs, _ := testkit.Synth(t, []values.Source{file})
	pod := objs.Must(t, "Deployment", "caracal-gateway")
	spec := testkit.Object(pod.MustGet(t, "spec.template.spec").(map[string]any))
	check := func(path, want string) {
		t.Helper()
		if got, _ := spec.Get(path); testkit.Sprint(got) != want {
			t.Errorf("%s: %s, want %s", path, testkit.Sprint(got), want)
		}
	}
	// The workload's list replaces global's.
	check("tolerations", "[map[key:gateway-only operator:Exists]]")
	check("affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms.0.matchExpressions.0.values", "[edge]")
	// The built-in anti-affinity stays.
	check("affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution.0.podAffinityTerm.topologyKey", "kubernetes.io/hostname")
	// The zone spread is replaced, the host spread stays, the rack is
	// added, counting the gateway's pods.
	spread := spec.List("topologySpreadConstraints")
	if len(spread) != 3 || spread[0].Int("maxSkew") != 2 || spread[1].Str("topologyKey") != "kubernetes.io/hostname" || spread[2].Str("labelSelector.matchLabels.\"app.kubernetes.io/component\"") != "gateway" {
		t.Errorf("topologySpreadConstraints: %v", spread)
	}
	meta := testkit.Object(pod.MustGet(t, "spec.template.metadata").(map[string]any))
	if meta.Str("labels.team") != "payments" || meta.Str("labels.tier") != "edge" || meta.Str("labels.\"app.kubernetes.io/component\"") != "gateway" {
		t.Errorf("pod labels: %v", meta.MustGet(t, "labels"))
	}
	if meta.Str("annotations.\"example.com/scrape\"") != "yes" || !meta.Has("annotations.\"checksum/config\"") {
		t.Errorf("pod annotations: %v", meta.MustGet(t, "annotations"))
	}
	// Selectors never change.
	if got := testkit.Sprint(pod.MustGet(t, "spec.selector.matchLabels")); strings.Contains(got, "team") || strings.Contains(got, "tier") {
		t.Errorf("the selector took a user label: %s", got)
	}
	c := testkit.Containers(spec)["gateway"]
	env := testkit.Env(c)
	if env["LOG_LEVEL"].Str("value") != "debug" || env["HTTP_PROXY"].Str("value") != "http://proxy:3128" || env["NODE"].Str("valueFrom.fieldRef.fieldPath") != "spec.nodeName" {
		t.Errorf("env: %v", c.MustGet(t, "env"))
	}
	from := testkit.Sprint(c.MustGet(t, "envFrom"))
	if !strings.Contains(from, "configMapRef:map[name:gateway-extra]") || !strings.HasSuffix(from, "secretRef:map[name:gateway-extra-secrets]]]") {
		t.Errorf("envFrom: %s", from)
	}
	// The override is written as it is: Kubernetes expands $(POD_IP).
	if got := testkit.Sprint(c.MustGet(t, "command")) + testkit.Sprint(c.MustGet(t, "args")); got != "[/bin/caracal][gateway serve --listen=$(POD_IP)]" {
		t.Errorf("command and args: %s", got)
	}
}

// The Secrets the user's variables read are the user's: in mode
// externalSecrets no ExternalSecret is written for them.
func TestUserSecretsAreNotSynced(t *testing.T) {
	objs := testkit.Sets(t, "secrets.mode=externalSecrets", "secrets.externalSecrets.storeRef.name=vault",
		"global.extraEnvVarsSecret=user-env", "postgresql.extraEnvVarsSecret=user-pg")
	for _, name := range []string{"user-env", "user-pg"} {
		if _, ok := objs.Find("ExternalSecret", name); ok {
			t.Errorf("an ExternalSecret syncs the user's Secret %s", name)
		}
	}
	if got := len(objs.OfKind("ExternalSecret")); got != 3 {
		t.Errorf("%d ExternalSecrets, want the output's 3", got)
	}
	pg := testkit.Containers(testkit.Object(objs.Must(t, "StatefulSet", "caracal-postgres").MustGet(t, "spec.template.spec").(map[string]any)))["postgres"]
	if got := testkit.Sprint(pg.MustGet(t, "envFrom")); !strings.Contains(got, "user-pg") || strings.Contains(got, "user-env") {
		t.Errorf("postgres envFrom %s: want its own Secret, in place of global's", got)
	}
}

// An empty list written for a workload is its own: none, not global's.
func TestEmptyListOptsOutOfGlobals(t *testing.T) {
	objs, _ := testkit.Synth(t, []values.Source{{Name: "opt-out.yaml", Data: []byte(`
global:
  tolerations: [{key: dedicated, operator: Exists}]
gateway:
  tolerations: []
`)}})
	if objs.Must(t, "Deployment", "caracal-gateway").Has("spec.template.spec.tolerations") {
		t.Error("the gateway's empty list must replace global's")
	}
	if !objs.Must(t, "Deployment", "caracal-audit-logger").Has("spec.template.spec.tolerations") {
		t.Error("the other workloads keep global's")
	}
}
