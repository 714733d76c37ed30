package synth

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v2"
)

// Numbers from the jsii bridge arrive as floats; whole ones must be
// written as integers, never as 1e+06 or 3.0.
func TestRenderWritesIntegers(t *testing.T) {
	f, err := render("x.k8s.yaml", "", []any{map[string]any{
		"kind": "ConfigMap", "apiVersion": "v1",
		"metadata": map[string]any{"name": "x"},
		"spec":     map[string]any{"big": float64(1000000), "port": float64(5432), "ratio": 0.5, "huge": float64(1 << 53)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	got := string(f.Data)
	for _, want := range []string{"big: 1000000\n", "port: 5432\n", "ratio: 0.5\n", "huge: 9007199254740992\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	if f.Objects[0] != (Object{APIVersion: "v1", Kind: "ConfigMap", Name: "x"}) {
		t.Errorf("objects %v", f.Objects)
	}
}

func TestRenderHeadsTheFile(t *testing.T) {
	f, err := render("s.k8s.yaml", "line one\nline two", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(f.Data); got != header+"# line one\n# line two\n" {
		t.Errorf("%q", got)
	}
}

// Keys come out sorted, whatever the order of the map.
func TestRenderSortsKeys(t *testing.T) {
	f, _ := render("x", "", []any{map[string]any{"spec": 1, "kind": "A", "apiVersion": "v1", "metadata": map[string]any{"name": "x"}}})
	if !strings.HasPrefix(strings.TrimPrefix(string(f.Data), header), "apiVersion: v1\nkind: A\nmetadata:\n  name: x\nspec: 1\n") {
		t.Errorf("%s", f.Data)
	}
}

// BenchmarkRender renders the committed dist/ as the jsii bridge hands it
// over (numbers as float64).
func BenchmarkRender(b *testing.B) {
	files, _ := filepath.Glob("../../dist/*.k8s.yaml")
	var docs [][]any
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var objs []any
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var o any
			if dec.Decode(&o) != nil {
				break
			}
			objs = append(objs, floats(o))
		}
		docs = append(docs, objs)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, objs := range docs {
			if _, err := render("x", "", objs); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func floats(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = floats(x)
		}
	case []any:
		for i, x := range t {
			t[i] = floats(x)
		}
	case map[any]any:
		out := map[string]any{}
		for k, x := range t {
			out[fmt.Sprint(k)] = floats(x)
		}
		return out
	case int:
		return float64(t)
	}
	return v
}
