package values

import (
	"reflect"
	"strconv"
	"strings"
)

// splitSet splits one --set argument into KEY=VALUE pairs the way Helm
// does: on commas, except inside {a,b} lists and after a backslash.
// Inside a list, \, stays escaped for splitList, so that an item can hold
// a comma. raw holds the same pairs as typed, escapes and all.
func splitSet(arg string) (pairs, raw []string) {
	var cur strings.Builder
	depth, start := 0, 0
	for i := 0; i < len(arg); i++ {
		c := arg[i]
		switch {
		case c == '\\' && i+1 < len(arg):
			i++
			if arg[i] != ',' || depth > 0 {
				cur.WriteByte('\\')
			}
			cur.WriteByte(arg[i])
			continue
		case c == '{':
			depth++
		case c == '}' && depth > 0:
			depth--
		case c == ',' && depth == 0:
			pairs = append(pairs, cur.String())
			raw = append(raw, arg[start:i])
			cur.Reset()
			start = i + 1
			continue
		}
		cur.WriteByte(c)
	}
	return append(pairs, cur.String()), append(raw, arg[start:])
}

// splitList splits a list value of --set on the commas splitSet kept
// (those inside braces) and unescapes \, the same walk as splitSet:
// other backslashes stay, with the character after them.
func splitList(s string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			if s[i] != ',' {
				cur.WriteByte('\\')
			}
			cur.WriteByte(s[i])
		case c == ',':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(out, cur.String())
}

// unescapeList undoes the escapes splitSet kept inside braces, for a value
// that is not a list: x={a\,b} still sets "{a,b}".
func unescapeList(s string) string { return strings.Join(splitList(s), ",") }

// applySet applies one --set argument to v. Its problems show each pair
// as redactPairs allows: never a value that may be secret.
func applySet(v *Values, arg string, origins map[string]Pos, probs *problems) {
	pairs, typed := splitSet(arg)
	if len(pairs) > 1 && pairs[len(pairs)-1] == "" {
		pairs, typed = pairs[:len(pairs)-1], typed[:len(typed)-1] // a trailing comma, as Helm allows
	}
	shown := redactPairs(pairs, typed)
	for i, pair := range pairs {
		pos := Pos{Set: shown[i].text}
		if after := shown[i].after; after != "" {
			// Once per value: the pairs after it are all pieces of it.
			if i == 0 || shown[i-1].after == "" {
				probs.add(Pos{Set: wholeArg(shown)}, after, "what follows its value after a comma is not KEY=VALUE of a known key, so it may be the rest of the value: commas separate pairs, so write a comma within a value as \\,")
			}
			continue
		}
		if pair == "" {
			// A Pos without Set would read "built-in default".
			pos.Set = wholeArg(shown)
		}
		if key, raw, ok := cutPair(pair, strings.Contains(arg, ","), pos, probs); ok {
			setPair(v, key, raw, pos, origins, probs)
		}
	}
}

// wholeArg is the --set argument as its pairs are shown, quoted.
func wholeArg(shown []shownPair) string {
	parts := make([]string, len(shown))
	for i, p := range shown {
		parts[i] = p.raw
	}
	return strconv.Quote(strings.Join(parts, ","))
}

// cutPair splits KEY=VALUE, explaining what is wrong otherwise; commas
// says the argument had several pairs, where a hint about commas helps.
func cutPair(pair string, commas bool, pos Pos, probs *problems) (key, raw string, ok bool) {
	key, raw, ok = strings.Cut(pair, "=")
	if !ok {
		hint := "expected KEY=VALUE, e.g. --set gateway.replicaCount=5"
		if commas {
			hint += `; commas separate pairs, so write a literal comma as \,`
		}
		probs.add(pos, "", "%s", hint)
		return "", "", false
	}
	if key == "" {
		probs.add(pos, "", "the key before = is empty")
		return "", "", false
	}
	return key, raw, true
}

// setPair sets the leaf that key names to raw, or the key within a map of
// strings, recording where it was set.
func setPair(v *Values, key, raw string, pos Pos, origins map[string]Pos, probs *problems) {
	key = unescapeList(key)
	f, mapKey := setTarget(key, pos, probs)
	if f == nil {
		return
	}
	if f.kind != KindList {
		raw = unescapeList(raw)
	}
	target := reflect.ValueOf(v).Elem().FieldByIndex(f.index)
	if f.kind == KindMap {
		setMapKey(target, mapKey, raw)
		origins[f.key] = pos
		return
	}
	if msg := setLeaf(target, f, raw); msg != "" {
		probs.add(pos, key, "%s", msg)
		return
	}
	origins[key] = pos
}

// setMapKey sets one key of a map of strings, in a copy: maps are shared
// with the defaults. As in a file, and as Helm does, null removes the key.
func setMapKey(target reflect.Value, mapKey, raw string) {
	merged := Labels{}
	for k, val := range target.Interface().(Labels) {
		merged[k] = val
	}
	if raw == "null" {
		delete(merged, mapKey)
	} else {
		merged[mapKey] = raw
	}
	target.Set(reflect.ValueOf(merged))
}

// splitKey splits a --set key on dots, except escaped ones (\.), so that
// a label key such as kubernetes.io/metadata.name can be named.
func splitKey(key string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(key); i++ {
		switch {
		case key[i] == '\\' && i+1 < len(key) && key[i+1] == '.':
			cur.WriteByte('.')
			i++
		case key[i] == '.':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(key[i])
		}
	}
	return append(out, cur.String())
}

// setTarget finds the leaf a --set key names, explaining what is wrong
// otherwise. For a map of strings, mapKey is the key within it.
func setTarget(key string, pos Pos, probs *problems) (f *field, mapKey string) {
	f = schema()
	parts := splitKey(key)
	for i, name := range parts {
		if f.leaf() {
			if f.kind == KindMap && i == len(parts)-1 {
				return f, name
			}
			probs.add(pos, key, "%s is a %s, it has no key %q", f.key, f.kind, name)
			return nil, ""
		}
		c := f.byName[name]
		if c == nil {
			msg := "unknown key " + strconv.Quote(name)
			if s := suggestKey(f, name); s != "" {
				msg += " (did you mean " + s + "?)"
			}
			probs.add(pos, join(f.key, name), "%s", msg)
			return nil, ""
		}
		f = c
	}
	if !f.leaf() {
		probs.add(pos, key, "is a mapping; set one of its keys, e.g. %s", f.leaves()[0].key)
		return nil, ""
	}
	if f.kind == KindMap {
		probs.add(pos, key, "is a map; set one of its keys, e.g. %s.<key>=<value>", key)
		return nil, ""
	}
	return f, ""
}

// setLeaf parses raw by the key's type, as Helm does for --set.
func setLeaf(v reflect.Value, f *field, raw string) string {
	shown := strconv.Quote(raw)
	if f.secret {
		shown = Redacted
	}
	switch f.kind {
	case KindString, KindQuantity:
		v.SetString(raw)
	case KindInt:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return "expected an integer, got " + shown
		}
		v.SetInt(int64(n))
	case KindBool:
		b, err := strconv.ParseBool(raw)
		if err != nil || (raw != "true" && raw != "false") {
			return "expected true or false, got " + shown
		}
		v.SetBool(b)
	case KindList:
		list := reflect.MakeSlice(f.typ, 0, 0)
		inner := raw
		if strings.HasPrefix(raw, "{") && strings.HasSuffix(raw, "}") {
			inner = raw[1 : len(raw)-1]
		}
		if inner != "" {
			for _, item := range splitList(inner) {
				list = reflect.Append(list, reflect.ValueOf(strings.TrimSpace(item)))
			}
		}
		v.Set(list)
	default:
		return "is " + article(f.kind) + ", which --set cannot write: set it in a values file (-f), as a pod spec writes it"
	}
	return ""
}
