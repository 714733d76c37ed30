// Package manifest helps tests look into synthesized manifests: parse
// them, find objects, read fields by path, and build one construct in a
// bare app. It knows nothing of values files, so a construct's tests need
// no more than the construct.
package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"

	_ "caracal.dev/caracal-cdk8s/internal/jsiienv" // first: sets up jsii's environment
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	yaml "go.yaml.in/yaml/v3"
)

// Object is one parsed manifest.
type Object map[string]any

func (o Object) Kind() string { return o.Str("kind") }
func (o Object) Name() string { return o.Str("metadata.name") }

// Get reads a field by a dotted path; list items are addressed by index
// ("spec.template.spec.containers.0.image") or by name ("containers[postgres]").
// Keys that contain dots are written in quotes: metadata.labels."app.kubernetes.io/name".
func (o Object) Get(path string) (any, bool) {
	var cur any = map[string]any(o)
	for _, seg := range splitPath(path) {
		name, selector := seg, ""
		if i := strings.Index(seg, "["); i > 0 && strings.HasSuffix(seg, "]") {
			name, selector = seg[:i], seg[i+1:len(seg)-1]
		}
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[name]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(name)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
		if selector != "" {
			item, ok := byName(cur, selector)
			if !ok {
				return nil, false
			}
			cur = item
		}
	}
	return cur, true
}

func byName(list any, name string) (any, bool) {
	items, _ := list.([]any)
	for _, it := range items {
		if m, ok := it.(map[string]any); ok && m["name"] == name {
			return m, true
		}
	}
	return nil, false
}

func splitPath(path string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range path {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '.' && !quoted:
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	return append(out, cur.String())
}

// Str reads a string field; "" when absent.
func (o Object) Str(path string) string {
	v, _ := o.Get(path)
	s, _ := v.(string)
	return s
}

// Int reads an integer field; -1 when absent.
func (o Object) Int(path string) int {
	v, ok := o.Get(path)
	if !ok {
		return -1
	}
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case float64:
		return int(n)
	}
	return -1
}

// Has reports whether the path exists.
func (o Object) Has(path string) bool {
	_, ok := o.Get(path)
	return ok
}

// Objects is the output of a synth, all files together.
type Objects []Object

// Find returns the object of that kind and name.
func (os Objects) Find(kind, name string) (Object, bool) {
	for _, o := range os {
		if o.Kind() == kind && o.Name() == name {
			return o, true
		}
	}
	return nil, false
}

// Must is Find that fails the test when the object is missing.
func (os Objects) Must(t testing.TB, kind, name string) Object {
	t.Helper()
	o, ok := os.Find(kind, name)
	if !ok {
		t.Fatalf("no %s %q in the output; have: %s", kind, name, os.Summary())
	}
	return o
}

// OfKind returns every object of a kind.
func (os Objects) OfKind(kind string) Objects {
	var out Objects
	for _, o := range os {
		if o.Kind() == kind {
			out = append(out, o)
		}
	}
	return out
}

// Summary lists kind/name of every object.
func (os Objects) Summary() string {
	parts := make([]string, len(os))
	for i, o := range os {
		parts[i] = o.Kind() + "/" + o.Name()
	}
	return strings.Join(parts, ", ")
}

// PodSpecs returns every pod spec in the output with its owner's name.
func (os Objects) PodSpecs() map[string]Object {
	out := map[string]Object{}
	for _, o := range os {
		for _, path := range []string{"spec.template.spec", "spec.jobTemplate.spec.template.spec"} {
			if v, ok := o.Get(path); ok {
				out[o.Kind()+"/"+o.Name()] = Object(v.(map[string]any))
			}
		}
	}
	return out
}

// Parse reads a multi-document YAML stream.
func Parse(data []byte) (Objects, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out Objects
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if doc != nil {
			out = append(out, Object(doc))
		}
	}
}

// Construct synthesizes whatever build adds to a fresh chart, for tests of
// one construct without the rest of the app.
func Construct(t testing.TB, build func(scope constructs.Construct)) Objects {
	t.Helper()
	app := cdk8s.NewApp(nil)
	chart := cdk8s.NewChart(app, jsiiStr("test"), nil)
	build(chart)
	raw, err := json.Marshal(*chart.ToJson())
	if err != nil {
		t.Fatal(err)
	}
	var list []map[string]any
	if err := json.Unmarshal(raw, &list); err != nil {
		t.Fatal(err)
	}
	out := make(Objects, len(list))
	for i, m := range list {
		out[i] = Object(m)
	}
	return out
}

func jsiiStr(s string) *string { return &s }

// Chart is a fresh chart of a bare app, to build one construct in.
func Chart() constructs.Construct {
	return cdk8s.NewChart(cdk8s.Testing_App(nil), jsiiStr("test"), nil)
}

// Decode renders obj as the API server reads it, into out (a struct of
// the fields a test looks at).
func Decode(t testing.TB, obj cdk8s.ApiObject, out any) {
	t.Helper()
	raw, err := json.Marshal(obj.ToJson())
	if err == nil {
		err = json.Unmarshal(raw, out)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// Sprint renders a value for messages.
func Sprint(v any) string { return fmt.Sprintf("%v", v) }

// MustGet reads a field by path, failing the test when it is missing.
func (o Object) MustGet(t testing.TB, path string) any {
	t.Helper()
	v, ok := o.Get(path)
	if !ok {
		t.Fatalf("%s/%s: no %s", o.Kind(), o.Name(), path)
	}
	return v
}

// List reads a list of mappings by path; none when it is missing.
func (o Object) List(path string) []Object {
	v, _ := o.Get(path)
	items, _ := v.([]any)
	var out []Object
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// MustList reads a list of mappings by path, failing the test when it is
// missing.
func (o Object) MustList(t testing.TB, path string) []map[string]any {
	t.Helper()
	items, _ := o.MustGet(t, path).([]any)
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// MustPanic runs f and fails unless it panics with a message holding
// fragment: constructs refuse impossible props that way, as cdk8s throws.
func MustPanic(t testing.TB, fragment string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic; want one with %q", fragment)
		}
		if msg := fmt.Sprint(r); !strings.Contains(msg, fragment) {
			t.Fatalf("panic %q; want one with %q", msg, fragment)
		}
	}()
	f()
}
