package kube

// Encoders, one per format a value is written into besides YAML. Each is
// total and exact: whatever the string, the destination reads back the
// same string, and the string cannot change the structure around it (add
// a line, a parameter, a variable reference). Which value flows into
// which format is listed in internal/compose/formats.go.

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// KubeLiteral escapes s for a container's command, args or env value,
// and an exec probe's command, in which the kubelet replaces $(VAR) with
// the value of the container's variable VAR and $$ with $. A $ is doubled
// where the kubelet would read it as more than itself: before $, before (,
// and before a byte above ASCII (which the kubelet's expansion garbles).
// Everywhere else, a lone $ is left as it is, so a shell script's $HOME
// reads the same.
func KubeLiteral(s string) string {
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteByte(s[i])
		if s[i] == '$' && i+1 < len(s) && (s[i+1] == '$' || s[i+1] == '(' || s[i+1] >= utf8.RuneSelf) {
			b.WriteByte('$')
		}
	}
	return b.String()
}

// kubeVarRef is a deliberate $(name): the kubelet substitutes the
// container's variable name. Only Arg writes one, from its Var.
func kubeVarRef(name string) string { return "$(" + name + ")" }

// Command is a container's command (or args), each word taken literally:
// see KubeLiteral.
func Command(words ...string) *[]*string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = KubeLiteral(w)
	}
	return Strs(out...)
}

// Arg is one argument of a container: Text, taken literally, followed,
// when Var is set, by the value of the container's variable Var, which
// the kubelet substitutes. That is how a secret reaches a flag of a
// program that reads it nowhere else, without being in the manifest.
type Arg struct {
	Text string
	Var  string
}

// Args are literal arguments.
func Args(texts ...string) []Arg {
	out := make([]Arg, len(texts))
	for i, t := range texts {
		out[i] = Arg{Text: t}
	}
	return out
}

// String is the argument as the manifest holds it.
func (a Arg) String() string {
	if a.Var == "" {
		return KubeLiteral(a.Text)
	}
	return KubeLiteral(a.Text) + kubeVarRef(a.Var)
}

func ArgList(args []Arg) *[]*string {
	if len(args) == 0 {
		return nil
	}
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a.String()
	}
	return Strs(out...)
}

// PropertiesKey escapes s as the key of a line of a Java properties file,
// as java.util.Properties reads it: whitespace, = and : would end the
// key, # and ! start a comment, a backslash escapes, a line break ends
// the line.
func PropertiesKey(s string) string { return properties(s, true, false) }

// PropertiesValue escapes s as the value of a line of a Java properties
// file, or a part of one: backslashes and line breaks, a leading space
// (which would be skipped), and every character outside printable ASCII
// as \uXXXX, since Properties.load(InputStream), which Kafka and
// ZooKeeper use, reads ISO 8859-1. A byte that is not UTF-8 becomes
// U+FFFD.
func PropertiesValue(s string) string { return properties(s, false, false) }

// PropertiesLine is key=value, both escaped.
func PropertiesLine(key, value string) string {
	return PropertiesKey(key) + "=" + PropertiesValue(value)
}

// PropertiesWord is a properties line that is also one word of an
// unquoted shell expansion, which is split on whitespace and globbed:
// the ZooKeeper image writes each word of $ZOO_SERVERS as a line of
// zoo.cfg. Spaces and glob characters become \uXXXX too.
func PropertiesWord(key, value string) string {
	return properties(key, true, true) + "=" + properties(value, false, true)
}

func properties(s string, key, word bool) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\f':
			b.WriteString(`\f`)
		case word && strings.ContainsRune(" *?[", r):
			fmt.Fprintf(&b, `\u%04X`, r)
		case r == ' ' && (key || i == 0):
			b.WriteString(`\ `)
		case key && strings.ContainsRune("=:#!", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
				fmt.Fprintf(&b, `\u%04X\u%04X`, r1, r2)
			} else {
				fmt.Fprintf(&b, `\u%04X`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// URIPathSegment escapes s as one segment of a URI's path: it cannot add
// a segment, end the path, or start a query or a fragment.
func URIPathSegment(s string) string { return url.PathEscape(s) }

// URIQuery is a URI query of the parameters, escaped, sorted by key.
func URIQuery(params map[string]string) string {
	q := url.Values{}
	for k, v := range params {
		q.Set(k, v)
	}
	return q.Encode()
}

// URL is scheme://host:port, the host escaped (and an IPv6 address
// bracketed) so that it stays the URL's host.
func URL(scheme, host string, port int) string {
	u := url.URL{Scheme: scheme, Host: net.JoinHostPort(host, strconv.Itoa(port))}
	return u.String()
}

// LibpqDatabase is a database name as libpq's dbname parameter (pg_isready
// --dbname, psql's first argument), which libpq reads as a whole
// connection string when it holds an = or starts with postgresql:// or
// postgres://: such a name is then written as a connection string that
// sets dbname alone. Any other name is kept as it is.
func LibpqDatabase(name string) string {
	if !strings.Contains(name, "=") && !strings.HasPrefix(name, "postgresql://") && !strings.HasPrefix(name, "postgres://") {
		return name
	}
	return "dbname='" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(name) + "'"
}

// ShellQuote is s as one word of a POSIX shell script, in single quotes,
// inside which nothing is special but the closing quote. No value is
// written into a script today (scripts read values from the environment,
// always quoted, "$VAR"); any that ever is must go through this.
func ShellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// PromQLString is s as a PromQL string literal, e.g. a label matcher's
// value: PromQL reads Go's escapes, so strconv.Quote's are exact.
func PromQLString(s string) string { return strconv.Quote(s) }
