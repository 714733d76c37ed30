// Package diff compares two sets of manifests structurally: which objects
// a change adds, removes or changes, and, for a changed object, which
// fields, so that a reviewer reads the effect of a values change before
// anything is written.
package diff

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// Object is one manifest and the file it is in.
type Object struct {
	File  string
	Value map[string]any
}

// ID names an object: kind, namespace and name.
func (o Object) ID() string {
	meta, _ := o.Value["metadata"].(map[string]any)
	ns, _ := meta["namespace"].(string)
	name, _ := meta["name"].(string)
	kind, _ := o.Value["kind"].(string)
	if ns != "" {
		return kind + " " + ns + "/" + name
	}
	return kind + " " + name
}

// Parse reads the objects of YAML files (name to content). Its errors
// name the file (and the line, where the parser gives one), never the
// text there: it may be a Secret's.
func Parse(files map[string][]byte) ([]Object, error) {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []Object
	for _, n := range names {
		dec := yaml.NewDecoder(bytes.NewReader(files[n]))
		for {
			var v map[string]any
			err := dec.Decode(&v)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
					return nil, fmt.Errorf("%s: line %s: not a valid Kubernetes manifest", n, m[1])
				}
				return nil, fmt.Errorf("%s: not a valid Kubernetes manifest", n)
			}
			if v != nil && v["kind"] != nil && v["kind"] != "Kustomization" {
				out = append(out, Object{File: n, Value: v})
			}
		}
	}
	return out, nil
}

// yamlLine finds the line in a YAML error, whose text may quote a value.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// Change is what happens to one object.
type Change struct {
	Op     string // "+" added, "-" removed, "~" changed
	ID     string
	File   string
	Fields []Field // for "~"
}

// Field is a changed leaf, by path; Old or New is nil when the field is
// added or removed. In a Secret's data, both are Redacted: diff shows
// that a key changed, never how.
type Field struct {
	Path     string
	Old, New any
}

// Redacted stands for a value diff does not show.
const Redacted = redacted("<redacted>")

type redacted string

// secretData reports whether the path, in an object of kind, holds a
// secret value: anything in a Secret's data or stringData. (An
// ExternalSecret holds where its values are, not the values, and shows.)
func secretData(kind, path string) bool {
	if kind != "Secret" {
		return false
	}
	for _, p := range []string{"data", "stringData"} {
		if path == p || strings.HasPrefix(path, p+".") {
			return true
		}
	}
	return false
}

// Compare lists the changes from old to new, in a stable order.
func Compare(old, new []Object) []Change {
	before := map[string]Object{}
	for _, o := range old {
		before[o.ID()] = o
	}
	after := map[string]Object{}
	for _, o := range new {
		after[o.ID()] = o
	}
	var out []Change
	for _, o := range new {
		prev, ok := before[o.ID()]
		if !ok {
			out = append(out, Change{Op: "+", ID: o.ID(), File: o.File})
			continue
		}
		kind, _ := o.Value["kind"].(string)
		if fields := compareFields(kind, prev.Value, o.Value); len(fields) > 0 {
			out = append(out, Change{Op: "~", ID: o.ID(), File: o.File, Fields: fields})
		}
	}
	for _, o := range old {
		if _, ok := after[o.ID()]; !ok {
			out = append(out, Change{Op: "-", ID: o.ID(), File: o.File})
		}
	}
	return out
}

func compareFields(kind string, a, b map[string]any) []Field {
	fa, fb := map[string]any{}, map[string]any{}
	flatten("", a, fa)
	flatten("", b, fb)
	paths := map[string]bool{}
	for p := range fa {
		paths[p] = true
	}
	for p := range fb {
		paths[p] = true
	}
	sorted := make([]string, 0, len(paths))
	for p := range paths {
		sorted = append(sorted, p)
	}
	sort.Strings(sorted)
	var out []Field
	for _, p := range sorted {
		va, inA := fa[p]
		vb, inB := fb[p]
		// By type too: "true" and true, or "5" and 5, are different YAML.
		if inA && inB && reflect.DeepEqual(va, vb) {
			continue
		}
		if secretData(kind, p) {
			va, vb = nil, nil
			if inA {
				va = Redacted
			}
			if inB {
				vb = Redacted
			}
		}
		out = append(out, Field{Path: p, Old: va, New: vb})
	}
	return out
}

// flatten maps every leaf to its path. List items that have a name are
// addressed by it (containers[gateway]), so that an insertion does not
// show as a change of every later item. Empty mappings and lists are
// leaves too, kept as such so that they differ from the strings "{}" and
// "[]".
func flatten(prefix string, v any, out map[string]any) {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			out[prefix] = map[string]any{}
		}
		for k, x := range t {
			key := k
			if strings.ContainsAny(k, ".[]") {
				key = `"` + k + `"`
			}
			if prefix != "" {
				key = prefix + "." + key
			}
			flatten(key, x, out)
		}
	case []any:
		if len(t) == 0 {
			out[prefix] = []any{}
		}
		keys := itemKeys(t)
		for i, x := range t {
			flatten(prefix+"["+keys[i]+"]", x, out)
		}
	default:
		out[prefix] = v
	}
}

// itemKeys addresses the items of a list: by name where the name is unique
// within the list (two items of one path would hide each other's changes)
// and not a number (it would read as another item's index), else by index.
func itemKeys(items []any) []string {
	names := make([]string, len(items))
	count := map[string]int{}
	for i, x := range items {
		if m, ok := x.(map[string]any); ok {
			meta, _ := m["metadata"].(map[string]any)
			if n, ok := m["name"].(string); ok {
				names[i] = n
			} else if n, ok := meta["name"].(string); ok {
				names[i] = n // a volume claim template
			}
		}
		count[names[i]]++
	}
	keys := make([]string, len(items))
	for i, n := range names {
		if _, err := strconv.Atoi(n); err == nil || n == "" || count[n] > 1 {
			n = strconv.Itoa(i)
		}
		keys[i] = n
	}
	return keys
}

// Write prints the changes for a reviewer, then a one-line summary.
func Write(w io.Writer, changes []Change) {
	var added, removed, changed int
	for _, c := range changes {
		fmt.Fprintf(w, "%s %s (%s)\n", c.Op, c.ID, c.File)
		switch c.Op {
		case "+":
			added++
		case "-":
			removed++
		case "~":
			changed++
			WriteFields(w, c.Fields)
			kind, _, _ := strings.Cut(c.ID, " ")
			if paths := ImmutablePaths(kind, c.Fields); len(paths) > 0 {
				fmt.Fprintf(w, "    ! %s cannot change in place: Kubernetes refuses it, so Argo CD or Flux would fail to sync.\n", strings.Join(paths, ", "))
				fmt.Fprintf(w, "      Delete the object first (a StatefulSet with --cascade=orphan keeps its pods and volumes), or keep the old value.\n")
			}
		}
	}
	if len(changes) == 0 {
		fmt.Fprintln(w, "no changes")
		return
	}
	fmt.Fprintf(w, "%d changed, %d added, %d removed\n", changed, added, removed)
}

// immutableFields are the fields Kubernetes refuses to update, by kind.
var immutableFields = map[string][]string{
	"StatefulSet": {"spec.selector", "spec.serviceName", "spec.podManagementPolicy", "spec.volumeClaimTemplates"},
	"Deployment":  {"spec.selector"},
	"Job":         {"spec.template", "spec.selector"},
}

// ImmutablePaths lists the immutable fields of an object of kind that
// the changed fields touch.
func ImmutablePaths(kind string, fields []Field) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range fields {
		for _, prefix := range immutableFields[kind] {
			if (f.Path == prefix || strings.HasPrefix(f.Path, prefix+".") || strings.HasPrefix(f.Path, prefix+"[")) && !seen[prefix] {
				seen[prefix] = true
				out = append(out, prefix)
			}
		}
	}
	return out
}

// WriteFields prints changed fields, one path a line (a multi-line
// string as a line diff), indented under their object.
func WriteFields(w io.Writer, fields []Field) {
	for _, f := range fields {
		writeField(w, f)
	}
}

func writeField(w io.Writer, f Field) {
	old, isOldStr := f.Old.(string)
	new, isNewStr := f.New.(string)
	if isOldStr && isNewStr && (strings.Contains(old, "\n") || strings.Contains(new, "\n")) {
		fmt.Fprintf(w, "    %s:\n", f.Path)
		for _, l := range lineDiff(strings.Split(old, "\n"), strings.Split(new, "\n")) {
			fmt.Fprintf(w, "      %s\n", l)
		}
		return
	}
	switch {
	case f.Old == nil:
		fmt.Fprintf(w, "    %s: + %s\n", f.Path, format(f.New))
	case f.New == nil:
		fmt.Fprintf(w, "    %s: - %s\n", f.Path, format(f.Old))
	case reflect.TypeOf(f.Old) != reflect.TypeOf(f.New):
		// The printed values may look alike: quote strings, name the types.
		fmt.Fprintf(w, "    %s: %s -> %s (%s -> %s)\n", f.Path, quote(f.Old), quote(f.New), typeName(f.Old), typeName(f.New))
	default:
		fmt.Fprintf(w, "    %s: %s -> %s\n", f.Path, format(f.Old), format(f.New))
	}
}

// format prints a leaf as it reads in YAML.
func format(v any) string {
	switch t := v.(type) {
	case map[string]any:
		return "{}" // only empty mappings are leaves
	case []any:
		return "[]"
	default:
		return fmt.Sprint(t)
	}
}

// quote is format with strings quoted.
func quote(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return format(v)
}

// typeName names a leaf's YAML type.
func typeName(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	case int, int64, uint64:
		return "int"
	case float64:
		return "float"
	case map[string]any:
		return "mapping"
	case []any:
		return "list"
	default:
		return fmt.Sprintf("%T", v)
	}
}

// lineDiff marks the lines only in a with "- " and only in b with "+ ",
// in order (a longest-common-subsequence diff); common lines are left out.
func lineDiff(a, b []string) []string {
	n, m := len(a), len(b)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			i++
			j++
		case i < n && (j == m || lcs[i+1][j] >= lcs[i][j+1]):
			out = append(out, "- "+a[i])
			i++
		default:
			out = append(out, "+ "+b[j])
			j++
		}
	}
	return out
}
