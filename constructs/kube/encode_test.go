package kube_test

import (
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/internal/expansion"
	"caracal.dev/caracal-cdk8s/constructs/internal/javaprops"
	"caracal.dev/caracal-cdk8s/constructs/kube"
)

// hostile are strings that try to leave the format they are written in.
var hostile = []string{
	"", "plain", "$(DB_PASSWORD)", "$$(DB_PASSWORD)", "$$$(X)", "a$", "$", "$$", "$(", "$)", "$(unclosed",
	"line\nlisteners=EVIL", "cr\rlf", "tab\tand\fform", "  leading", "trailing ", "back\\slash", "odd\\",
	"#comment", "!bang", "k=v:w", "quote\"single'", "db?sslmode=disable&host=evil", "a/b#c@d%2F",
	"grüße", "emoji 🦊", "nul\x00byte", "del\x7f", "`uname`", "'; rm -rf / #", "a\"} or vector(1) or {x=\"",
	"not utf-8 \xff",
}

// every string of length up to n over alphabet.
func strs(alphabet string, n int) []string {
	out := []string{""}
	prev := []string{""}
	for l := 1; l <= n; l++ {
		var next []string
		for _, p := range prev {
			for _, c := range alphabet {
				next = append(next, p+string(c))
			}
		}
		out = append(out, next...)
		prev = next
	}
	return out
}

// Whatever variables the container has, the kubelet passes an escaped
// string through as it was: exhaustively over the characters that matter.
func TestKubeLiteralRoundTrips(t *testing.T) {
	for _, s := range append(strs("$()a", 7), hostile...) {
		if strings.ContainsAny(s, "\xff") {
			continue // the kubelet works on bytes; see the non-ASCII case below
		}
		got := expansion.Expand(kube.KubeLiteral(s), expansion.Defined)
		if got != s {
			t.Fatalf("KubeLiteral(%q) = %q, which the kubelet reads as %q", s, kube.KubeLiteral(s), got)
		}
	}
}

func TestKubeLiteral(t *testing.T) {
	for in, want := range map[string]string{
		"$(DB_PASSWORD)":     "$$(DB_PASSWORD)",
		"$$(DB_PASSWORD)":    "$$$$(DB_PASSWORD)",
		`"$HOME" ${X} $1 $`:  `"$HOME" ${X} $1 $`, // nothing the kubelet reads
		"$é":                 "$$é",               // the kubelet garbles a byte above ASCII after $
		"end=$(( $(date) ))": "end=$$(( $$(date) ))",
		"no dollar":          "no dollar",
	} {
		if got := kube.KubeLiteral(in); got != want {
			t.Errorf("KubeLiteral(%q) = %q, want %q", in, got, want)
		}
	}
	// A deliberate reference is the only way to one.
	a := kube.Arg{Text: "--password=$(X)", Var: "SECRET"}
	if got := expansion.Expand(a.String(), expansion.Defined); got != "--password=$(X)<SECRET>" {
		t.Errorf("Arg %+v reads as %q", a, got)
	}
}

// Every line written with PropertiesLine reads back, as java.util.Properties
// reads it, as exactly that one entry.
func TestPropertiesRoundTrip(t *testing.T) {
	keys := append([]string{"k", "a.b", "key with space", "k=v", "k:v", "#k", "!k", " lead", "k\\"}, hostile...)
	for _, k := range keys {
		for _, v := range hostile {
			if k == "" {
				continue
			}
			line := kube.PropertiesLine(k, v)
			if strings.ContainsAny(line, "\n\r") {
				t.Errorf("PropertiesLine(%q, %q) = %q: more than one line", k, v, line)
			}
			file := "# first\n" + line + "\nlast=1\n"
			entries, err := javaprops.Load(file)
			if err != nil {
				t.Fatalf("PropertiesLine(%q, %q) = %q: %v", k, v, line, err)
			}
			want := []javaprops.Entry{{Key: strings.ToValidUTF8(k, "\uFFFD"), Value: strings.ToValidUTF8(v, "\uFFFD")}, {Key: "last", Value: "1"}}
			if len(entries) != 2 || entries[0] != want[0] || entries[1] != want[1] {
				t.Errorf("PropertiesLine(%q, %q) = %q reads as %q", k, v, line, entries)
			}
		}
	}
	// What a setting holds stays as Kafka's own files write it.
	if got := kube.PropertiesLine("controller.quorum.voters", "0@a-0.b.svc.cluster.local:9093,1@x:9093"); got != "controller.quorum.voters=0@a-0.b.svc.cluster.local:9093,1@x:9093" {
		t.Errorf("an ordinary value is escaped: %q", got)
	}
	if got := kube.PropertiesValue("grüße 🦊"); got != `gr\u00FC\u00DFe \uD83E\uDD8A` {
		t.Errorf("PropertiesValue: %q", got)
	}
}

// A word of ZOO_SERVERS survives the image's unquoted `for server in
// $ZOO_SERVERS; do echo "$server"`, and is then one zoo.cfg line.
func TestPropertiesWord(t *testing.T) {
	for _, v := range hostile {
		if strings.ContainsRune(v, 0) {
			continue // a shell variable cannot hold NUL
		}
		word := kube.PropertiesWord("server.1", v)
		cmd := exec.Command("sh", "-c", `cd "$1" && for w in $ZOO_SERVERS; do printf '%s\n' "$w"; done`, "sh", t.TempDir())
		cmd.Env = []string{"ZOO_SERVERS=" + word + " other=1"}
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		entries, err := javaprops.Load(string(out))
		if err != nil {
			t.Fatalf("%q: %v", out, err)
		}
		if len(entries) != 2 || entries[0].Key != "server.1" || entries[0].Value != strings.ToValidUTF8(v, "\uFFFD") {
			t.Errorf("PropertiesWord(%q) = %q; the image writes %q", v, word, out)
		}
	}
}

func TestURI(t *testing.T) {
	for _, db := range hostile {
		raw := "postgresql://u:p@127.0.0.1:5432/" + kube.URIPathSegment(db) + "?" + kube.URIQuery(map[string]string{"sslmode": "disable"})
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		if u.Host != "127.0.0.1:5432" || u.User.String() != "u:p" || u.Path != "/"+db || u.RawQuery != "sslmode=disable" || u.Fragment != "" {
			t.Errorf("database %q: %q reads as host %q, path %q, query %q, fragment %q", db, raw, u.Host, u.Path, u.RawQuery, u.Fragment)
		}
	}
	for _, tc := range []struct{ host, want string }{
		{"caracal-gateway.caracal.svc.cluster.local", "https://caracal-gateway.caracal.svc.cluster.local:8443"},
		{"::1", "https://[::1]:8443"},
		{"evil.example/x?y#", "https://evil.example%2Fx%3Fy%23:8443"},
	} {
		got := kube.URL("https", tc.host, 8443)
		if got != tc.want {
			t.Errorf("URL(%q) = %q, want %q", tc.host, got, tc.want)
		}
		if u, err := url.Parse(got); err == nil && (u.Path != "" || u.RawQuery != "" || u.Fragment != "") {
			t.Errorf("URL(%q) = %q has a path, query or fragment", tc.host, got)
		}
	}
}

// libpq reads a dbname with = or a URI prefix as a connection string.
func TestLibpqDatabase(t *testing.T) {
	for in, want := range map[string]string{
		"caracal":                     "caracal",
		"host=evil.example":           `dbname='host=evil.example'`,
		"o'brien db":                  `o'brien db`, // no =: a plain name
		"a=b' host='evil":             `dbname='a=b\' host=\'evil'`,
		`back\slash=`:                 `dbname='back\\slash='`,
		"postgresql://evil.example/x": `dbname='postgresql://evil.example/x'`,
		"postgres://evil.example":     `dbname='postgres://evil.example'`,
	} {
		if got := kube.LibpqDatabase(in); got != want {
			t.Errorf("LibpqDatabase(%q) = %q, want %q", in, got, want)
		}
	}
}

// sh reads a quoted word back as the string.
func TestShellQuote(t *testing.T) {
	for _, s := range hostile {
		if strings.ContainsRune(s, 0) {
			continue // no shell word can hold NUL
		}
		out, err := exec.Command("sh", "-c", "printf '%s' "+kube.ShellQuote(s)).Output()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if string(out) != s {
			t.Errorf("ShellQuote(%q) = %q, which sh reads as %q", s, kube.ShellQuote(s), out)
		}
	}
}

// A PromQL string literal holds the string, and only escapes PromQL reads.
func TestPromQLString(t *testing.T) {
	for _, s := range hostile {
		lit := kube.PromQLString(s)
		prefix, err := strconv.QuotedPrefix(lit)
		if err != nil || prefix != lit {
			t.Errorf("PromQLString(%q) = %q is not one literal", s, lit)
			continue
		}
		if back, _ := strconv.Unquote(lit); back != strings.ToValidUTF8(s, "\uFFFD") && back != s {
			t.Errorf("PromQLString(%q) = %q reads as %q", s, lit, back)
		}
		for i := 1; i < len(lit)-1; i++ {
			if lit[i] == '\\' {
				if !strings.ContainsRune(`abfnrtv\"xuU`, rune(lit[i+1])) {
					t.Errorf("PromQLString(%q) = %q: escape \\%c", s, lit, lit[i+1])
				}
				i++
			}
		}
	}
}
