package kube

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A Plan renders each object's manifest as JSON text when it records it
// (see place). Rendering the props to maps (render) and marshalling those
// took a third of the Go side's time to compose an app; appendJSON writes
// the same text straight from the props, in one pass: the bytes that
// json.Marshal writes of render's maps (keys sorted, its escapes and its
// numbers), so that the Node.js side builds each object alike, key for
// key. kube_test.go checks the two against each other.

// ManifestJSON is json.Marshal(Manifest(gvk, props)), byte for byte
// (props may only set the metadata that NewObject takes), written in
// one pass.
func ManifestJSON(gvk GVK, props any) []byte {
	return appendManifest(nil, gvk, props)
}

// appendManifest appends to buf the manifest of an object of kind gvk
// with props (a pointer to a props struct, as NewObject takes it): the
// JSON text of Object.manifest.
func appendManifest(buf []byte, gvk GVK, props any) []byte {
	meta, v := propsMeta(props)
	// apiVersion, kind and metadata, in the order of the keys, among the
	// props' other fields.
	own := []struct {
		key   string
		value func([]byte) []byte
	}{
		{"apiVersion", func(b []byte) []byte { return appendJSONString(b, gvk.APIVersion) }},
		{"kind", func(b []byte) []byte { return appendJSONString(b, gvk.Kind) }},
		{"metadata", func(b []byte) []byte { b, _ = appendJSON(b, reflect.ValueOf(meta)); return b }},
	}
	if meta == nil {
		own = own[:2]
	}
	buf = append(buf, '{')
	wrote := false
	writeOwn := func(before string) {
		for len(own) > 0 && (before == "" || own[0].key < before) {
			if wrote {
				buf = append(buf, ',')
			}
			buf = append(buf, '"')
			buf = append(buf, own[0].key...)
			buf = append(buf, `":`...)
			buf = own[0].value(buf)
			own, wrote = own[1:], true
		}
	}
	elem := v.Elem()
	for _, f := range jsonFields(elem.Type()) {
		if f.name == "apiVersion" || f.name == "kind" || f.name == "metadata" {
			continue
		}
		writeOwn(f.name)
		buf, wrote = appendField(buf, elem, f, wrote)
	}
	writeOwn("")
	return append(buf, '}')
}

// jsonField is a field of a struct, as render renders it.
type jsonField struct {
	index    int
	name     string // in the manifest
	key      string // name as a JSON key, with its colon
	goName   string
	required bool
}

var jsonFieldsOf sync.Map // reflect.Type: []jsonField

// jsonFields are the fields of the struct type t that render renders, in
// the order of their names (of the last of those that render under one).
func jsonFields(t reflect.Type) []jsonField {
	if fs, ok := jsonFieldsOf.Load(t); ok {
		return fs.([]jsonField)
	}
	byName := map[string]jsonField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		if w, ok := wireNames[name]; ok {
			name = w
		}
		byName[name] = jsonField{index: i, name: name, key: string(appendJSONString(nil, name)) + ":", goName: f.Name, required: f.Tag.Get("field") == "required"}
	}
	fs := make([]jsonField, 0, len(byName))
	for _, f := range byName {
		fs = append(fs, f)
	}
	slices.SortFunc(fs, func(a, b jsonField) int { return strings.Compare(a.name, b.name) })
	jsonFieldsOf.Store(t, fs)
	return fs
}

var timeType = reflect.TypeOf(time.Time{})

// appendField appends the field f of the struct v, preceded by a comma
// when more is set (fields were appended before it), unless render leaves
// it out; it reports whether fields were appended, before it or now.
func appendField(buf []byte, v reflect.Value, f jsonField, more bool) ([]byte, bool) {
	mark := len(buf)
	if more {
		buf = append(buf, ',')
	}
	buf = append(buf, f.key...)
	buf, ok := appendJSON(buf, v.Field(f.index))
	if !ok {
		// jsii refused a nil required field; so does this, naming the
		// field, never a value.
		if f.required {
			panic(fmt.Sprintf("kube: %s.%s is required", v.Type(), f.goName))
		}
		return buf[:mark], more
	}
	return buf, true
}

// appendJSON appends v to buf as the JSON of what render returns for it,
// and reports whether render returns anything (where it returns nil, buf
// is returned as it was).
func appendJSON(buf []byte, v reflect.Value) ([]byte, bool) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return buf, false
		}
		return appendJSON(buf, v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			return buf, false
		}
		if q, ok := v.Interface().(valuer); ok {
			return appendJSON(buf, reflect.ValueOf(q.Value()))
		}
		return appendJSON(buf, v.Elem())
	case reflect.Struct:
		if v.Type() == timeType {
			return appendJSONString(buf, v.Interface().(time.Time).UTC().Format("2006-01-02T15:04:05.000Z")), true
		}
		buf = append(buf, '{')
		more := false
		for _, f := range jsonFields(v.Type()) {
			buf, more = appendField(buf, v, f, more)
		}
		return append(buf, '}'), true
	case reflect.Map:
		if v.IsNil() {
			return buf, false
		}
		// In key order, as json.Marshal writes a map: the text of an
		// object is the same on every run.
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
		buf = append(buf, '{')
		first := true
		for _, k := range keys {
			mark := len(buf)
			if !first {
				buf = append(buf, ',')
			}
			buf = appendJSONString(buf, k.String())
			buf = append(buf, ':')
			var ok bool
			if buf, ok = appendJSON(buf, v.MapIndex(k)); !ok {
				buf = buf[:mark]
				continue
			}
			first = false
		}
		return append(buf, '}'), true
	case reflect.Slice:
		if v.IsNil() {
			return buf, false
		}
		buf = append(buf, '[')
		for i := range v.Len() {
			if i > 0 {
				buf = append(buf, ',')
			}
			var ok bool
			if buf, ok = appendJSON(buf, v.Index(i)); !ok {
				panic(fmt.Sprintf("kube: a %s holds a nil element", v.Type()))
			}
		}
		return append(buf, ']'), true
	case reflect.String:
		if v.Type().PkgPath() == "" {
			return appendJSONString(buf, v.String()), true
		}
		if v.String() == "" {
			return buf, false // an enum field is a value, not a pointer: unset
		}
		if value, ok := enums.Load(v.Interface()); ok {
			return appendJSONString(buf, value.(string)), true
		}
		panic(fmt.Sprintf("kube: enum %s.%s has no registered value (see RegisterEnums)", v.Type(), v.String()))
	case reflect.Bool:
		return strconv.AppendBool(buf, v.Bool()), true
	case reflect.Float32, reflect.Float64:
		return appendNumber(buf, v.Float()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return appendNumber(buf, float64(v.Int())), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return appendNumber(buf, float64(v.Uint())), true
	}
	panic(fmt.Sprintf("kube: cannot render a %s", v.Type()))
}

// appendNumber appends f as json.Marshal writes it.
func appendNumber(buf []byte, f float64) []byte {
	if f == math.Trunc(f) && math.Abs(f) < 1e21 {
		return strconv.AppendFloat(buf, f, 'f', -1, 64) // whole: its digits
	}
	text, err := json.Marshal(f)
	if err != nil {
		// NaN or an infinity: the values' checks keep them out.
		panic(fmt.Sprintf("kube: %v is not a number JSON can hold", f))
	}
	return append(buf, text...)
}

// appendJSONString appends s to buf as json.Marshal writes it.
func appendJSONString(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		// What it escapes: quotes, backslashes, control characters,
		// <, > and & (for HTML), and, past ASCII, invalid UTF-8 and
		// U+2028 and U+2029.
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			text, _ := json.Marshal(s) // a string always encodes
			return append(buf, text...)
		}
	}
	buf = append(buf, '"')
	buf = append(buf, s...)
	return append(buf, '"')
}
