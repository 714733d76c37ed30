package values

import (
	"fmt"
	"reflect"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// maxNodes bounds the work a values file can cause through aliases: a
// "billion laughs" document expands a few lines into millions of nodes.
const maxNodes = 100_000

// decoder writes one parsed values file over a Values, checking every key
// and type against the schema and recording where each key was set.
type decoder struct {
	file    string
	origins map[string]Pos
	probs   *problems
	nodes   int
	bombed  bool
	at      Pos // the key being decoded
}

func (d *decoder) pos(n *yaml.Node) Pos { return Pos{File: d.file, Line: n.Line, Col: n.Column} }

// resolve follows aliases, charging every visit to the node budget.
// The problem is reported at the key being decoded when the budget runs
// out, not inside the anchor the aliases point to.
func (d *decoder) resolve(n *yaml.Node, key string) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	d.nodes++
	if d.nodes > maxNodes && !d.bombed {
		d.bombed = true
		d.probs.add(d.at, key, "the document expands to more than %d nodes through YAML aliases; refusing to load it", maxNodes)
	}
	return n
}

// mapping decodes a YAML mapping into the struct v described by f.
func (d *decoder) mapping(n *yaml.Node, v reflect.Value, f *field) {
	n = d.resolve(n, f.key)
	if d.bombed {
		return
	}
	if isNull(n) {
		return // "key:" with everything below commented out keeps the defaults
	}
	if n.Kind != yaml.MappingNode {
		what := "the document"
		if f.key != "" {
			what = "this key"
		}
		d.probs.add(d.pos(n), f.key, "%s must be a mapping, got %s", what, describe(n, f.holdsSecret()))
		return
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		d.entry(n.Content[i], n.Content[i+1], v, f, seen)
		if d.bombed {
			return
		}
	}
}

// entry decodes the entry k: val of the mapping of the struct v described
// by f, or reports a key the schema does not have.
func (d *decoder) entry(k, val *yaml.Node, v reflect.Value, f *field, seen map[string]*yaml.Node) {
	if k.Kind == yaml.AliasNode || k.ShortTag() == "!!merge" {
		d.probs.add(d.pos(k), f.key, "YAML merge keys and aliased keys are not supported; write the keys out")
		return
	}
	if k.Kind != yaml.ScalarNode {
		d.probs.add(d.pos(k), f.key, "keys must be plain strings, got %s", describe(k, f.holdsSecret()))
		return
	}
	name := k.Value
	key := join(f.key, name)
	c := f.byName[name]
	// Beside a password, an unknown name may be one: it is not shown.
	// Above one, neither is a name no key looks like (password=...).
	hidden := c == nil && (f.hasSecretKey() || f.holdsSecret() && !keyLike(name))
	if hidden {
		key = f.key
	}
	// Decode a duplicate anyway, so that problems inside are reported too.
	d.duplicate(seen, k, key, hidden)
	if c == nil {
		d.unknown(k, key, f, hidden)
		return
	}
	d.origins[key] = d.pos(k)
	d.at = d.pos(k)
	if c.leaf() {
		d.leaf(val, v.FieldByIndex(c.rel), c, d.pos(k))
	} else {
		d.mapping(val, v.FieldByIndex(c.rel), c)
	}
}

// unknown reports the key k, which the mapping f does not have, with the
// key it may be a typo of. A hidden name is not shown.
func (d *decoder) unknown(k *yaml.Node, key string, f *field, hidden bool) {
	msg := fmt.Sprintf("unknown key %q", k.Value)
	if hidden {
		msg = "unknown key " + Redacted
	}
	if s := suggestKey(f, k.Value); s != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", s)
	}
	d.probs.add(d.pos(k), key, "%s", msg)
}

// duplicate reports the key k when its mapping already had one of the
// same name, naming both lines: YAML would silently keep only one. A
// hidden name is not shown.
func (d *decoder) duplicate(seen map[string]*yaml.Node, k *yaml.Node, key string, hidden bool) {
	if first, dup := seen[k.Value]; dup {
		name := fmt.Sprintf("%q", k.Value)
		if hidden {
			name = Redacted
		}
		d.probs.add(d.pos(k), key, "duplicate key: %s is already defined at line %d; YAML would silently keep only one of the two, so merge them into one", name, first.Line)
		return
	}
	seen[k.Value] = k
}

// leaf decodes a scalar or list; problems are reported at the key's
// position, like every other problem about a key.
func (d *decoder) leaf(n *yaml.Node, v reflect.Value, f *field, at Pos) {
	// A value written through an anchor may be a password aliased into
	// the wrong key: its rules' messages never show it (see validate).
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		pos := d.origins[f.key]
		pos.Anchored = true
		d.origins[f.key] = pos
	}
	n = d.resolve(n, f.key)
	if d.bombed {
		return
	}
	if decode := leafDecoders[f.kind]; decode != nil && !decode(d, n, v, f) {
		d.probs.add(at, f.key, "expected %s, got %s", article(f.kind), describe(n, f.secret))
	}
}

// leafDecoders decode a node into a leaf of each kind. One returns false
// when the node as a whole has the wrong shape, which leaf reports; the
// items of a list or a map report their own problems.
var leafDecoders = map[Kind]func(d *decoder, n *yaml.Node, v reflect.Value, f *field) bool{
	KindString:      decodeText,
	KindQuantity:    decodeText,
	KindInt:         decodeInt,
	KindBool:        decodeBool,
	KindList:        (*decoder).list,
	KindMap:         (*decoder).stringMap,
	KindTolerations: (*decoder).object,
	KindAffinity:    (*decoder).object,
	KindSpread:      (*decoder).object,
	KindEnvVars:     (*decoder).object,
}

// decodeText takes any scalar as its literal text: "tag: 1.10" stays 1.10.
func decodeText(_ *decoder, n *yaml.Node, v reflect.Value, _ *field) bool {
	switch {
	case isNull(n):
		v.SetString("")
	case n.Kind == yaml.ScalarNode:
		v.SetString(n.Value)
	default:
		return false
	}
	return true
}

func decodeInt(_ *decoder, n *yaml.Node, v reflect.Value, _ *field) bool {
	var i int
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || n.Decode(&i) != nil {
		return false
	}
	v.SetInt(int64(i))
	return true
}

func decodeBool(_ *decoder, n *yaml.Node, v reflect.Value, _ *field) bool {
	var b bool
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
		return false
	}
	v.SetBool(b)
	return true
}

// list decodes a list of strings, or of image pull secrets (see
// pullSecretName), reporting each item that is neither.
func (d *decoder) list(n *yaml.Node, v reflect.Value, f *field) bool {
	if isNull(n) {
		v.Set(reflect.MakeSlice(f.typ, 0, 0))
		return true
	}
	if n.Kind != yaml.SequenceNode {
		return false
	}
	list := reflect.MakeSlice(f.typ, 0, len(n.Content))
	for i, item := range n.Content {
		item = d.resolve(item, f.key)
		if d.bombed {
			return true
		}
		name, ok := item.Value, item.Kind == yaml.ScalarNode && !isNull(item)
		if f.typ == pullSecretsType {
			name, ok = pullSecretName(item)
		}
		if !ok {
			what := "a string"
			if f.typ == pullSecretsType {
				what = "a name or a {name: ...} mapping"
			}
			d.probs.add(d.pos(item), fmt.Sprintf("%s[%d]", f.key, i), "expected %s, got %s", what, describe(item, f.secret))
			continue
		}
		list = reflect.Append(list, reflect.ValueOf(name))
	}
	v.Set(list)
	return true
}

// stringMap merges a mapping of strings over the map v, key by key: a
// null value removes the key.
func (d *decoder) stringMap(n *yaml.Node, v reflect.Value, f *field) bool {
	if isNull(n) {
		return true // "labels:" with nothing below keeps what is there
	}
	if n.Kind != yaml.MappingNode {
		return false
	}
	// Merge into a copy: maps are shared with the defaults.
	merged := Labels{}
	for k, val := range v.Interface().(Labels) {
		merged[k] = val
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], d.resolve(n.Content[i+1], f.key)
		key := f.key + "." + k.Value
		if k.Kind == yaml.ScalarNode {
			d.duplicate(seen, k, key, false)
		}
		switch {
		case k.Kind != yaml.ScalarNode:
			d.probs.add(d.pos(k), f.key, "keys must be plain strings, got %s", describe(k, f.secret))
		case isNull(val):
			delete(merged, k.Value)
		case val.Kind != yaml.ScalarNode:
			d.probs.add(d.pos(k), key, "expected a string, got %s", describe(val, f.secret))
		default:
			merged[k.Value] = val.Value
		}
	}
	v.Set(reflect.ValueOf(merged))
	return true
}

// pullSecretName accepts "regcred" and "name: regcred".
func pullSecretName(n *yaml.Node) (string, bool) {
	switch {
	case n.Kind == yaml.ScalarNode && !isNull(n):
		return n.Value, true
	case n.Kind == yaml.MappingNode && len(n.Content) == 2 && n.Content[0].Value == "name" && n.Content[1].Kind == yaml.ScalarNode && !isNull(n.Content[1]):
		return n.Content[1].Value, true
	}
	return "", false
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// describe names what a node is, for error messages. Where a secret may
// be (secret), it names the type only: a password may read as a number.
func describe(n *yaml.Node, secret bool) string {
	shown := func(s string) string {
		// An anchored value may be aliased into a password elsewhere.
		if secret || n.Anchor != "" {
			return Redacted
		}
		return s
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return "null"
		case "!!int":
			return "the integer " + shown(n.Value)
		case "!!float":
			return "the number " + shown(n.Value)
		case "!!bool":
			// true or false tell nothing, unless the tag is forced
			// onto other text (!!bool s3cret).
			if b := strings.ToLower(n.Value); b == "true" || b == "false" {
				return "the boolean " + n.Value
			}
			return "the boolean " + shown(n.Value)
		default:
			return "the string " + shown(fmt.Sprintf("%q", truncate(n.Value, 40)))
		}
	}
	return "an unsupported YAML node"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func article(k Kind) string {
	switch k {
	case KindInt:
		return "an integer"
	case KindBool:
		return "a boolean (true or false)"
	case KindList:
		return "a list"
	case KindMap:
		return "a mapping of strings"
	case KindQuantity:
		return "a quantity such as 500m or 2Gi"
	case KindAffinity:
		return "an affinity (a mapping, as in a pod spec)"
	}
	return "a " + strings.TrimSpace(string(k))
}

// keyLike reports whether name is written as keys are (letters, digits,
// '_', '-', '.'): a typo of one, worth showing.
func keyLike(name string) bool {
	return name != "" && strings.IndexFunc(name, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.')
	}) < 0
}
