package values

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"
)

// Kind is the type of a leaf key as users see it.
type Kind string

const (
	KindString   Kind = "string"
	KindInt      Kind = "integer"
	KindBool     Kind = "boolean"
	KindQuantity Kind = "quantity"
	KindList     Kind = "list of strings"
	KindMap      Kind = "map of strings"
)

var (
	quantityType    = reflect.TypeOf(Quantity(""))
	pullSecretsType = reflect.TypeOf(PullSecrets(nil))
	stringsType     = reflect.TypeOf(Strings(nil))
	labelsType      = reflect.TypeOf(Labels(nil))
)

// field is one key of the schema, derived by reflection from Values.
type field struct {
	key      string // dotted key, e.g. gateway.service.type
	name     string // last segment
	index    []int  // reflect index path from Values
	rel      []int  // reflect index path from the parent mapping's struct
	typ      reflect.Type
	kind     Kind // leaves only
	doc      string
	checks   []check
	secret   bool     // tag secret:"true": messages never show its value
	children []*field // nil for leaves
	byName   map[string]*field
}

func (f *field) leaf() bool { return f.children == nil }

var (
	schemaOnce sync.Once
	schemaRoot *field
	schemaKeys map[string]*field // every key, leaves and mappings
)

func schema() *field {
	schemaOnce.Do(func() {
		schemaKeys = map[string]*field{}
		schemaRoot = buildField(reflect.TypeOf(Values{}), "", "", nil, "")
	})
	return schemaRoot
}

func lookup(key string) *field {
	schema()
	return schemaKeys[key]
}

func buildField(t reflect.Type, key, name string, index []int, parentDoc string) *field {
	f := &field{key: key, name: name, index: index, typ: t}
	if t.Kind() != reflect.Struct || objectTypes[t] != nil {
		f.kind = kindOf(t)
		return f
	}
	f.byName = map[string]*field{}
	f.addChildren(t, nil, parentDoc)
	return f
}

// addChildren adds the fields of the struct t as f's children; the
// fields of an inline struct (yaml:",inline", the settings every workload
// shares) are f's own, at the path rel within f's struct.
func (f *field) addChildren(t reflect.Type, rel []int, parentDoc string) {
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		at := append(append([]int{}, rel...), i)
		yk := sf.Tag.Get("yaml")
		if yk == ",inline" {
			f.addChildren(sf.Type, at, parentDoc)
			continue
		}
		childKey := yk
		if f.key != "" {
			childKey = f.key + "." + yk
		}
		idx := append(append([]int{}, f.index...), at...)
		doc := sf.Tag.Get("doc")
		c := buildField(sf.Type, childKey, yk, idx, doc)
		c.rel = at
		if c.leaf() {
			c.doc = doc
			// Quantities under resources read "CPU request", as in the chart.
			if c.typ == quantityType && parentDoc != "" {
				c.doc = doc + " " + parentDoc
			}
			c.checks = parseChecks(childKey, sf.Tag.Get("check"))
			c.secret = sf.Tag.Get("secret") == "true"
		}
		f.children = append(f.children, c)
		f.byName[yk] = c
		schemaKeys[childKey] = c
	}
}

func kindOf(t reflect.Type) Kind {
	if ot := objectTypes[t]; ot != nil {
		return ot.kind
	}
	switch {
	case t == quantityType:
		return KindQuantity
	case t == pullSecretsType, t == stringsType:
		return KindList
	case t == labelsType:
		return KindMap
	case t.Kind() == reflect.String:
		return KindString
	case t.Kind() == reflect.Int:
		return KindInt
	case t.Kind() == reflect.Bool:
		return KindBool
	}
	panic(fmt.Sprintf("values: unsupported field type %s", t))
}

// leaves returns every leaf key below f in declaration order.
func (f *field) leaves() []*field {
	if f.leaf() {
		return []*field{f}
	}
	var out []*field
	for _, c := range f.children {
		out = append(out, c.leaves()...)
	}
	return out
}

// Param describes one leaf key: the README table and JSON Schema are made
// from these.
type Param struct {
	Key      string
	Kind     Kind
	Default  string // as it would be written in a values file
	Doc      string
	Enum     []string
	Min      *int
	Max      *int
	NonEmpty bool // a string that must not be empty
}

// Params lists every key with its type, default and description.
func Params() []Param {
	def := reflect.ValueOf(Defaults()).Elem()
	var out []Param
	for _, f := range schema().leaves() {
		out = append(out, f.param(def.FieldByIndex(f.index)))
	}
	return out
}

// param describes the leaf f, whose default is def.
func (f *field) param(def reflect.Value) Param {
	p := Param{Key: f.key, Kind: f.kind, Doc: f.doc, Default: formatValue(def)}
	for _, c := range f.checks {
		c.describe(&p)
	}
	return p
}

// formatValue renders a leaf value the way a values file writes it.
func formatValue(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		if v.String() == "" {
			return `""`
		}
		return v.String()
	case reflect.Pointer:
		return "{}" // an object leaf: none is set by default
	case reflect.Slice:
		if objectTypes[v.Type()] != nil {
			return "[]"
		}
		items := make([]string, v.Len())
		for i := range items {
			items[i] = v.Index(i).String()
		}
		return "[" + strings.Join(items, ", ") + "]"
	case reflect.Map:
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, k.String())
		}
		sort.Strings(keys)
		items := make([]string, len(keys))
		for i, k := range keys {
			items[i] = k + ": " + v.MapIndex(reflect.ValueOf(k)).String()
		}
		return "{" + strings.Join(items, ", ") + "}"
	default:
		return fmt.Sprint(v.Interface())
	}
}

// Keys returns every valid dotted key (leaves and mappings), sorted.
func Keys() []string {
	schema()
	out := make([]string, 0, len(schemaKeys))
	for k := range schemaKeys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
