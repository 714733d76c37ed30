package values

import (
	"strings"
	"testing"
)

// The pod settings read as a pod spec writes them, into Kubernetes' own
// types, with every field.
func TestPodSettingsDecodeAsInAPodSpec(t *testing.T) {
	v, err := Parse([]Source{src("knobs.yaml", `
global:
  nodeSelector: {pool: caracal}
kafka:
  tolerations:
    - {key: dedicated, operator: Equal, value: data, effect: NoExecute, tolerationSeconds: 30}
  affinity:
    podAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 50
          podAffinityTerm:
            topologyKey: topology.kubernetes.io/zone
            labelSelector: {matchLabels: {app: cache}}
  topologySpreadConstraints:
    - {maxSkew: 1, topologyKey: example.com/rack, whenUnsatisfiable: DoNotSchedule, minDomains: 2, nodeTaintsPolicy: Honor}
  extraEnvVars:
    - {name: KAFKA_HEAP_OPTS, value: -Xmx2g}
    - name: LIMIT
      valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
    - name: TOKEN
      valueFrom: {secretKeyRef: {name: kafka-extra, key: token}}
`)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := v.Kafka.Pod
	if tl := k.Tolerations[0]; tl.Key != "dedicated" || tl.Effect != "NoExecute" || *tl.TolerationSeconds != 30 {
		t.Errorf("tolerations: %+v", k.Tolerations)
	}
	if w := k.Affinity.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0]; w.Weight != 50 || w.PodAffinityTerm.LabelSelector.MatchLabels["app"] != "cache" {
		t.Errorf("affinity: %+v", w)
	}
	if c := k.TopologySpreadConstraints[0]; *c.MinDomains != 2 || *c.NodeTaintsPolicy != "Honor" {
		t.Errorf("topologySpreadConstraints: %+v", c)
	}
	if e := k.ExtraEnvVars; len(e) != 3 || e[1].ValueFrom.ResourceFieldRef.Divisor.String() != "1Mi" || e[2].ValueFrom.SecretKeyRef.Name != "kafka-extra" {
		t.Errorf("extraEnvVars: %+v", e)
	}
	if v.Global.NodeSelector["pool"] != "caracal" {
		t.Errorf("global.nodeSelector: %v", v.Global.NodeSelector)
	}
}

// Each problem names the file, the line of the field it is about, and
// the field's whole path; all of them at once.
func TestPodSettingsProblemsNameTheLineAndField(t *testing.T) {
	got := problemsOf(t, []Source{src("bad.yaml", `gateway:
  tolerations:
    - key: dedicated
      operator: Equals
    - tolerationSecond: 30
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
          - matchExpressions:
              - {key: pool, operator: In}
  topologySpreadConstraints:
    - {maxSkew: 0, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, minDomains: 2}
  podLabels:
    app.kubernetes.io/name: mine
  podAnnotations:
    checksum/config: "0"
  extraEnvVars: {name: X}
redis:
  tolerations:
    - key: 3
      operator: Exists
      effect: [NoSchedule]
`)}, nil)
	want := []string{
		`bad.yaml:5:7: gateway.tolerations[1].tolerationSecond: unknown field "tolerationSecond" of Toleration (did you mean tolerationSeconds?)`,
		`bad.yaml:18:3: gateway.extraEnvVars: expected a list of environment variables, got a mapping`,
		`bad.yaml:23:7: redis.tolerations[0].effect: expected a string, got a list`,
		`bad.yaml:4:7: gateway.tolerations[0].operator: Unsupported value: "Equals": supported values: "Equal", "Exists"`,
		"bad.yaml:5:7: gateway.tolerations[1].operator: Invalid value: \"\": operator must be Exists when `key` is empty",
		"bad.yaml:11:17: gateway.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
		`bad.yaml:13:8: gateway.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero`,
		`bad.yaml:13:74: gateway.topologySpreadConstraints[0].minDomains: Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule`,
		`bad.yaml:16:3: gateway.podAnnotations: "checksum/config" is under checksum/, which the output sets itself`,
		`bad.yaml:14:3: gateway.podLabels: "app.kubernetes.io/name" is under app.kubernetes.io/, which the output sets itself`,
	}
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing problem:\n  %s\ngot:\n%s", w, got)
		}
	}
}

// An environment variable's value may be a secret: no message shows it,
// whatever is wrong around it.
func TestEnvVarValuesAreNeverShown(t *testing.T) {
	got := problemsOf(t, []Source{src("env.yaml", `gateway:
  extraEnvVars:
    - name: DB_PASSWORD
      value: hunter2-value
      valueFrom: {secretKeyRef: {name: db, key: password}}
    - name: 1TOKEN
      value: s3cret-value
    - name: OTHER
      value: {nested: another-s3cret}
`)}, nil)
	for _, secret := range []string{"hunter2", "s3cret"} {
		if strings.Contains(got, secret) {
			t.Errorf("a value shows in the messages:\n%s", got)
		}
	}
	for _, w := range []string{"gateway.extraEnvVars[0].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty", "gateway.extraEnvVars[1].name: Invalid value: \"1TOKEN\"", "gateway.extraEnvVars[2].value: expected a string, got a mapping"} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
}

// As Helm merges values files: a later file's affinity merges into an
// earlier one's field by field, its lists replace, and null resets.
func TestPodSettingsMergeAcrossFiles(t *testing.T) {
	base := src("base.yaml", `gateway:
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms: [{matchExpressions: [{key: pool, operator: Exists}]}]
  tolerations: [{key: a, operator: Exists}, {key: b, operator: Exists}]
`)
	v, err := Parse([]Source{base, src("prod.yaml", `gateway:
  affinity:
    podAffinity:
      requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname, labelSelector: {matchLabels: {app: x}}}]
  tolerations: [{key: c, operator: Exists}]
`)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := v.Gateway.Affinity
	if a.NodeAffinity == nil || a.PodAffinity == nil || len(v.Gateway.Tolerations) != 1 || v.Gateway.Tolerations[0].Key != "c" {
		t.Errorf("merged: affinity %+v, tolerations %+v", a, v.Gateway.Tolerations)
	}
	if d := Defaults(); d.Gateway.Affinity != nil {
		t.Error("a merge changed the defaults")
	}
	v, err = Parse([]Source{base, src("reset.yaml", "gateway:\n  affinity: null\n  tolerations: null\n")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.Gateway.Affinity != nil || len(v.Gateway.Tolerations) != 0 {
		t.Errorf("null must reset: %+v %+v", v.Gateway.Affinity, v.Gateway.Tolerations)
	}
}

// --set cannot write a Kubernetes object; it says where to write it.
func TestPodSettingsObjectsRefuseSet(t *testing.T) {
	_, err := Parse(nil, []string{"gateway.affinity=x"})
	if err == nil || !strings.Contains(err.Error(), "gateway.affinity: is an affinity (a mapping, as in a pod spec), which --set cannot write: set it in a values file (-f)") {
		t.Errorf("got %v", err)
	}
	v, err := Parse(nil, []string{"gateway.command={/bin/caracal,gateway}", "gateway.podLabels.team=payments"})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Gateway.Command) != 2 || v.Gateway.PodLabels["team"] != "payments" {
		t.Errorf("command %v, podLabels %v", v.Gateway.Command, v.Gateway.PodLabels)
	}
}

// The schema checks the pod settings' structure, field names and enums
// as the CLI does; the rules between their fields are Kubernetes' and
// the CLI's alone.
func TestSchemaChecksPodSettings(t *testing.T) {
	s := compiledSchema(t)
	for _, c := range []struct {
		doc string
		ok  bool
	}{
		{"gateway: {tolerations: [{key: dedicated, operator: Equal, value: caracal, effect: NoSchedule}]}", true},
		{"gateway: {tolerations: [{key: dedicated, operator: Equals}]}", false},
		{"gateway: {tolerations: [{tolerationSecond: 3}]}", false},
		{"gateway: {affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: pool, operator: In, values: [a]}]}]}}}}", true},
		{"gateway: {affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {}}}}", false},
		{"gateway: {topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: Never}]}", false},
		{"gateway: {extraEnvVars: [{name: A, value: b}, {name: C, valueFrom: {secretKeyRef: {name: s, key: k}}}]}", true},
		{"gateway: {extraEnvVars: [{value: b}]}", false},
		{"gateway: {podLabels: {app.kubernetes.io/name: x}}", false},
	} {
		_, cliErr := Parse([]Source{src("doc", c.doc)}, nil)
		schErr := schemaErr(s, []byte(c.doc))
		if (cliErr == nil) != c.ok || (schErr == nil) != c.ok {
			t.Errorf("%s: CLI %v, schema %v; want ok=%v", c.doc, cliErr, schErr, c.ok)
		}
	}
}

// What the API server of 1.30 refuses, refused here first: keys in both
// matchLabelKeys and the selector (the workload's own when none is
// given), divisors of another unit, fieldRef versions, pod affinity's
// label keys (off before 1.31); and what it accepts, accepted.
func TestPodSettingsFollowTheAPIServer(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{"gateway: {topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, matchLabelKeys: [app.kubernetes.io/instance]}]}", "exists in both matchLabelKeys and labelSelector"},
		{"gateway: {topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: x}}, matchLabelKeys: [app]}]}", "exists in both"},
		{"gateway: {topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, whenUnsatisfiable: ScheduleAnyway, matchLabelKeys: [pod-template-hash]}]}", ""},
		{"gateway: {extraEnvVars: [{name: N, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: '3'}}}]}", `divisor: Unsupported value: "3"`},
		{"gateway: {extraEnvVars: [{name: N, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}}]}", ""},
		{"gateway: {extraEnvVars: [{name: N, valueFrom: {resourceFieldRef: {resource: limits.hugepages-2Mi, divisor: 1Mi}}}]}", ""},
		{"gateway: {extraEnvVars: [{name: N, valueFrom: {fieldRef: {apiVersion: v9, fieldPath: metadata.name}}}]}", `apiVersion: Unsupported value: "v9"`},
		{"gateway: {affinity: {podAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: zone, labelSelector: {matchLabels: {a: b}}, matchLabelKeys: [c]}]}}}", "needs Kubernetes 1.31"},
		{"gateway: {tolerations: [{key: a, operator: '', value: b, effect: ''}]}", ""},
		{"gateway: {affinity: {nodeAffinity: null}, extraEnvVars: [{name: A, value: null}]}", ""},
	} {
		_, err := Parse([]Source{src("doc", c.doc)}, nil)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: refused: %v", c.doc, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: want %q, got %v", c.doc, c.want, err)
		}
		if c.want == "" {
			if err := schemaErr(compiledSchema(t), []byte(c.doc)); err != nil {
				t.Errorf("%s: the schema refuses what the CLI accepts: %v", c.doc, err)
			}
		}
	}
}

// A value pasted where a name or a key goes, or aliased from an anchor
// into a field a message shows, is never shown.
func TestPodSettingsMessagesHideValues(t *testing.T) {
	got := problemsOf(t, []Source{src("leak.yaml", `x: &pw s3cret-ANCHOR
gateway:
  extraEnvVars:
    - {name: TOKEN, value: abc, hunter2-KEY}
    - name: API_KEY=s3cret-NAME
  tolerations:
    - {key: dedicated, operator: *pw}
`)}, nil)
	for _, secret := range []string{"hunter2", "s3cret"} {
		if strings.Contains(got, secret) {
			t.Errorf("a value shows:\n%s", got)
		}
	}
	for _, w := range []string{"gateway.extraEnvVars[0]: unknown field <redacted> of EnvVar", "gateway.extraEnvVars[1].name: Invalid value: \"<redacted>\"", "gateway.tolerations[0].operator: Unsupported value"} {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
}
