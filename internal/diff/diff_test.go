package diff

import (
	"bytes"
	"strings"
	"testing"
)

func parse(t *testing.T, files map[string]string) []Object {
	t.Helper()
	in := map[string][]byte{}
	for k, v := range files {
		in[k] = []byte(v)
	}
	objs, err := Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func TestCompare(t *testing.T) {
	old := parse(t, map[string]string{"a.k8s.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ns}
spec:
  replicas: 3
  template:
    spec:
      containers:
        - {name: app, image: "app:1", command: ["run"]}
        - {name: sidecar, image: "side:1"}
---
kind: Service
metadata: {name: old, namespace: ns}
---
kind: ConfigMap
metadata: {name: script, namespace: ns}
data:
  run.sh: |
    set -eu
    echo one
    exec app
`, "kustomization.yaml": "kind: Kustomization\nresources: []\n"})
	new := parse(t, map[string]string{"a.k8s.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ns}
spec:
  replicas: 5
  template:
    spec:
      containers:
        - {name: init, image: "init:1"}
        - {name: app, image: "app:2", command: ["run"]}
        - {name: sidecar, image: "side:1"}
---
kind: Service
metadata: {name: new, namespace: ns}
---
kind: ConfigMap
metadata: {name: script, namespace: ns}
data:
  run.sh: |
    set -eu
    echo two
    exec app
`})
	var out bytes.Buffer
	Write(&out, Compare(old, new))
	got := out.String()
	for _, want := range []string{
		"~ Deployment ns/web (a.k8s.yaml)\n",
		"    spec.replicas: 3 -> 5\n",
		"    spec.template.spec.containers[app].image: app:1 -> app:2\n",
		"    spec.template.spec.containers[init].name: + init\n",
		"+ Service ns/new (a.k8s.yaml)\n",
		"- Service ns/old (a.k8s.yaml)\n",
		"    data.\"run.sh\":\n      - echo one\n      + echo two\n",
		"2 changed, 1 added, 1 removed\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "sidecar") {
		t.Errorf("an unchanged container must not show because another was inserted before it:\n%s", got)
	}
}

func TestNoChanges(t *testing.T) {
	objs := parse(t, map[string]string{"a.yaml": "kind: A\nmetadata: {name: x}\nspec: {a: 1}\n"})
	var out bytes.Buffer
	Write(&out, Compare(objs, objs))
	if out.String() != "no changes\n" {
		t.Errorf("%q", out.String())
	}
}

func TestImmutableFieldsAreFlagged(t *testing.T) {
	old := parse(t, map[string]string{"k.yaml": "kind: StatefulSet\nmetadata: {name: kafka}\nspec:\n  replicas: 3\n  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec: {resources: {requests: {storage: 20Gi}}}\n"})
	new := parse(t, map[string]string{"k.yaml": "kind: StatefulSet\nmetadata: {name: kafka}\nspec:\n  replicas: 5\n  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec: {resources: {requests: {storage: 30Gi}}}\n"})
	var out bytes.Buffer
	Write(&out, Compare(old, new))
	if !strings.Contains(out.String(), "! spec.volumeClaimTemplates cannot change in place") {
		t.Errorf("no warning:\n%s", out.String())
	}
	replicasOnly := parse(t, map[string]string{"k.yaml": "kind: StatefulSet\nmetadata: {name: kafka}\nspec:\n  replicas: 5\n  volumeClaimTemplates:\n    - metadata: {name: data}\n      spec: {resources: {requests: {storage: 20Gi}}}\n"})
	out.Reset()
	Write(&out, Compare(old, replicasOnly))
	if strings.Contains(out.String(), "!") {
		t.Errorf("replicas can change:\n%s", out.String())
	}
}

// A value that changes type but prints the same is a change, and shows as
// one.
func TestTypeChangesShow(t *testing.T) {
	old := parse(t, map[string]string{"a.yaml": "kind: A\nmetadata: {name: x}\nspec: {flag: \"true\", port: \"5\", same: 1, empty: {}, list: []}\n"})
	new := parse(t, map[string]string{"a.yaml": "kind: A\nmetadata: {name: x}\nspec: {flag: true, port: 5, same: 1, empty: \"{}\", list: \"[]\"}\n"})
	var out bytes.Buffer
	Write(&out, Compare(old, new))
	got := out.String()
	for _, want := range []string{
		"    spec.flag: \"true\" -> true (string -> bool)\n",
		"    spec.port: \"5\" -> 5 (string -> int)\n",
		"    spec.empty: {} -> \"{}\" (mapping -> string)\n",
		"    spec.list: [] -> \"[]\" (list -> string)\n",
		"1 changed, 0 added, 0 removed\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "same") {
		t.Errorf("an unchanged value shows:\n%s", got)
	}
}

// Items that share a name are addressed by index: by name, one would
// hide the other's change.
func TestDuplicateNamesAreAddressedByIndex(t *testing.T) {
	old := parse(t, map[string]string{"a.yaml": "kind: A\nmetadata: {name: x}\nspec:\n  env:\n    - {name: A, value: one}\n    - {name: A, value: two}\n  ports:\n    - {name: \"1\", port: 80}\n    - {port: 90}\n"})
	new := parse(t, map[string]string{"a.yaml": "kind: A\nmetadata: {name: x}\nspec:\n  env:\n    - {name: A, value: two}\n    - {name: A, value: two}\n  ports:\n    - {name: \"1\", port: 90}\n    - {port: 90}\n"})
	var out bytes.Buffer
	Write(&out, Compare(old, new))
	got := out.String()
	for _, want := range []string{
		"    spec.env[0].value: one -> two\n",
		"    spec.ports[0].port: 80 -> 90\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
