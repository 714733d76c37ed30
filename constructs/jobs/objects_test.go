package jobs_test

// Helpers to read what a construct synthesizes, from a bare cdk8s app.

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"

	_ "caracal.dev/caracal-cdk8s/internal/jsiienv" // first: sets up jsii's environment
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// object is one manifest.
type object map[string]any

func (o object) Kind() string { return o.Str("kind") }
func (o object) Name() string { return o.Str("metadata.name") }

// Get reads a field by a dotted path; list items are addressed by index
// ("containers.0") or by name ("containers[postgres]"); a key holding
// dots is quoted: metadata.annotations."checksum/config".
func (o object) Get(path string) (any, bool) {
	var cur any = map[string]any(o)
	for _, seg := range splitPath(path) {
		name, selector, _ := strings.Cut(strings.TrimSuffix(seg, "]"), "[")
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

func (o object) Str(path string) string {
	v, _ := o.Get(path)
	s, _ := v.(string)
	return s
}

// Int reads a number; -1 when absent.
func (o object) Int(path string) int {
	v, _ := o.Get(path)
	if n, ok := v.(float64); ok {
		return int(n)
	}
	return -1
}

func (o object) Has(path string) bool {
	_, ok := o.Get(path)
	return ok
}

func (o object) MustGet(t testing.TB, path string) any {
	t.Helper()
	v, ok := o.Get(path)
	if !ok {
		t.Fatalf("%s/%s: no %s", o.Kind(), o.Name(), path)
	}
	return v
}

// List reads a list of mappings.
func (o object) List(path string) []object {
	v, _ := o.Get(path)
	items, _ := v.([]any)
	var out []object
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

type objects []object

func (os objects) Find(kind, name string) (object, bool) {
	for _, o := range os {
		if o.Kind() == kind && o.Name() == name {
			return o, true
		}
	}
	return nil, false
}

func (os objects) Must(t testing.TB, kind, name string) object {
	t.Helper()
	o, ok := os.Find(kind, name)
	if !ok {
		t.Fatalf("no %s %q; have: %s", kind, name, os.Summary())
	}
	return o
}

func (os objects) OfKind(kind string) objects {
	var out objects
	for _, o := range os {
		if o.Kind() == kind {
			out = append(out, o)
		}
	}
	return out
}

// Summary lists kind/name of every object, in order.
func (os objects) Summary() string {
	parts := make([]string, len(os))
	for i, o := range os {
		parts[i] = o.Kind() + "/" + o.Name()
	}
	return strings.Join(parts, ", ")
}

// PodSpecs are the pod specs by kind/name of their owner.
func (os objects) PodSpecs() map[string]object {
	out := map[string]object{}
	for _, o := range os {
		for _, path := range []string{"spec.template.spec", "spec.jobTemplate.spec.template.spec"} {
			if v, ok := o.Get(path); ok {
				out[o.Kind()+"/"+o.Name()] = v.(map[string]any)
			}
		}
	}
	return out
}

// synthesize renders what build adds to a chart of a bare app.
func synthesize(t testing.TB, build func(scope constructs.Construct)) objects {
	t.Helper()
	chart := cdk8s.NewChart(cdk8s.Testing_App(nil), jsii("test"), nil)
	build(chart)
	raw, err := json.Marshal(*chart.ToJson())
	if err != nil {
		t.Fatal(err)
	}
	var out objects
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func jsii(s string) *string { return &s }

// containersOf are a pod spec's containers (not the init containers) by
// name.
func containersOf(spec object) map[string]object {
	out := map[string]object{}
	for _, c := range spec.List("containers") {
		out[c.Str("name")] = c
	}
	return out
}

// envOf is a container's environment by name.
func envOf(c object) map[string]object {
	out := map[string]object{}
	for _, e := range c.List("env") {
		out[e.Str("name")] = e
	}
	return out
}

// podProblems lists what a pod of this construct must not have: a
// service account token, a root or privileged container, a writable root
// filesystem, a missing request or limit, an unpinned image, and (for a
// long-running container) missing or identical probes.
func podProblems(spec object) []string {
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	if v, _ := spec.Get("automountServiceAccountToken"); v != false {
		bad("automountServiceAccountToken is not false")
	}
	if v, _ := spec.Get("securityContext.runAsNonRoot"); v != true {
		bad("pod runAsNonRoot is not true")
	}
	// Probes are for long-running containers: not a Job's, nor an init
	// container.
	long := containersOf(spec)
	if spec.Str("restartPolicy") == "Never" {
		long = nil
	}
	for _, c := range append(spec.List("initContainers"), spec.List("containers")...) {
		name := c.Str("name")
		for path, want := range map[string]any{"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true} {
			if v, _ := c.Get("securityContext." + path); v != want {
				bad("container %s: %s is %v", name, path, v)
			}
		}
		for _, r := range []string{"requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu", "limits.memory", "limits.ephemeral-storage"} {
			if c.Str("resources."+r) == "" {
				bad("container %s: no %s", name, r)
			}
		}
		if image := c.Str("image"); strings.HasSuffix(image, ":") || !strings.Contains(image, ":") || c.Str("imagePullPolicy") == "" {
			bad("container %s: image %q, pull policy %q", name, image, c.Str("imagePullPolicy"))
		}
		ready, hasReady := c.Get("readinessProbe")
		live, hasLive := c.Get("livenessProbe")
		if _, ok := long[name]; ok && (!hasReady || !hasLive || reflect.DeepEqual(ready, live)) {
			bad("container %s: readiness %v, liveness %v", name, ready, live)
		}
	}
	return probs
}

// labelProblems lists the recommended labels an object lacks, and the
// construct-path label cdk8s would add.
func labelProblems(o object) []string {
	var probs []string
	for _, l := range []string{"name", "instance", "component", "part-of", "version", "managed-by"} {
		if o.Str(`metadata.labels."app.kubernetes.io/`+l+`"`) == "" {
			probs = append(probs, fmt.Sprintf("%s/%s: no label app.kubernetes.io/%s", o.Kind(), o.Name(), l))
		}
	}
	if o.Has(`metadata.labels."cdk8s.io/metadata.addr"`) {
		probs = append(probs, fmt.Sprintf("%s/%s: carries the construct-path label", o.Kind(), o.Name()))
	}
	return probs
}

// mustPanic fails unless f panics with a message holding fragment.
func mustPanic(t testing.TB, fragment string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		if msg := fmt.Sprint(recover()); !strings.Contains(msg, fragment) {
			t.Errorf("panic %q; want one with %q", msg, fragment)
		}
	}()
	f()
}
