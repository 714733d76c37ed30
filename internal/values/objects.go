package values

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	kfield "k8s.io/apimachinery/pkg/util/validation/field"
)

// The pod settings Kubernetes defines as objects (tolerations, affinity,
// topology spread constraints, environment variables) are kept in
// Kubernetes' own types (k8s.io/api/core/v1): a values file writes them
// exactly as a pod spec does, every field is decoded with its line, and
// they are validated with the rules of the API server (kubevalidate.go).

// Tolerations let pods run on nodes with matching taints.
type Tolerations []corev1.Toleration

// SpreadConstraints are topology spread constraints of pods.
type SpreadConstraints []corev1.TopologySpreadConstraint

// EnvVars are environment variables of a container.
type EnvVars []corev1.EnvVar

// Kinds of the object leaves.
const (
	KindTolerations Kind = "list of tolerations"
	KindAffinity    Kind = "affinity"
	KindSpread      Kind = "list of topology spread constraints"
	KindEnvVars     Kind = "list of environment variables"
)

// objectType is how a leaf of one of Kubernetes' types is named and
// validated.
type objectType struct {
	kind     Kind
	validate func(v reflect.Value, p *kfield.Path) kfield.ErrorList
	// secret: the values may be secrets (an environment variable's
	// value): messages name their type only.
	secret bool
}

var (
	affinityType = reflect.TypeOf((*corev1.Affinity)(nil))
	objectTypes  = map[reflect.Type]*objectType{
		reflect.TypeOf(Tolerations(nil)): {kind: KindTolerations, validate: func(v reflect.Value, p *kfield.Path) kfield.ErrorList {
			return validateTolerations(v.Interface().(Tolerations), p)
		}},
		affinityType: {kind: KindAffinity, validate: func(v reflect.Value, p *kfield.Path) kfield.ErrorList {
			return validateAffinity(v.Interface().(*corev1.Affinity), p)
		}},
		reflect.TypeOf(SpreadConstraints(nil)): {kind: KindSpread, validate: func(v reflect.Value, p *kfield.Path) kfield.ErrorList {
			return validateSpread(v.Interface().(SpreadConstraints), p)
		}},
		reflect.TypeOf(EnvVars(nil)): {kind: KindEnvVars, secret: true, validate: func(v reflect.Value, p *kfield.Path) kfield.ErrorList {
			return validateEnvVars(v.Interface().(EnvVars), p)
		}},
	}
	quantityKType = reflect.TypeOf(resource.Quantity{})
)

// object decodes a leaf of Kubernetes' types. A list is replaced as a
// whole and an affinity merged field by field, as Helm merges values
// files; null resets the leaf.
func (d *decoder) object(n *yaml.Node, v reflect.Value, f *field) bool {
	if isNull(n) {
		v.Set(reflect.Zero(f.typ))
		return true
	}
	want := yaml.SequenceNode
	if f.typ == affinityType {
		want = yaml.MappingNode
	}
	if n.Kind != want {
		return false
	}
	fresh := reflect.New(f.typ).Elem()
	if a, ok := v.Interface().(*corev1.Affinity); ok && a != nil {
		fresh.Set(reflect.ValueOf(a.DeepCopy())) // the defaults' stay as they are
	}
	ko := kubeObject{d: d, secret: objectTypes[f.typ].secret}
	ko.decode(n, fresh, f.key, d.at)
	v.Set(fresh)
	return true
}

// kubeObject walks a YAML node into a value of Kubernetes' types, by
// their JSON field names, recording where each field was written.
type kubeObject struct {
	d      *decoder
	secret bool
}

// decode decodes n into v, the field at path, whose key is at. null is
// the zero value of any field, as the API server reads it.
func (k kubeObject) decode(n *yaml.Node, v reflect.Value, path string, at Pos) {
	// A value written through an anchor may be a password aliased into
	// the wrong place: the validation messages never show it.
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		pos := k.d.origins[path]
		pos.Anchored = true
		k.d.origins[path] = pos
	}
	n = k.d.resolve(n, path)
	if k.d.bombed {
		return
	}
	if isNull(n) {
		v.Set(reflect.Zero(v.Type()))
		return
	}
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		v = v.Elem()
	}
	if !k.fill(n, v, path, at) {
		k.d.probs.add(at, path, "expected %s, got %s", shapeOf(v.Type()), describe(n, k.secret))
	}
}

// fill decodes n into v (not a pointer); false when n has the wrong shape.
func (k kubeObject) fill(n *yaml.Node, v reflect.Value, path string, at Pos) bool {
	scalar := n.Kind == yaml.ScalarNode && !isNull(n)
	switch {
	case v.Type() == quantityKType:
		q, err := resource.ParseQuantity(n.Value)
		if !scalar || err != nil {
			return false
		}
		v.Set(reflect.ValueOf(q))
	case v.Kind() == reflect.Struct:
		return n.Kind == yaml.MappingNode && k.fields(n, v, path)
	case v.Kind() == reflect.Slice:
		return n.Kind == yaml.SequenceNode && k.items(n, v, path)
	case v.Kind() == reflect.Map:
		return n.Kind == yaml.MappingNode && k.labels(n, v, path)
	case v.Kind() == reflect.String:
		// Any scalar is taken as its text, as everywhere in values files.
		if !scalar {
			return false
		}
		v.SetString(n.Value)
	case v.Kind() == reflect.Int32 || v.Kind() == reflect.Int64:
		var i int64
		if !scalar || n.ShortTag() != "!!int" || n.Decode(&i) != nil || v.OverflowInt(i) {
			return false
		}
		v.SetInt(i)
	case v.Kind() == reflect.Bool:
		return decodeBool(nil, n, v, nil)
	default:
		return false
	}
	return true
}

// fields decodes a mapping into the struct v by its JSON field names.
func (k kubeObject) fields(n *yaml.Node, v reflect.Value, path string) bool {
	byName := jsonFields(v.Type())
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		sub := path + "." + key.Value
		if key.Kind != yaml.ScalarNode {
			k.d.probs.add(k.d.pos(key), path, "keys must be plain strings, got %s", describe(key, k.secret))
			continue
		}
		k.d.duplicate(seen, key, sub, false)
		idx, ok := byName[key.Value]
		if !ok {
			k.unknown(key, path, v.Type(), byName)
			continue
		}
		k.d.origins[sub] = k.d.pos(key)
		k.decode(val, v.FieldByIndex(idx), sub, k.d.pos(key))
	}
	return true
}

// unknown reports a field the type has not. Beside a value that may be
// secret (an environment variable's), the name is not shown: it may be
// a value written as a key ("{name: A, value: x, s3cret}").
func (k kubeObject) unknown(key *yaml.Node, path string, t reflect.Type, byName map[string][]int) {
	name, at := fmt.Sprintf("%q", key.Value), path+"."+key.Value
	if k.secret {
		name, at = Redacted, path
	}
	msg := fmt.Sprintf("unknown field %s of %s", name, t.Name())
	if near := nearest(key.Value, sortedNames(byName)); near != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", near)
	}
	k.d.probs.add(k.d.pos(key), at, "%s", msg)
}

// items decodes a sequence into a new slice v.
func (k kubeObject) items(n *yaml.Node, v reflect.Value, path string) bool {
	list := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		sub := fmt.Sprintf("%s[%d]", path, i)
		k.d.origins[sub] = k.d.pos(item)
		k.decode(item, list.Index(i), sub, k.d.pos(item))
	}
	v.Set(list)
	return true
}

// labels decodes a mapping of strings (labels, node selectors).
func (k kubeObject) labels(n *yaml.Node, v reflect.Value, path string) bool {
	if v.Type().Key().Kind() != reflect.String || v.Type().Elem().Kind() != reflect.String {
		return false
	}
	m := reflect.MakeMap(v.Type())
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], k.d.resolve(n.Content[i+1], path)
		sub := path + "[" + key.Value + "]"
		if key.Kind != yaml.ScalarNode || val.Kind != yaml.ScalarNode || isNull(val) {
			k.d.probs.add(k.d.pos(key), sub, "expected a string, got %s", describe(val, k.secret))
			continue
		}
		k.d.duplicate(seen, key, sub, false)
		k.d.origins[sub] = k.d.pos(key)
		m.SetMapIndex(reflect.ValueOf(key.Value).Convert(v.Type().Key()), reflect.ValueOf(val.Value).Convert(v.Type().Elem()))
	}
	v.Set(m)
	return true
}

// jsonFields maps the JSON names of a struct's fields to their index
// path; the fields of an embedded struct without a name (LocalObjectReference
// in a key selector) are the struct's own, as encoding/json reads them.
func jsonFields(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "" && f.Anonymous:
			for n, idx := range jsonFields(f.Type) {
				out[n] = append([]int{i}, idx...)
			}
		case name != "" && name != "-":
			out[name] = []int{i}
		}
	}
	return out
}

func sortedNames(m map[string][]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// shapeOf names what a value of t is written as, for messages.
func shapeOf(t reflect.Type) string {
	switch {
	case t == quantityKType:
		return "a quantity such as 500m or 2Gi"
	case t.Kind() == reflect.Struct, t.Kind() == reflect.Map:
		return "a mapping"
	case t.Kind() == reflect.Slice:
		return "a list"
	case t.Kind() == reflect.Int32, t.Kind() == reflect.Int64:
		return "an integer"
	case t.Kind() == reflect.Bool:
		return "a boolean (true or false)"
	}
	return "a string"
}

// validateObject reports the problems of an object leaf at the line of
// the field each is about (or of the nearest field written above it).
func validateObject(f *field, v reflect.Value, o origins, probs *problems) {
	ot := objectTypes[f.typ]
	if ot == nil || v.IsZero() {
		return
	}
	for _, e := range ot.validate(v, kfield.NewPath(f.key)) {
		// No rule reports an environment variable's value; a value
		// written through an anchor is not shown either.
		body := e.ErrorBody()
		if o[e.Field].Anchored {
			body = fmt.Sprintf("%s: %s", e.Type, e.Detail)
		}
		probs.add(o.nearest(e.Field), e.Field, "%s", body)
	}
}

// nearest is where path, or the closest field above it, was written.
func (o origins) nearest(path string) Pos {
	for p := path; p != ""; {
		if pos, ok := o[p]; ok {
			return pos
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return Pos{}
}

// kubeSchema is the JSON Schema of a value of Kubernetes' type t: its
// fields by their JSON names (the ones without omitempty required, as in
// Kubernetes' OpenAPI), their types and the enumerated values.
func kubeSchema(t reflect.Type) map[string]any {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == quantityKType:
		return map[string]any{"type": []string{"string", "number"}, "pattern": quantityPattern}
	case t.Kind() == reflect.Struct:
		props := map[string]any{}
		// Any field may be null, as in the API (see decode).
		var required []string
		fields := jsonFields(t)
		for _, name := range sortedNames(fields) {
			f := t.FieldByIndex(fields[name])
			props[name] = nullable(kubeSchema(f.Type))
			if _, opts, _ := strings.Cut(f.Tag.Get("json"), ","); !strings.Contains(opts, "omitempty") {
				required = append(required, name)
			}
		}
		s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
		if len(required) > 0 {
			s["required"] = required
		}
		return s
	case t.Kind() == reflect.Slice:
		return map[string]any{"type": "array", "items": nullable(kubeSchema(t.Elem()))}
	case t.Kind() == reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}
	case t.Kind() == reflect.Int32, t.Kind() == reflect.Int64:
		return map[string]any{"type": "integer"}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": "boolean"}
	}
	if e, ok := enums[t.Name()]; ok {
		if emptyAllowed[t.Name()] {
			e = append([]string{""}, e...)
		}
		return map[string]any{"enum": e}
	}
	// Any scalar is taken as its text (see fill).
	return map[string]any{"type": []string{"string", "number", "boolean"}}
}

// nullable is s, accepting null too.
func nullable(s map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range s {
		out[k] = v
	}
	switch t := s["type"].(type) {
	case string:
		out["type"] = []string{t, "null"}
	case []string:
		out["type"] = append(append([]string{}, t...), "null")
	}
	if e, ok := s["enum"].([]string); ok {
		list := make([]any, 0, len(e)+1)
		for _, v := range e {
			list = append(list, v)
		}
		out["enum"] = append(list, nil)
	}
	return out
}
