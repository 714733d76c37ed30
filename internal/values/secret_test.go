package values

import (
	"errors"
	"sort"
	"strings"
	"testing"
)

// marker stands for a password in these tests: no message may hold it.
const marker = "s3cret-MARKER"

// problemsOf parses and returns every problem as printed, failing the
// test when the input is accepted.
func problemsOf(t *testing.T, files []Source, sets []string) string {
	t.Helper()
	_, err := Parse(files, sets)
	var verr *Error
	if !errors.As(err, &verr) {
		t.Fatalf("accepted, or failed another way (%v); want problems", err)
	}
	return verr.Error()
}

// noLeak fails when msg holds the marker, or any piece of a secret cut
// at its commas (a comma splits --set pairs).
func noLeak(t *testing.T, msg string, secrets ...string) {
	t.Helper()
	pieces := []string{marker}
	for _, s := range secrets {
		pieces = append(pieces, strings.Split(strings.ReplaceAll(s, `\,`, ","), ",")...)
	}
	for _, p := range pieces {
		if len(p) >= 4 && strings.Contains(msg, p) {
			t.Errorf("a message shows %q:\n%s", p, msg)
		}
	}
}

// The tag marks exactly the passwords; the mappings above them hold a
// secret, the others do not.
func TestSecretKeys(t *testing.T) {
	var secret []string
	for _, f := range schema().leaves() {
		if f.secret {
			secret = append(secret, f.key)
		}
	}
	sort.Strings(secret)
	if want := []string{"postgresql.auth.password", "redis.auth.password"}; strings.Join(secret, " ") != strings.Join(want, " ") {
		t.Errorf("secret keys %v, want %v", secret, want)
	}
	for key, holds := range map[string]bool{
		"postgresql": true, "postgresql.auth": true, "redis.auth": true, "redis.auth.password": true,
		"postgresql.auth.username": false, "postgresql.image": false, "gateway": false, "secrets": false,
	} {
		if got := lookup(key).holdsSecret(); got != holds {
			t.Errorf("%s: holdsSecret %v, want %v", key, got, holds)
		}
	}
	if !schema().holdsSecret() {
		t.Error("the document holds the passwords")
	}
}

// A value in the wrong shape where a password is, or above one, is
// described by its type only; elsewhere messages still quote it.
func TestFileMessagesHideSecrets(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"redis:\n  auth: " + marker + "\n", `a.yaml:2:9: redis.auth: this key must be a mapping, got the string <redacted>`},
		{"redis: " + marker + "\n", `a.yaml:1:8: redis: this key must be a mapping, got the string <redacted>`},
		{`"` + marker + "\"\n", `a.yaml:1:1: the document must be a mapping, got the string <redacted>`},
		{"postgresql:\n  auth: !!int " + marker + "\n", "postgresql.auth: this key must be a mapping, got the integer <redacted>"},
		{"postgresql:\n  auth: 73577357\n", "postgresql.auth: this key must be a mapping, got the integer <redacted>"},
		{"postgresql:\n  auth: 7357.7357\n", "postgresql.auth: this key must be a mapping, got the number <redacted>"},
		{"redis:\n  auth: !!bool " + marker + "\n", "redis.auth: this key must be a mapping, got the boolean <redacted>"},
		{"postgresql:\n  auth:\n    password: [" + marker + "]\n", "a.yaml:3:5: postgresql.auth.password: expected a string, got a list"},
		{"postgresql:\n  auth:\n    password: {x: " + marker + "}\n", "a.yaml:3:5: postgresql.auth.password: expected a string, got a mapping"},
		// A key unknown beside a password may be one: its name is not shown.
		{"postgresql:\n  auth:\n    " + marker + ":\n", "a.yaml:3:5: postgresql.auth: unknown key <redacted>"},
		{"redis:\n  auth: {" + marker + "}\n", "a.yaml:2:10: redis.auth: unknown key <redacted>"},
		{"redis:\n  auth:\n    pasword: " + marker + "\n", "a.yaml:3:5: redis.auth: unknown key <redacted> (did you mean redis.auth.password?)"},
		{"redis:\n  auth: {" + marker + ", " + marker + "}\n", "redis.auth: duplicate key: <redacted> is already defined at line 2"},
		{"postgresql:\n  auth:\n    password: " + marker + "\n", `a.yaml:3:5: postgresql.auth.password: a password is set, but secrets.mode is "existing"`},
		{"secrets:\n  mode: externalSecrets\n  externalSecrets: {storeRef: {name: vault}}\nredis:\n  auth:\n    password: " + marker + "\n",
			`a.yaml:6:5: redis.auth.password: a password is set, but secrets.mode is "externalSecrets"`},
		// A name no key looks like, above a password, or at the top.
		{"redis:\n  password=" + marker + ": 1\n", "a.yaml:2:3: redis: unknown key <redacted>"},
		{"postgresql.auth.password=" + marker + ": x\n", "a.yaml:1:1: unknown key <redacted>"},
		{"redis:\n  replicaCont: 2\n", `a.yaml:2:3: redis.replicaCont: unknown key "replicaCont"`},
		// An anchored value, which an alias may put into a password.
		{"secrets:\n  allowInsecureDefaultPasswords: &p " + marker + "\npostgresql:\n  auth:\n    password: *p\n",
			"a.yaml:2:3: secrets.allowInsecureDefaultPasswords: expected a boolean (true or false), got the string <redacted>"},
	} {
		got := problemsOf(t, []Source{src("a.yaml", tc.doc)}, nil)
		if !strings.Contains(got, tc.want) {
			t.Errorf("%q:\ngot  %s\nwant %s", tc.doc, got, tc.want)
		}
		noLeak(t, got, "73577357", "7357.7357")
	}
	// Nothing to hide: the value helps.
	for doc, want := range map[string]string{
		"gateway: abc\n":                                `gateway: this key must be a mapping, got the string "abc"`,
		"redis:\n  auth: false\n":                       "redis.auth: this key must be a mapping, got the boolean false",
		"postgresql:\n  imagee: {}\n":                   `postgresql.imagee: unknown key "imagee" (did you mean postgresql.image?)`,
		"ingress: {}\n":                                 `ingress: unknown key "ingress"`,
		"postgresql:\n  auth: null\n  persistence: 5\n": "postgresql.persistence: this key must be a mapping, got the integer 5",
	} {
		if got := problemsOf(t, []Source{src("a.yaml", doc)}, nil); !strings.Contains(got, want) {
			t.Errorf("%q:\ngot  %s\nwant %s", doc, got, want)
		}
	}
}

// The chart's default password is public, but still a password: the
// message says it is the default without printing it.
func TestDefaultPasswordIsNotPrinted(t *testing.T) {
	got := problemsOf(t, nil, []string{"secrets.mode=inline"})
	if !strings.Contains(got, "postgresql.auth.password: secrets.mode is inline, but this is the chart's published default password;") {
		t.Errorf("no message about the default password:\n%s", got)
	}
	noLeak(t, got, DefaultPostgresPassword, DefaultRedisPassword, "CHANGE_ME")
}

// Whatever a password holds, and whichever rule it breaks, no message
// shows it. Derived from the tag, so that a new secret key, or a check
// added to one, is covered.
func TestNoMessageShowsASecretValue(t *testing.T) {
	values := []string{
		marker, marker + "\nsecond line", " " + marker + " ", marker + "$(DB_PASSWORD)", "latest-" + marker,
		strings.Repeat(marker, 50), marker + "\x00", marker + " # not a comment", marker + "\u00e9\u2028",
	}
	modes := [][]string{
		nil,
		{"secrets.mode=inline"},
		{"secrets.mode=externalSecrets"},
		{"secrets.mode=externalSecrets", "secrets.externalSecrets.storeRef.name=vault"},
		{"secrets.mode=inline", "kafka.replicaCount=2"},
	}
	for _, f := range schema().leaves() {
		if !f.secret {
			continue
		}
		for _, val := range values {
			for _, mode := range modes {
				doc := nestYAML(f.key, quoteYAML(val))
				_, err := Parse([]Source{src("a.yaml", doc)}, mode)
				if err != nil {
					noLeak(t, err.Error(), val)
				}
				_, err = Parse(nil, append(append([]string{}, mode...), f.key+"="+strings.ReplaceAll(val, ",", `\,`)))
				if err != nil {
					noLeak(t, err.Error(), val)
				}
			}
		}
		// At the key and at every mapping above it, in every wrong shape.
		parts := strings.Split(f.key, ".")
		for i := range parts {
			key := strings.Join(parts[:i+1], ".")
			shapes := []string{marker, "!!int " + marker, "!!float " + marker, "!!bool " + marker, "!!binary " + marker, "[" + marker + "]", "{x: " + marker + "}"}
			if i >= len(parts)-2 {
				// A name beside the password, or in its place. Higher
				// up, an unknown name is shown: it is likely a typo.
				shapes = append(shapes, "{"+marker+"}")
			}
			for _, shape := range shapes {
				got := problemsOf(t, []Source{src("a.yaml", nestYAML(key, shape))}, nil)
				noLeak(t, got)
			}
			for _, set := range []string{key + "=" + marker, key + "=" + marker + ",frag-7x", key + ":" + marker, key + "." + marker, key + "x=" + marker} {
				noLeak(t, problemsOf(t, nil, []string{set}), "frag-7x")
			}
		}
	}
}

// nestYAML writes value at the dotted key, as a values file.
func nestYAML(key, value string) string {
	parts := strings.Split(key, ".")
	var b strings.Builder
	for i, p := range parts {
		b.WriteString(strings.Repeat("  ", i) + p + ":")
		if i < len(parts)-1 {
			b.WriteString("\n")
		}
	}
	return b.String() + " " + value + "\n"
}

// quoteYAML writes s as a double-quoted YAML string.
func quoteYAML(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\x00", `\0`, "\u2028", `\L`)
	return `"` + r.Replace(s) + `"`
}

// A --set pair under a secret path shows its key and <redacted>, and so
// does every pair after it that may be a piece of its value cut at a
// comma.
func TestSetMessagesHideSecrets(t *testing.T) {
	for _, tc := range []struct {
		sets     []string
		want     string
		fragment string // a piece of the secret after a comma
	}{
		{[]string{"postgresql.auth.password=" + marker}, `--set postgresql.auth.password=<redacted>: postgresql.auth.password: a password is set, but secrets.mode is "existing"`, ""},
		{[]string{"postgresql.auth.password=" + marker + ",frag-1x"}, `--set "postgresql.auth.password=<redacted>,<redacted>": postgresql.auth.password: what follows its value after a comma is not KEY=VALUE of a known key`, "frag-1x"},
		{[]string{"a=1,postgresql.auth.password=" + marker + ",frag-2x"}, `--set "a=<redacted>,postgresql.auth.password=<redacted>,<redacted>": postgresql.auth.password: what follows`, "frag-2x"},
		{[]string{"redis.auth.password=" + marker + ",frag-3x=y,gateway.replicaCount=3"}, `--set "redis.auth.password=<redacted>,<redacted>,gateway.replicaCount=3": redis.auth.password: what follows`, "frag-3x"},
		{[]string{"redis.auth.password=" + marker + ",,frag-4x"}, `--set "redis.auth.password=<redacted>,<redacted>,<redacted>": redis.auth.password: what follows`, "frag-4x"},
		{[]string{`redis.auth.password=` + marker + `\,frag-5x,frag-6x`}, `--set "redis.auth.password=<redacted>,<redacted>"`, "frag-6x"},
		{[]string{"gateway.replicaCount=2,,postgresql.auth.password=" + marker}, `--set "gateway.replicaCount=2,,postgresql.auth.password=<redacted>": expected KEY=VALUE`, ""},
		{[]string{"postgresql.auth.password:" + marker}, "--set postgresql.auth.password<redacted>: expected KEY=VALUE", ""},
		{[]string{marker}, "--set <redacted>: expected KEY=VALUE", ""},
		{[]string{"redis.auth=" + marker}, "--set redis.auth=<redacted>: redis.auth: is a mapping; set one of its keys, e.g. redis.auth.password", ""},
		{[]string{"redis=" + marker}, "--set redis=<redacted>: redis: is a mapping", ""},
		{[]string{"redis.auth.pasword=" + marker}, `--set redis.auth.pasword=<redacted>: redis.auth.pasword: unknown key "pasword" (did you mean redis.auth.password?)`, ""},
		{[]string{"password=" + marker}, `--set password=<redacted>: password: unknown key "password"`, ""},
		{[]string{"=" + marker}, "--set =<redacted>: the key before = is empty", ""},
		{[]string{"postgresql.auth.password.x=" + marker}, `--set postgresql.auth.password.x=<redacted>: postgresql.auth.password.x: postgresql.auth.password is a string, it has no key "x"`, ""},
		{[]string{"secrets.mode=externalSecrets", "secrets.externalSecrets.storeRef.name=vault", "redis.auth.password=" + marker},
			`--set redis.auth.password=<redacted>: redis.auth.password: a password is set, but secrets.mode is "externalSecrets"`, ""},
	} {
		got := problemsOf(t, nil, tc.sets)
		if !strings.Contains(got, tc.want) {
			t.Errorf("%q:\ngot  %s\nwant %s", tc.sets, got, tc.want)
		}
		noLeak(t, got, tc.fragment)
	}
	// Nothing to hide: the pair is shown as typed.
	for set, want := range map[string]string{
		"kafka.replicaCount=five":                      `--set kafka.replicaCount=five: kafka.replicaCount: expected an integer, got "five"`,
		"kafka.brokers=5":                              `--set kafka.brokers=5: kafka.brokers: unknown key "brokers"`,
		"gateway.replicaCount":                         "--set gateway.replicaCount: expected KEY=VALUE",
		"postgresql.auth.username=a,b":                 "--set b: expected KEY=VALUE",
		"externalKafka.bootstrapServers=a:9092,b:9092": "--set b:9092: expected KEY=VALUE",
		"postgresql.image.tag=latest":                  `--set postgresql.image.tag=latest: postgresql.image.tag: "latest" is not allowed`,
		"gateway.replicaCount=2,,x.y=1,z":              `--set "gateway.replicaCount=2,,x.y=<redacted>,<redacted>": expected KEY=VALUE`,
		"postgresql:x":                                 "--set postgresql<redacted>: expected KEY=VALUE",
	} {
		if got := problemsOf(t, nil, []string{set}); !strings.Contains(got, want) {
			t.Errorf("%q:\ngot  %s\nwant %s", set, got, want)
		}
	}
}

// Redaction changes messages only: a password with an escaped comma
// still loads whole.
func TestRedactionKeepsValues(t *testing.T) {
	v, err := Parse(nil, []string{`secrets.mode=inline,postgresql.auth.password=a\,b=c,redis.auth.password=r`})
	if err != nil {
		t.Fatal(err)
	}
	if v.PostgreSQL.Auth.Password != "a,b=c" || v.Redis.Auth.Password != "r" {
		t.Errorf("passwords %q and %q", v.PostgreSQL.Auth.Password, v.Redis.Auth.Password)
	}
}

func TestRedactSet(t *testing.T) {
	for arg, want := range map[string]string{
		"gateway.replicaCount=3":                                 "gateway.replicaCount=3",
		`global.imagePullSecrets={a,b},monitoring.labels.x=y`:    `global.imagePullSecrets={a,b},monitoring.labels.x=y`,
		`postgresql.auth.password=a\,b,c,gateway.replicaCount=3`: "postgresql.auth.password=<redacted>,<redacted>,gateway.replicaCount=3",
		`externalKafka.bootstrapServers=a:1\,b:2`:                `externalKafka.bootstrapServers=a:1\,b:2`,
		"redis.auth.password=x,redis.auth.password=y":            "redis.auth.password=<redacted>,redis.auth.password=<redacted>",
		"hunter2": "<redacted>",
		"":        "",
	} {
		if got := RedactSet(arg); got != want {
			t.Errorf("RedactSet(%q) = %q, want %q", arg, got, want)
		}
	}
}
