package synth

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v3"
)

// yamlV3 is what yaml.v3's encoder, with an indent of 2, writes of doc.
func yamlV3(t *testing.T, doc any) string {
	t.Helper()
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// Every manifest of the committed outputs is written by writeDoc, not
// left to yaml.v3, and as yaml.v3 writes it.
func TestWriteDocWritesTheCommittedOutputsAsYAMLv3(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../../dist/*.k8s.yaml", "../../dist/*/*.k8s.yaml", "../../dist/environments/*/*.k8s.yaml", "../../dist/environments/*/*/*.k8s.yaml", "../../snapshots/*/*.k8s.yaml", "../../snapshots/*/*/*.k8s.yaml"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("found %d manifest files; the test runs from internal/synth", len(files))
	}
	docs := 0
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var raw any
			if err := dec.Decode(&raw); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			obj, err := normalize(raw)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			docs++
			var b bytes.Buffer
			if !writeDoc(&b, obj.(map[string]any)) {
				t.Errorf("%s: %s left to yaml.v3", name, identify(obj))
				continue
			}
			if want := yamlV3(t, obj); b.String() != want {
				t.Errorf("%s: %s differs from yaml.v3's:\n%s\nwant:\n%s", name, identify(obj), b.String(), want)
			}
		}
	}
	t.Logf("%d manifests in %d files", docs, len(files))
}

// Strings that yaml.v3 quotes, folds, writes as blocks or escapes.
var trickyStrings = []string{
	"", " ", "a", "caracal", "5432", "0.3.0", "1e3", "0x1F", "0o17", "+1", "-1", ".5", ".inf", "-.Inf", ".NaN",
	"1_000", "1:30", "12:30:45", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "true", "False", "yes", "No", "on", "OFF",
	"y", "n", "null", "Null", "~", "-", "--", "---", "...", "- a", "? a", ": a", "a: b", "a:b", "a #b", "a#b", "#a",
	"a ", " a", "a  b", "'a'", "\"a\"", "a'b", "a\"b", "\\", "@a", "`a", "!a", "&a", "*a", "|", ">", "%a", "{a}", "[a]",
	"a,b", "a, b", "[", "}", "http://caracal-gateway.caracal.svc.cluster.local:8080/healthz", "registry.example.com:5000/caracal/gateway:0.3.0",
	"é", "naïve café", "日本語", "\t", "a\tb", "\u00a0", "\u2028", "\x7f", "\x01",
	"a\n", "a\nb", "a\nb\n", "a\nb\n\n", "\na", " a\nb", "a \nb", "a\n\nb", "a\n  b\n", "#!/bin/sh\nset -eu\nexec caracal \"$@\"\n",
	strings.Repeat("word ", 12), strings.Repeat("word ", 15), strings.Repeat("word ", 30) + "end", strings.Repeat("x", 200),
	strings.Repeat("a b ", 19) + "ab", strings.Repeat("a b ", 20) + "ab", strings.Repeat("é ", 40), "{\"a\": [1, 2], \"b\": \"c d\"}",
	strings.Repeat("long line with spaces ", 8) + "\nsecond line\n",
}

// Keys whose order yaml.v3 takes from the numbers in them, and keys it
// quotes.
var trickyKeys = []string{
	"a", "b", "B", "apiVersion", "kind", "metadata", "spec", "port-2", "port-10", "port-02", "a1", "a01", "a001", "a10b", "a9b",
	"1", "2", "10", "01", "_a", "-a", "a-", "a.b", "a/b", "app.kubernetes.io/name", "é", "z", "Z", "", " ", "yes", "null", "5432",
	"a: b", "a b", "x9y", "x10y", "x9", "x10", "0", "00", "000a", "a0", "a00",
}

// A random manifest-like document: nested mappings and sequences of the
// strings, numbers and booleans above.
func randomDoc(r *rand.Rand, depth int) map[string]any {
	m := map[string]any{}
	for range r.Intn(6) + 1 {
		m[trickyKeys[r.Intn(len(trickyKeys))]] = randomValue(r, depth)
	}
	return m
}

func randomValue(r *rand.Rand, depth int) any {
	switch n := r.Intn(10); {
	case n < 2 && depth < 4:
		return randomDoc(r, depth+1)
	case n < 3 && depth < 4:
		items := make([]any, r.Intn(4))
		for i := range items {
			if r.Intn(2) == 0 {
				items[i] = randomDoc(r, depth+1)
			} else {
				items[i] = randomValue(r, depth+1)
			}
		}
		return items
	case n < 4:
		// As normalize returns them, and as JSON decodes them: whole
		// (1e+06 to yaml.v3, were it not normalized) or not.
		switch r.Intn(4) {
		case 0:
			return int64(r.Intn(200000) - 100)
		case 1:
			return float64(r.Intn(200000) - 100)
		case 2:
			return float64(r.Intn(5)) * 1e6
		}
		return float64(r.Intn(2000)-1000) / 8
	case n < 5:
		return r.Intn(2) == 0
	case n < 6:
		return map[string]any{}
	}
	s := trickyStrings[r.Intn(len(trickyStrings))]
	if r.Intn(4) == 0 {
		s = s + " " + trickyStrings[r.Intn(len(trickyStrings))]
	}
	return s
}

// Whatever writeDoc writes is what yaml.v3 writes of the document
// normalized, at any depth, and it writes most documents itself.
func TestWriteDocWritesRandomDocumentsAsYAMLv3(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	written := 0
	const n = 5000
	for i := range n {
		doc := randomDoc(r, 0)
		normalized, err := normalize(doc)
		if err != nil {
			t.Fatal(err)
		}
		want := yamlV3(t, normalized)
		var b bytes.Buffer
		b.WriteString("prefix\n")
		if !writeDoc(&b, doc) {
			if b.String() != "prefix\n" {
				t.Fatalf("document %d: a refused document left %q behind", i, b.String())
			}
			continue
		}
		written++
		if got := strings.TrimPrefix(b.String(), "prefix\n"); got != want {
			t.Fatalf("document %d differs from yaml.v3's:\n%s\nwant:\n%s\n(%#v)", i, got, want, doc)
		}
	}
	if written < n/2 {
		t.Errorf("writeDoc wrote %d of %d documents; the rest went to yaml.v3", written, n)
	}
	t.Logf("writeDoc wrote %d of %d documents", written, n)
}

// A manifest writeDoc refuses is still written, by yaml.v3, with the
// documents around it separated as one encoder separates them.
func TestRenderMixesWrittenAndRefusedDocuments(t *testing.T) {
	manifests := []any{
		map[string]any{"kind": "A", "data": map[string]any{"x": "y"}},
		map[string]any{"kind": "B", "data": map[string]any{"ratio": 0.5, "none": nil}},
		map[string]any{"kind": "C", "list": []any{[]any{"nested"}}},
		map[string]any{"kind": "D", "script": "#!/bin/sh\nexec caracal\n", "long": strings.Repeat("word ", 30)},
	}
	f, err := render("x.k8s.yaml", "", manifests)
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	want.WriteString(header)
	enc := yaml.NewEncoder(&want)
	enc.SetIndent(2)
	for _, m := range manifests {
		obj, _ := normalize(m)
		if err := enc.Encode(obj); err != nil {
			t.Fatal(err)
		}
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	if string(f.Data) != want.String() {
		t.Fatalf("got:\n%s\nwant:\n%s", f.Data, want.String())
	}
	if fmt.Sprint(len(f.Objects)) != "4" {
		t.Fatalf("objects: %v", f.Objects)
	}
}
