package synth

import (
	"bytes"
	"hash/maphash"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"
)

// Most of a synth's time in Go went to yaml.v3's encoder, which emits a
// manifest event by event through its port of libyaml: a third of a
// Synthesize. writeDoc writes the same bytes for the manifests it can
// prove it writes alike, an order of magnitude faster: the structure
// (block mappings with sorted keys, sequences indented under their key,
// {} and [] when empty) is its own, every scalar is rendered by yaml.v3
// itself (once, then cached), and a manifest holding anything it cannot
// place with certainty (a scalar that would be folded at yaml.v3's line
// width of 80, a sequence in a sequence, a fraction, a null) is written
// by yaml.v3 instead, whole. yaml_test.go checks both against each other.

// writeDoc appends doc, a manifest as decoded from JSON or as normalize
// returns it, to buf as yaml.v3 writes it normalized, with an indent of
// 2, and reports whether it could; when it could not, buf is as it was.
func writeDoc(buf *bytes.Buffer, doc map[string]any) bool {
	w := docWriter{buf: buf}
	start := buf.Len()
	if len(doc) == 0 || !w.mapping(doc, 0, false) {
		buf.Truncate(start)
		return false
	}
	return true
}

type docWriter struct{ buf *bytes.Buffer }

// mapping writes m's entries at indent; inItem says the first one follows
// a sequence's "- " on the same line.
func (w docWriter) mapping(m map[string]any, indent int, inItem bool) bool {
	keys, ok := sortedKeys(m)
	if !ok {
		return false
	}
	for i, k := range keys {
		if i > 0 || !inItem {
			w.pad(indent)
		}
		key, ok := renderKey(k)
		if !ok {
			return false
		}
		w.buf.WriteString(key)
		w.buf.WriteByte(':')
		if !w.value(m[k], indent) {
			return false
		}
	}
	return true
}

// value writes v after a key or a "- " on a line indented by indent, and
// ends the line.
func (w docWriter) value(v any, indent int) bool {
	switch t := v.(type) {
	case map[string]any:
		if len(t) == 0 {
			w.buf.WriteString(" {}\n")
			return true
		}
		w.buf.WriteByte('\n')
		return w.mapping(t, indent+2, false)
	case []any:
		if len(t) == 0 {
			w.buf.WriteString(" []\n")
			return true
		}
		w.buf.WriteByte('\n')
		return w.sequence(t, indent+2)
	case string:
		return w.scalar(t, indent)
	case int64:
		w.integer(t)
		return true
	case int:
		w.integer(int64(t))
		return true
	case float64:
		// A whole number, as normalize makes it an integer.
		if t != math.Trunc(t) || math.Abs(t) >= 1<<63 {
			return false
		}
		w.integer(int64(t))
		return true
	case bool:
		w.buf.WriteString(map[bool]string{true: " true\n", false: " false\n"}[t])
		return true
	}
	return false // a fraction, a null: yaml.v3's to write
}

// sequence writes items as "- " entries at indent.
func (w docWriter) sequence(items []any, indent int) bool {
	for _, item := range items {
		w.pad(indent)
		w.buf.WriteByte('-')
		switch t := item.(type) {
		case map[string]any:
			if len(t) == 0 {
				w.buf.WriteString(" {}\n")
				continue
			}
			w.buf.WriteByte(' ')
			if !w.mapping(t, indent+2, true) {
				return false
			}
		case []any:
			return false // "- - x": not in any manifest written here
		default:
			if !w.value(item, indent) {
				return false
			}
		}
	}
	return true
}

// scalar writes s, on a line indented by indent, as yaml.v3 renders it.
func (w docWriter) scalar(s string, indent int) bool {
	r := renderValue(s)
	switch {
	case r.block != nil:
		// A literal block: its header, then its lines, indented by 2 more
		// than the line it belongs to (blank lines stay empty).
		w.buf.WriteByte(' ')
		w.buf.WriteString(r.text)
		w.buf.WriteByte('\n')
		for _, line := range r.block {
			if line != "" {
				w.pad(indent + 2)
				w.buf.WriteString(line)
			}
			w.buf.WriteByte('\n')
		}
		return true
	case !r.ok:
		return false
	}
	w.buf.WriteByte(' ')
	w.buf.WriteString(r.text)
	w.buf.WriteByte('\n')
	return true
}

func (w docWriter) integer(n int64) {
	w.buf.WriteByte(' ')
	w.buf.WriteString(strconv.FormatInt(n, 10))
	w.buf.WriteByte('\n')
}

func (w docWriter) pad(n int) {
	for range n {
		w.buf.WriteByte(' ')
	}
}

// rendered is how yaml.v3 writes a string scalar in a block mapping or
// sequence: text on the line of its key, or, for a literal block, the
// block's header in text and its lines (without their indent) in block.
type rendered struct {
	text  string
	block []string
	ok    bool // text is one line
}

// What yaml.v3 rendered: of a value, of a key, and the order of a set of
// keys (their byte order joined by NUL; nil when it could not be taken).
var valueCache, keyCache, orderCache sync.Map

type keyText struct {
	text string
	ok   bool
}

// renderValue renders s with yaml.v3, as a mapping's value at the top of
// a document: a scalar is rendered the same in any block context, but
// for its folding (which depends on its column, see scalar) and its
// block's indent.
func renderValue(s string) rendered {
	if r, ok := valueCache.Load(s); ok {
		return r.(rendered)
	}
	var r rendered
	if out, ok := encode(map[string]string{"v": s}); ok {
		text, rest, _ := strings.Cut(strings.TrimPrefix(out, "v: "), "\n")
		switch {
		case !strings.HasPrefix(out, "v: "):
		case rest == "":
			r = rendered{text: text, ok: true}
		case strings.HasPrefix(text, "|"):
			lines := strings.Split(strings.TrimSuffix(rest, "\n"), "\n")
			block := make([]string, len(lines))
			r = rendered{text: text, block: block}
			for i, line := range lines {
				if line != "" && !strings.HasPrefix(line, "  ") {
					r = rendered{} // not a block of this shape: yaml.v3's to write
					break
				}
				block[i] = strings.TrimPrefix(line, "  ")
			}
		}
	}
	valueCache.Store(s, r)
	return r
}

// renderKey renders k with yaml.v3, as a mapping's key.
func renderKey(k string) (string, bool) {
	if r, ok := keyCache.Load(k); ok {
		return r.(keyText).text, r.(keyText).ok
	}
	var r keyText
	if out, ok := encode(map[string]int{k: 0}); ok {
		if text, found := strings.CutSuffix(out, ": 0\n"); found && !strings.Contains(text, "\n") && !strings.HasPrefix(text, "? ") {
			r = keyText{text: text, ok: true}
		}
	}
	keyCache.Store(k, r)
	return r.text, r.ok
}

// encode is yaml.v3's rendering of v with an indent of 2.
func encode(v any) (string, bool) {
	var b strings.Builder
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if enc.Encode(v) != nil || enc.Close() != nil {
		return "", false
	}
	return b.String(), true
}

// sortedKeys returns m's keys in the order yaml.v3 writes them (numbers
// within keys compare as numbers: port-2 before port-10), which it takes
// from yaml.v3 itself, once for each set of keys.
func sortedKeys(m map[string]any) ([]string, bool) {
	// Most sets of keys come again and again (every container's): they
	// are found by a sum of their keys' hashes, which takes no sorting and
	// no allocation, and the keys of the order found are checked.
	var sum uint64
	for k := range m {
		sum += maphash.String(keySeed, k)
	}
	if r, ok := orderBySum.Load(sum); ok {
		if order := r.([]string); len(order) == len(m) && hasAll(m, order) {
			return order, true
		}
	}
	order, ok := sortKeys(m)
	if ok {
		orderBySum.Store(sum, order)
	}
	return order, ok
}

var (
	keySeed    = maphash.MakeSeed()
	orderBySum sync.Map // a sum of hashes of keys: an order of keys with that sum
)

func hasAll(m map[string]any, keys []string) bool {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

// sortKeys is sortedKeys, the long way.
func sortKeys(m map[string]any) ([]string, bool) {
	set := make([]string, 0, len(m))
	for k := range m {
		set = append(set, k)
	}
	sort.Strings(set)
	id := strings.Join(set, "\x00")
	if r, ok := orderCache.Load(id); ok {
		return r.([]string), r.([]string) != nil
	}
	var order []string
	byText := make(map[string]string, len(set))
	probe := make(map[string]int, len(set))
	for _, k := range set {
		text, ok := renderKey(k)
		if !ok {
			orderCache.Store(id, order)
			return nil, false
		}
		byText[text] = k
		probe[k] = 0
	}
	if out, ok := encode(probe); ok {
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		for _, line := range lines {
			k, found := byText[strings.TrimSuffix(line, ": 0")]
			if !found || len(lines) != len(set) {
				order = nil
				break
			}
			order = append(order, k)
		}
	}
	orderCache.Store(id, order)
	return order, order != nil
}
