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

// A Secret's values never show, old or new, whatever their shape: only
// which keys were added, removed or changed. Other fields of a Secret,
// and other objects, show as before.
func TestSecretValuesNeverShow(t *testing.T) {
	const marker = "s3cret-MARKER"
	old := parse(t, map[string]string{"s.yaml": `kind: Secret
metadata: {name: creds, namespace: ns, labels: {v: "1"}}
stringData:
  changed: ` + marker + `-old
  removed: ` + marker + `-gone
  multi: "` + marker + `-line1\nsame\n"
  retyped: "5"
data:
  b64: czNjcmV0LU1BUktFUg==
---
kind: Secret
metadata: {name: old-only, namespace: ns}
stringData: {a: ` + marker + `-removed-object}
---
kind: ExternalSecret
metadata: {name: creds, namespace: ns}
spec: {data: [{secretKey: a, remoteRef: {key: caracal/credentials, property: old-property}}]}
`})
	new := parse(t, map[string]string{"s.yaml": `kind: Secret
metadata: {name: creds, namespace: ns, labels: {v: "2"}}
stringData:
  changed: ` + marker + `-new
  added: ` + marker + `-added
  multi: "` + marker + `-line2\nsame\n"
  retyped: 5
data:
  b64: czNjcmV0LU1BUktFUi0y
---
kind: Secret
metadata: {name: new-only, namespace: ns}
stringData: {a: ` + marker + `-added-object}
---
kind: ExternalSecret
metadata: {name: creds, namespace: ns}
spec: {data: [{secretKey: a, remoteRef: {key: caracal/credentials, property: new-property}}]}
`})
	var out bytes.Buffer
	Write(&out, Compare(old, new))
	got := out.String()
	for _, want := range []string{
		"~ Secret ns/creds (s.yaml)\n",
		"    stringData.changed: <redacted> -> <redacted>\n",
		"    stringData.added: + <redacted>\n",
		"    stringData.removed: - <redacted>\n",
		"    stringData.multi: <redacted> -> <redacted>\n",
		"    stringData.retyped: <redacted> -> <redacted>\n",
		"    data.b64: <redacted> -> <redacted>\n",
		"    metadata.labels.v: 1 -> 2\n",
		"+ Secret ns/new-only (s.yaml)\n",
		"- Secret ns/old-only (s.yaml)\n",
		// An ExternalSecret holds where a value is, not the value.
		"    spec.data[0].remoteRef.property: old-property -> new-property\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, leak := range []string{marker, "czNjcmV0", "line1", "line2", "same", "string -> int"} {
		if strings.Contains(got, leak) {
			t.Errorf("output shows %q:\n%s", leak, got)
		}
	}
}

// A manifest that fails to parse is named by file (and line, where the
// parser gives one), never by the text there.
func TestParseErrorsQuoteNothing(t *testing.T) {
	for _, doc := range []string{
		"s3cret-MARKER-scalar-document\n",
		"kind: Secret\nstringData: {a: !!int s3cret-MARKER}\n",
		"kind: Secret\nstringData: {a: 1, a: s3cret-MARKER}\n",
	} {
		_, err := Parse(map[string][]byte{"s.yaml": []byte(doc)})
		if err == nil {
			t.Errorf("%q: parsed", doc)
			continue
		}
		if !strings.HasPrefix(err.Error(), "s.yaml: ") || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%q: %v", doc, err)
		}
	}
}
