package values

import (
	"encoding/json"
	"math"
	"reflect"
	"sort"
)

// quantityPattern is the syntax of a Kubernetes quantity.
const quantityPattern = `^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([KMGTPE]i|[mkMGTPE]|[eE][+-]?[0-9]+)?$`

// JSONSchema describes the values as a JSON Schema (draft-07), for editor
// completion and validation of values files: every key, its type,
// default, description and limits; unknown keys are errors, as here.
func JSONSchema() []byte {
	def := reflect.ValueOf(Defaults()).Elem()
	root := objectSchema(schema(), def)
	root["$schema"] = "http://json-schema.org/draft-07/schema#"
	root["$id"] = "https://caracal.dev/schemas/caracal-cdk8s/values.json"
	root["title"] = "Caracal Core v0.3 values (caracal-cdk8s)"
	root["allOf"] = append(crossKeySchema(), targetSchema()...)
	out, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		panic(err) // maps of plain values: cannot fail
	}
	return append(out, '\n')
}

func objectSchema(f *field, v reflect.Value) map[string]any {
	props := map[string]any{}
	for _, c := range f.children {
		cv := v.FieldByIndex(c.rel)
		if c.leaf() {
			props[c.name] = leafSchema(c, cv)
		} else {
			props[c.name] = objectSchema(c, cv)
		}
	}
	return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
}

// leafSchema is the type and default of a leaf, and the JSON Schema of
// each of its checks (see rules).
func leafSchema(f *field, v reflect.Value) map[string]any {
	s := map[string]any{"description": f.doc}
	switch f.kind {
	case KindString:
		s["type"] = "string"
		s["default"] = v.String()
	case KindQuantity:
		// Empty is unset; YAML may write a quantity as a number.
		s["type"] = []string{"string", "number"}
		s["pattern"] = "^$|" + quantityPattern
		s["default"] = v.String()
	case KindInt:
		s["type"] = "integer"
		s["default"] = v.Int()
	case KindBool:
		s["type"] = "boolean"
		s["default"] = v.Bool()
	case KindList:
		item := map[string]any{"type": "string"}
		if f.typ == pullSecretsType {
			item = map[string]any{"oneOf": []any{
				map[string]any{"type": "string"},
				map[string]any{"type": "object", "properties": map[string]any{"name": map[string]any{"type": "string"}}, "required": []string{"name"}, "additionalProperties": false},
			}}
		}
		s["type"] = "array"
		s["items"] = item
		s["default"] = v.Interface()
	case KindTolerations, KindAffinity, KindSpread, KindEnvVars:
		// null resets the leaf (see object); none is set by default.
		for k, v := range kubeSchema(f.typ) {
			s[k] = v
		}
		s["type"] = []any{s["type"], "null"}
		s["default"] = []any{}
		if f.kind == KindAffinity {
			s["default"] = map[string]any{}
		}
	case KindMap:
		// A null entry removes a key of the defaults (see Labels).
		s["type"] = "object"
		s["additionalProperties"] = map[string]any{"type": []string{"string", "null"}}
		s["default"] = v.Interface()
	}
	addKeywords(s, checksSchema(f.checks))
	if _, ok := s["maximum"]; f.kind == KindInt && !ok {
		s["maximum"] = math.MaxInt32 // Kubernetes fields are 32-bit (see validate)
	}
	return s
}

// checksSchema is the JSON Schema keywords that say what the checks of
// a field say together, as applyChecks applies them.
func checksSchema(checks []check) map[string]any {
	optional := len(checks) > 0 && checks[0].name == "optional"
	if optional {
		checks = checks[1:]
	}
	rest := map[string]any{}
	for _, c := range checks {
		addKeywords(rest, c.schema())
	}
	if optional && len(rest) > 0 {
		// An empty value skips the other checks (see applyChecks).
		rest = map[string]any{"anyOf": []any{map[string]any{"const": ""}, rest}}
	}
	return rest
}

// addKeywords adds the keywords of from to s; one that s has already goes
// into s's allOf, so that both apply.
func addKeywords(s, from map[string]any) {
	for _, k := range sortedKeys(from) {
		if _, taken := s[k]; !taken {
			s[k] = from[k]
			continue
		}
		all, _ := s["allOf"].([]any)
		s["allOf"] = append(all, map[string]any{k: from[k]})
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
