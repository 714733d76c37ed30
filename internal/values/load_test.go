package values

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"unicode/utf16"
)

func TestDefaultsAreValid(t *testing.T) {
	v, err := Parse(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v, Defaults()) {
		t.Error("loading nothing must give the defaults")
	}
}

func TestFilesMergeDeeplyAndLaterFilesWin(t *testing.T) {
	v, err := Parse([]Source{
		src("base.yaml", "gateway:\n  replicaCount: 4\n  service:\n    type: ClusterIP\nkafka:\n  persistence:\n    size: 50Gi\n"),
		src("prod.yaml", "gateway:\n  replicaCount: 6\n"),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.Gateway.ReplicaCount != 6 {
		t.Errorf("later file must win: replicaCount %d", v.Gateway.ReplicaCount)
	}
	if v.Gateway.Service.Type != "ClusterIP" {
		t.Errorf("mappings must merge deeply: service.type %q", v.Gateway.Service.Type)
	}
	if v.Gateway.Service.HTTPSPort != 8443 || v.Gateway.AuthMode != "jwt" {
		t.Error("keys not given must keep their defaults")
	}
	if v.Kafka.Persistence.Size != "50Gi" {
		t.Errorf("kafka.persistence.size %q", v.Kafka.Persistence.Size)
	}
}

func TestSetAppliesAfterFilesWithTypes(t *testing.T) {
	v, err := Parse([]Source{src("a.yaml", "kafka:\n  replicaCount: 4\n")}, []string{
		"kafka.replicaCount=5",
		"gateway.tls.enabled=false,gateway.authMode=api_key",
		"global.imagePullSecrets={regcred,mirror}",
		"postgresql.image.tag=17.6-bookworm",
		`externalKafka.bootstrapServers=a:9092\,b:9092`,
		"kafka.enabled=false",
	})
	if err != nil {
		t.Fatal(err)
	}
	if v.Kafka.ReplicaCount != 5 {
		t.Errorf("--set must win over files and parse integers: %d", v.Kafka.ReplicaCount)
	}
	if v.Gateway.TLS.Enabled || v.Gateway.AuthMode != "api_key" {
		t.Errorf("comma-separated pairs and booleans: tls %v, authMode %q", v.Gateway.TLS.Enabled, v.Gateway.AuthMode)
	}
	if !reflect.DeepEqual(v.Global.ImagePullSecrets, PullSecrets{"regcred", "mirror"}) {
		t.Errorf("lists: %v", v.Global.ImagePullSecrets)
	}
	if v.ExternalKafka.BootstrapServers != "a:9092,b:9092" {
		t.Errorf("escaped comma: %q", v.ExternalKafka.BootstrapServers)
	}
}

func TestPullSecretsAcceptBothForms(t *testing.T) {
	for _, doc := range []string{
		"global:\n  imagePullSecrets:\n    - regcred\n    - mirror\n",
		"global:\n  imagePullSecrets:\n    - name: regcred\n    - name: mirror\n",
		"global:\n  imagePullSecrets: [regcred, {name: mirror}]\n",
	} {
		v, err := Parse([]Source{src("a.yaml", doc)}, nil)
		if err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		if !reflect.DeepEqual(v.Global.ImagePullSecrets, PullSecrets{"regcred", "mirror"}) {
			t.Errorf("%s: got %v", doc, v.Global.ImagePullSecrets)
		}
	}
}

func TestScalarsKeepTheirText(t *testing.T) {
	// Unquoted, 1.10 is a float; Helm would render 1.1. The tag is kept as
	// written.
	v, err := Parse([]Source{src("a.yaml", "redis:\n  image:\n    tag: 7.10\n  resources:\n    limits:\n      cpu: 2\n")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.Redis.Image.Tag != "7.10" || v.Redis.Resources.Limits.CPU != "2" {
		t.Errorf("tag %q, cpu %q", v.Redis.Image.Tag, v.Redis.Resources.Limits.CPU)
	}
}

func TestEmptyInputs(t *testing.T) {
	v, err := Parse([]Source{
		src("empty.yaml", ""),
		src("comments.yaml", "# nothing here\n"),
		src("nulls.yaml", "gateway:\nglobal:\n  imagePullSecrets:\n  storageClass:\n"),
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v, Defaults()) {
		t.Error("empty files and empty keys must leave the defaults")
	}
}

func TestLoadReadsFilesInOrder(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	os.WriteFile(a, []byte("redis:\n  persistence:\n    size: 1Gi\n"), 0o644)
	os.WriteFile(b, []byte("redis:\n  persistence:\n    size: 2Gi\n"), 0o644)
	v, err := Load([]string{a, b}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.Redis.Persistence.Size != "2Gi" {
		t.Errorf("size %q", v.Redis.Persistence.Size)
	}
}

func TestInlineSecretsNeedRealPasswordsOrAnOptIn(t *testing.T) {
	if _, err := Parse(nil, []string{"secrets.mode=inline", "postgresql.auth.password=a", "redis.auth.password=b"}); err != nil {
		t.Errorf("real passwords: %v", err)
	}
	if _, err := Parse(nil, []string{"secrets.mode=inline", "secrets.allowInsecureDefaultPasswords=true"}); err != nil {
		t.Errorf("explicit opt-in: %v", err)
	}
}

func TestExternalDatastores(t *testing.T) {
	v, err := Parse([]Source{src("ext.yaml", `postgresql: {enabled: false}
redis: {enabled: false}
kafka: {enabled: false}
externalDatabase: {host: db.example.com, port: 6432}
externalRedis: {host: cache.example.com}
externalKafka: {bootstrapServers: "b1.example.com:9092,b2.example.com:9092"}
`)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.ExternalDatabase.Port != 6432 || v.ExternalRedis.Port != 6379 {
		t.Errorf("ports %d %d", v.ExternalDatabase.Port, v.ExternalRedis.Port)
	}
}

func TestKeysAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range Params() {
		if seen[p.Key] {
			t.Errorf("duplicate key %s", p.Key)
		}
		seen[p.Key] = true
		if p.Doc == "" {
			t.Errorf("%s has no description", p.Key)
		}
	}
}

func TestNearest(t *testing.T) {
	for _, tc := range []struct {
		in   string
		cand []string
		want string
	}{
		{"replicas", []string{"enabled", "replicaCount", "image"}, "replicaCount"},
		{"ReplicaCount", []string{"enabled", "replicaCount"}, "replicaCount"},
		{"imgae", []string{"enabled", "image"}, "image"},
		{"xyz", []string{"enabled", "image"}, ""},
	} {
		if got := nearest(tc.in, tc.cand); got != tc.want {
			t.Errorf("nearest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCronSchedules(t *testing.T) {
	for _, ok := range []string{"0 2 * * *", "*/15 * * * *", "0 0-6/2 1,15 * 1-5", "@daily", "30 1 * 1-12 0,6"} {
		if msg := checkCron(ok); msg != "" {
			t.Errorf("%q: %s", ok, msg)
		}
	}
	for _, bad := range []string{"", "* * * *", "60 * * * *", "* * 0 * *", "* * * 13 *", "*/0 * * * *", "a b c d e", "@sometimes", "0 2 * * 7", "30 1 * 1-12 0,7"} {
		if checkCron(bad) == "" {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Kubernetes validates a CronJob's schedule with robfig/cron's
// ParseStandard; these are what it accepts and refuses.
func TestCronSchedulesAsKubernetes(t *testing.T) {
	for _, ok := range []string{
		"0 2 * * MON", "0 2 * * mon-fri", "0 2 * * Sun,SAT", "0 2 * * MON/2",
		"0 0 1 JAN *", "0 0 1 jan-Mar,OCT *", "0 2 ? * *", "0 2 * * ?", "0 2 ? * ?/2", "1-1 * * * *",
		"@yearly", "@annually", "@monthly", "@weekly", "@midnight", "@hourly", "@every 1h30m", "@every 90s",
	} {
		if msg := checkCron(ok); msg != "" {
			t.Errorf("%q: %s", ok, msg)
		}
	}
	for _, bad := range []string{
		"5-1 * * * *", "0 23-1 * * *", "0 2 * * FRI-MON", "0 2 * DEC-JAN *", "0 2 31-1 * *",
		"? * * * *", "0 ? * * *", "0 2 * ? *", "0 2 * * MONDAY", "0 2 * FOO *", "0 2 * MON *", "0 JAN * * *",
		"@every", "@every ", "@every x", "@every 0s", "@every -1h", "@Daily", "@daily ", "@reboot",
		"TZ=UTC 0 2 * * *", "CRON_TZ=UTC 0 2 * * *", "TZ=UTC @daily", "0 2 * * 1-", "0 2 * * -1", "0 2 * * 1-2-3",
	} {
		if checkCron(bad) == "" {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestLabelsMergeAndUnset(t *testing.T) {
	v, err := Parse([]Source{
		src("a.yaml", "monitoring:\n  labels:\n    team: platform\n"),
		src("b.yaml", "monitoring:\n  labels:\n    release: null\n"),
	}, []string{`networkPolicy.metricsNamespaceLabels.kubernetes\.io/metadata\.name=observability`})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v.Monitoring.Labels, Labels{"team": "platform"}) {
		t.Errorf("labels merge key by key, null removes one: %v", v.Monitoring.Labels)
	}
	if !reflect.DeepEqual(v.NetworkPolicy.MetricsNamespaceLabels, Labels{"kubernetes.io/metadata.name": "observability"}) {
		t.Errorf("an escaped dot stays in the key: %v", v.NetworkPolicy.MetricsNamespaceLabels)
	}
	if !reflect.DeepEqual(Defaults().Monitoring.Labels, Labels{"release": "kube-prometheus-stack"}) {
		t.Error("loading must not change the defaults")
	}
}

func TestStringLists(t *testing.T) {
	v, err := Parse([]Source{src("a.yaml", "networkPolicy:\n  externalRedisCIDRs: [10.1.0.0/16, 10.2.0.0/16]\n")}, []string{"networkPolicy.externalKafkaCIDRs={10.3.0.0/16}"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v.NetworkPolicy.ExternalRedisCIDRs, Strings{"10.1.0.0/16", "10.2.0.0/16"}) || !reflect.DeepEqual(v.NetworkPolicy.ExternalKafkaCIDRs, Strings{"10.3.0.0/16"}) {
		t.Errorf("%v %v", v.NetworkPolicy.ExternalRedisCIDRs, v.NetworkPolicy.ExternalKafkaCIDRs)
	}
}

// --set takes what a file takes: null removes a label, as Helm does.
func TestSetNullRemovesALabel(t *testing.T) {
	v, err := Parse(nil, []string{"monitoring.labels.release=null,monitoring.labels.team=platform"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(v.Monitoring.Labels, Labels{"team": "platform"}) {
		t.Errorf("labels: %v", v.Monitoring.Labels)
	}
}

// A trailing comma ends the pairs, as with Helm.
func TestSetTrailingComma(t *testing.T) {
	v, err := Parse(nil, []string{"gateway.replicaCount=2,"})
	if err != nil {
		t.Fatal(err)
	}
	if v.Gateway.ReplicaCount != 2 {
		t.Errorf("replicaCount %d", v.Gateway.ReplicaCount)
	}
}

// In a {a,b} list, \, is a comma within an item; elsewhere --set reads as
// it did.
func TestSetEscapedCommaInAList(t *testing.T) {
	for _, tc := range []struct {
		arg  string
		want Values
		got  func(*Values) any
	}{
		{`networkPolicy.externalKafkaCIDRs={a\,b,c}`, Values{NetworkPolicy: NetworkPolicy{ExternalKafkaCIDRs: Strings{"a,b", "c"}}}, func(v *Values) any { return v.NetworkPolicy.ExternalKafkaCIDRs }},
		{`networkPolicy.externalKafkaCIDRs={a, b}`, Values{NetworkPolicy: NetworkPolicy{ExternalKafkaCIDRs: Strings{"a", "b"}}}, func(v *Values) any { return v.NetworkPolicy.ExternalKafkaCIDRs }},
		{`networkPolicy.externalKafkaCIDRs={a\\,b}`, Values{NetworkPolicy: NetworkPolicy{ExternalKafkaCIDRs: Strings{`a\\`, "b"}}}, func(v *Values) any { return v.NetworkPolicy.ExternalKafkaCIDRs }},
		{`externalKafka.bootstrapServers={a\,b}`, Values{ExternalKafka: ExternalKafka{BootstrapServers: "{a,b}"}}, func(v *Values) any { return v.ExternalKafka.BootstrapServers }},
		{`externalKafka.bootstrapServers={a,b}`, Values{ExternalKafka: ExternalKafka{BootstrapServers: "{a,b}"}}, func(v *Values) any { return v.ExternalKafka.BootstrapServers }},
		{`monitoring.labels.x={a\,b}`, Values{Monitoring: Monitoring{Labels: Labels{"release": "kube-prometheus-stack", "x": "{a,b}"}}}, func(v *Values) any { return v.Monitoring.Labels }},
	} {
		v := Defaults()
		var probs problems
		applySet(v, tc.arg, origins{}, &probs)
		if len(probs) > 0 {
			t.Errorf("%s: %v", tc.arg, probs)
			continue
		}
		if got, want := tc.got(v), tc.got(&tc.want); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %q, want %q", tc.arg, got, want)
		}
	}
}

// Network policies off, no namespace needs to be selected.
func TestEmptyMetricsNamespaceLabelsWithoutNetworkPolicies(t *testing.T) {
	_, err := Parse([]Source{src("a.yaml", "networkPolicy:\n  enabled: false\n  metricsNamespaceLabels: {kubernetes.io/metadata.name: null}\n")}, nil)
	if err != nil {
		t.Fatal(err)
	}
}

// The UTF-8 check leaves UTF-16 files, with their byte order mark, to the
// YAML parser, which reads them.
func TestUTF16FileIsRead(t *testing.T) {
	var data []byte
	for _, c := range utf16.Encode([]rune("\ufeffgateway:\n  replicaCount: 4\n")) {
		data = append(data, byte(c), byte(c>>8))
	}
	v, err := Parse([]Source{{Name: "a.yaml", Data: data}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.Gateway.ReplicaCount != 4 {
		t.Errorf("replicaCount %d", v.Gateway.ReplicaCount)
	}
}
