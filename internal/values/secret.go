package values

import "strings"

// Messages go to terminals and CI logs, which keep them, so no message
// shows a value of a secret key (tag secret:"true"), or a value that may
// be one written in the wrong place. Such a value reads Redacted; the key
// and the position are shown, which is enough to find it.

// Redacted stands in a message for a value that is not shown.
const Redacted = "<redacted>"

// holdsSecret reports whether f is a secret key or a mapping with one
// below it: a value written where such a mapping belongs, or a key
// unknown in it, is likely a password at the wrong level.
func (f *field) holdsSecret() bool {
	if f.leaf() {
		return f.secret
	}
	for _, c := range f.children {
		if c.holdsSecret() {
			return true
		}
	}
	return false
}

// hasSecretKey reports whether a secret key is directly in the mapping f:
// the name of a key unknown there may be a password written as a key
// ({s3cret}, or a line without "key:"). Higher up, a typo is far more
// likely, and its name helps.
func (f *field) hasSecretKey() bool {
	for _, c := range f.children {
		if c.leaf() && c.secret {
			return true
		}
	}
	return false
}

// reach walks a dotted --set key through the schema: the deepest field
// it reaches, and whether every part of the key was found (the last part
// may be a key of a map of strings).
func reach(key string) (deepest *field, complete bool) {
	f := schema()
	parts := splitKey(key)
	for i, name := range parts {
		if f.leaf() {
			return f, f.kind == KindMap && i == len(parts)-1
		}
		c := f.byName[name]
		if c == nil {
			return f, false
		}
		f = c
	}
	return f, true
}

// shownPair is what messages may show of one KEY=VALUE pair of --set.
type shownPair struct {
	text string // the pair, as the pair's own problems show it
	raw  string // the same, as typed (escapes kept), to show the argument whole
	// after is the secret key of an earlier pair when this pair may be a
	// piece of its value, cut off at a comma: it is not shown at all.
	after string
}

// redactPairs decides what messages may show of the pairs of one --set
// argument (pairs as splitSet reads them, raw as typed). A value is
// hidden when its key reaches a secret key, a mapping holding one, or an
// unknown key in such a mapping (the document is one). After a hidden
// value, every pair that is not KEY=VALUE of a known key may be the rest
// of that value, cut at a comma, and is hidden whole.
func redactPairs(pairs, raw []string) []shownPair {
	out := make([]shownPair, len(pairs))
	after := ""
	for i, pair := range pairs {
		key, _, hasValue := strings.Cut(pair, "=")
		if !hasValue {
			if after != "" {
				out[i] = shownPair{text: Redacted, raw: Redacted, after: after}
				continue
			}
			// After a pair, it is likely the rest of that pair's value,
			// which is not secret; first, it may be a password alone.
			if text := redactWord(pair, i == 0); text != pair {
				out[i] = shownPair{text: text, raw: text}
			} else {
				out[i] = shownPair{text: pair, raw: raw[i]}
			}
			continue
		}
		f, complete := reach(unescapeList(key))
		if after != "" && !complete {
			out[i] = shownPair{text: Redacted, raw: Redacted, after: after}
			continue
		}
		after = ""
		if !f.holdsSecret() {
			out[i] = shownPair{text: pair, raw: raw[i]}
			continue
		}
		rawKey, _, _ := strings.Cut(raw[i], "=")
		out[i] = shownPair{text: key + "=" + Redacted, raw: rawKey + "=" + Redacted}
		after = key
	}
	return out
}

// redactWord is what messages may show of a --set pair without "=": a
// key that is or holds a secret, followed by anything
// (postgresql.auth.password:x), shows the key only; when alone, text
// that starts with no known key, which may be a password given without
// its key, shows as Redacted.
func redactWord(s string, alone bool) string {
	end := 0
	var found *field
	for i := 1; i <= len(s); i++ {
		if i < len(s) && isKeyChar(s[i]) {
			continue
		}
		if f, complete := reach(s[:i]); complete {
			end, found = i, f
		}
	}
	switch {
	case found == nil:
		if s == "" || !alone {
			return s
		}
		return Redacted
	case end < len(s) && found.holdsSecret():
		return s[:end] + Redacted
	}
	return s
}

// isKeyChar reports whether c may be inside the name of a key.
func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// RedactSet is a --set argument as messages may show it: every value that
// may be secret reads <redacted>, as in the problems Load reports.
func RedactSet(arg string) string {
	pairs, raw := splitSet(arg)
	shown := redactPairs(pairs, raw)
	parts := make([]string, len(shown))
	for i, p := range shown {
		parts[i] = p.raw
	}
	return strings.Join(parts, ",")
}
