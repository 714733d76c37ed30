package values

import (
	"encoding/json"
	"reflect"
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
	root["allOf"] = crossKeySchema()
	out, err := json.MarshalIndent(root, "", "  ")
	if err != nil {
		panic(err) // maps of plain values: cannot fail
	}
	return append(out, '\n')
}

func objectSchema(f *field, v reflect.Value) map[string]any {
	props := map[string]any{}
	for _, c := range f.children {
		cv := v.Field(c.index[len(c.index)-1])
		if c.leaf() {
			props[c.name] = leafSchema(c, cv)
		} else {
			props[c.name] = objectSchema(c, cv)
		}
	}
	return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
}

func leafSchema(f *field, v reflect.Value) map[string]any {
	// The limits come from the Param, as in the README table.
	p := f.param(v)
	s := map[string]any{"description": p.Doc}
	switch f.kind {
	case KindString:
		s["type"] = "string"
		s["default"] = v.String()
	case KindQuantity:
		s["type"] = []string{"string", "number"}
		s["pattern"] = quantityPattern
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
	case KindMap:
		s["type"] = "object"
		s["additionalProperties"] = map[string]any{"type": "string"}
		s["default"] = v.Interface()
	}
	if p.Enum != nil {
		s["enum"] = p.Enum
	}
	if p.Min != nil {
		s["minimum"] = *p.Min
	}
	if p.Max != nil {
		s["maximum"] = *p.Max
	}
	if p.NonEmpty {
		s["minLength"] = 1
	}
	return s
}
