package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/internal/values"
)

// secretMarker is in every secret the tests below give the program: no
// output stream may ever hold it.
const secretMarker = "s3cret-MARKER"

// runStreams runs the program as runBinary does, with stdin, and returns
// both of its output streams.
func runStreams(t *testing.T, dir, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := command(t, dir, nil, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errOut.String()
}

// leaked lists what out shows of the secrets: the marker, or a piece of
// a secret cut at its commas (a comma splits --set pairs, so a piece may
// be reported on its own).
func leaked(out string, secrets []string) []string {
	var found []string
	pieces := []string{secretMarker}
	for _, s := range secrets {
		pieces = append(pieces, strings.Split(strings.ReplaceAll(s, `\,`, ","), ",")...)
	}
	for _, p := range pieces {
		if len(p) >= 4 && strings.Contains(out, p) {
			found = append(found, p)
		}
	}
	return found
}

// Every command, and every error path, run with secrets in the values
// (files, standard input, --set, environments): neither standard output
// nor standard error ever shows one, or a piece of one. Each secret has a
// comma, so that a piece cut off as a --set pair is caught too.
func TestNoSecretInAnyOutputStream(t *testing.T) {
	ws := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(ws, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inline := func(pg, rd string) string {
		return "secrets:\n  mode: inline\npostgresql:\n  auth:\n    password: \"" + pg + "\"\nredis:\n  auth:\n    password: \"" + rd + "\"\n"
	}
	// The pieces after the commas carry no marker: leaked looks for them.
	pgA, rdA := secretMarker+"-pgA,xqPieceA", secretMarker+"-rdA,xqPieceB"
	pgB, rdB := secretMarker+"-pgB,xqPieceC", secretMarker+"-rdB,xqPieceD"
	pgS, rdS := secretMarker+`-pgS\,xqPieceE`, secretMarker+`-rdS\,xqPieceF`
	existing := "postgresql:\n  auth:\n    password: \"" + secretMarker + "-ex,xqPieceG\"\n"
	wrongLevel := "redis:\n  auth: \"" + secretMarker + "-wl,xqPieceH\"\n"
	write("inline-a.yaml", inline(pgA, rdA))
	write("inline-b.yaml", inline(pgB, rdB))
	write("existing.yaml", existing)
	write("wrong-level.yaml", wrongLevel)
	write("envs/dev.yaml", inline(pgA, rdA))
	write("envs/prod.yaml", "global:\n  namespace: caracal-prod\n"+inline(pgB, rdB))
	write("envs-plain/dev.yaml", "global:\n  namespace: caracal-dev\n")
	write("envs-bad/dev.yaml", existing)
	write("envs-bad/prod.yaml", wrongLevel)
	write("app/environments/dev.yaml", inline(pgA, rdA))
	write("app-bad/environments/dev.yaml", existing)
	// Kubeconfigs hold credentials too: one whose server refuses
	// connections, one that does not parse.
	token := secretMarker + "-kc,xqPieceKC"
	write("kubeconfig", `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: "`+token+`"}}]
contexts: [{name: ctx, context: {cluster: c, user: u}}]
current-context: ctx
`)
	write("kubeconfig-broken", "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user: {token: "+token+"\n")
	all := []string{pgA, rdA, pgB, rdB, pgS, rdS, secretMarker + "-ex,xqPieceG", secretMarker + "-wl,xqPieceH", token}

	type run struct {
		name   string
		dir    string // working directory, within ws
		stdin  string
		args   []string
		exit   int
		want   []string // in stdout or stderr
		extra  []string // further secrets for this run
		stdout bool     // the output goes to stdout, which must not be empty
	}
	runs := []run{
		{name: "synth defaults", args: []string{"synth", "--out", "out-default"}},
		{name: "synth inline file", args: []string{"synth", "-f", "inline-a.yaml", "--out", "out-a"}, want: []string{"Secret 1"}},
		{name: "synth inline --set", args: []string{"synth", "--set", "secrets.mode=inline", "--set", "postgresql.auth.password=" + pgS, "--set", "redis.auth.password=" + rdS, "--out", "out-set"}, want: []string{"Secret 1"}},
		{name: "synth stdin", stdin: inline(pgA, rdA), args: []string{"synth", "-f", "-", "--out", "out-stdin"}, want: []string{"Secret 1"}},
		{name: "synth --environments", args: []string{"synth", "--environments", "envs", "--out", "out-envs"}, want: []string{"out-envs/dev", "out-envs/prod"}},
		{name: "synth --environments invalid", args: []string{"synth", "--environments", "envs-bad", "--out", "out-envs-bad"}, exit: 2,
			want: []string{"postgresql.auth.password: a password is set", "redis.auth: this key must be a mapping, got the string <redacted>"}},
		{name: "app", dir: "app", want: []string{"to dist/environments/dev"}},
		{name: "app invalid", dir: "app-bad", exit: 2, want: []string{"postgresql.auth.password: a password is set"}},
		{name: "diff of a changed inline Secret", args: []string{"diff", "-f", "inline-b.yaml", "--out", "out-a"}, stdout: true,
			want: []string{"~ Secret caracal/caracal-secrets (secrets.k8s.yaml)\n", "stringData.postgresql-password: <redacted> -> <redacted>\n", "stringData.redis-password: <redacted> -> <redacted>\n"}},
		{name: "diff from stdin", stdin: inline(pgB, rdB), args: []string{"diff", "-f", "-", "--out", "out-a"}, stdout: true, want: []string{"~ Secret caracal/caracal-secrets"}},
		{name: "diff of an added inline Secret", args: []string{"diff", "-f", "inline-a.yaml", "--out", "out-default"}, stdout: true, want: []string{"+ Secret caracal/caracal-secrets"}},
		{name: "diff of a removed inline Secret", args: []string{"diff", "--out", "out-a"}, stdout: true, want: []string{"- Secret caracal/caracal-secrets"}},
		{name: "diff of environments", args: []string{"diff", "--environments", "envs", "--set", "postgresql.auth.password=" + secretMarker + "-de,xqPieceI"}, exit: 2, extra: []string{"xqPieceI"}},
		{name: "diff --cluster, unreachable", args: []string{"diff", "--cluster", "--kubeconfig", "kubeconfig", "-f", "inline-a.yaml"}, exit: 3, want: []string{"error: cannot reach the cluster"}},
		{name: "diff --cluster, unknown context", args: []string{"diff", "--cluster", "--kubeconfig", "kubeconfig", "--context", "nope", "-f", "inline-a.yaml"}, exit: 3, want: []string{`context "nope" does not exist`}},
		{name: "diff --cluster, a broken kubeconfig", args: []string{"diff", "--cluster", "--kubeconfig", "kubeconfig-broken", "-f", "inline-a.yaml"}, exit: 3, want: []string{"kubeconfig-broken: line 5: not a valid kubeconfig"}},
		{name: "diff --cluster, invalid values", args: []string{"diff", "--cluster", "--kubeconfig", "kubeconfig", "-f", "existing.yaml"}, exit: 2, want: []string{"postgresql.auth.password: a password is set"}},
		{name: "schema", args: []string{"schema"}, stdout: true},
		{name: "schema with arguments", args: []string{"schema", "--set", "postgresql.auth.password=" + secretMarker}, exit: 2},
		{name: "help", args: []string{"help"}, stdout: true},
		{name: "--help", args: []string{"--help", "--set", "postgresql.auth.password=" + secretMarker}},
		{name: "diff --help", args: []string{"diff", "--set", "postgresql.auth.password=" + secretMarker, "-h"}},
		{name: "unknown command", args: []string{"bogus", "--set", "postgresql.auth.password=" + secretMarker}, exit: 2, want: []string{`unknown command "bogus"`}},
		{name: "unknown flag", args: []string{"synth", "--set", "postgresql.auth.password=" + secretMarker, "--bogus"}, exit: 2},
		{name: "a password as a flag", args: []string{"synth", "-postgresql.auth.password=" + secretMarker}, exit: 2},
		{name: "a password as a command", args: []string{"postgresql.auth.password=" + secretMarker}, exit: 2, want: []string{`unknown command "postgresql.auth.password=<redacted>"`}},
		{name: "--set KEY VALUE as two words", args: []string{"synth", "--set", "postgresql.auth.password", secretMarker}, exit: 2, want: []string{"--set postgresql.auth.password=<redacted>: --set takes KEY=VALUE as one argument"}},
		{name: "KEY=VALUE as an argument", args: []string{"synth", "--out", "out-x", "postgresql.auth.password=" + secretMarker}, exit: 2, want: []string{`unexpected argument "postgresql.auth.password=<redacted>"`}},
		{name: "a value cut off at an unquoted space", args: []string{"synth", "--set", "postgresql.auth.password=my", secretMarker}, exit: 2, want: []string{`unexpected argument "<redacted>"`}},
		{name: "KEY=VALUE after --", args: []string{"--", "postgresql.auth.password=" + secretMarker}, exit: 2, want: []string{"<redacted>"}},
		{name: "--set=KEY=VALUE after --", args: []string{"diff", "--", "--set=postgresql.auth.password=" + secretMarker}, exit: 2, want: []string{"<redacted>"}},
		{name: "a malformed flag", args: []string{"synth", "---set=postgresql.auth.password=" + secretMarker}, exit: 2, want: []string{"bad flag syntax: ---set=<redacted>"}},
		{name: "KEY=VALUE as a values file", args: []string{"synth", "-f", "postgresql.auth.password=" + secretMarker}, exit: 2, want: []string{"postgresql.auth.password=<redacted>: cannot read the values file"}},
		{name: "KEY=VALUE as a values file of diff", args: []string{"diff", "-f", "redis.auth.password=" + secretMarker}, exit: 2, want: []string{"redis.auth.password=<redacted>: cannot read the values file"}},
		{name: "diff --set KEY VALUE as two words", args: []string{"diff", "--set", "redis.auth.password", secretMarker}, exit: 2, want: []string{"--set redis.auth.password=<redacted>"}},
		{name: "inline with the default passwords", args: []string{"synth", "--set", "secrets.mode=inline"}, exit: 2,
			want: []string{"published default password;"}, extra: []string{values.DefaultPostgresPassword, values.DefaultRedisPassword, "CHANGE_ME"}},
	}
	// Every way a --set may hold a password the loader refuses, through
	// each command that loads values.
	for _, c := range []struct{ set, secret string }{
		{"postgresql.auth.password=" + secretMarker + "-1,xqPiece1", secretMarker + "-1,xqPiece1"},
		{"a=1,postgresql.auth.password=" + secretMarker + "-2,xqPiece2", secretMarker + "-2,xqPiece2"},
		{"redis.auth.password=" + secretMarker + "-3,xqPiece3=x,gateway.replicaCount=2", secretMarker + "-3,xqPiece3=x"},
		{"redis.auth.password=" + secretMarker + "-4,,xqPiece4", secretMarker + "-4,,xqPiece4"},
		{"gateway.replicaCount=2,,redis.auth.password=" + secretMarker + "-5", ""},
		{"redis.auth.password:" + secretMarker + "-6", ""},
		{secretMarker + "-7", ""},
		{"redis.auth=" + secretMarker + "-8,xqPiece8", secretMarker + "-8,xqPiece8"},
		{"redis=" + secretMarker + "-9", ""},
		{"redis.auth.pasword=" + secretMarker + "-10,xqPiece10", secretMarker + "-10,xqPiece10"},
		{"password=" + secretMarker + "-11,xqPiece11", secretMarker + "-11,xqPiece11"},
		{"=" + secretMarker + "-12", ""},
		{"postgresql.auth.password.x=" + secretMarker + "-13", ""},
		{"secrets.mode=externalSecrets,secrets.externalSecrets.storeRef.name=vault,redis.auth.password=" + secretMarker + "-14,xqPiece14", secretMarker + "-14,xqPiece14"},
	} {
		extra := []string{c.secret}
		runs = append(runs,
			run{name: "synth --set " + c.set, args: []string{"synth", "--set", c.set, "--out", "out-x"}, exit: 2, want: []string{"<redacted>"}, extra: extra},
			run{name: "diff --set " + c.set, args: []string{"diff", "--set", c.set, "--out", "out-a"}, exit: 2, want: []string{"<redacted>"}, extra: extra},
			run{name: "synth --environments --set " + c.set, args: []string{"synth", "--environments", "envs-plain", "--set", c.set, "--out", "out-x"}, exit: 2, want: []string{"<redacted>"}, extra: extra},
		)
	}
	// Every way a file may hold one, from a path and from standard input.
	for _, c := range []struct{ doc, secret string }{
		{existing, secretMarker + "-ex,xqPieceG"},
		{wrongLevel, secretMarker + "-wl,xqPieceH"},
		{"postgresql: \"" + secretMarker + "-f1,xqPieceJ\"\n", secretMarker + "-f1,xqPieceJ"},
		{"\"" + secretMarker + "-f2,xqPieceK\"\n", secretMarker + "-f2,xqPieceK"},
		{"redis:\n  auth:\n    pasword: \"" + secretMarker + "-f3,xqPieceL\"\n", secretMarker + "-f3,xqPieceL"},
		{"redis:\n  auth: {" + secretMarker + "-f4}\n", ""},
		{"postgresql:\n  auth:\n    password: [" + secretMarker + "-f5]\n", ""},
		{"postgresql:\n  auth: !!int " + secretMarker + "-f6\n", ""},
		{"secrets: {mode: externalSecrets, externalSecrets: {storeRef: {name: vault}}}\nredis: {auth: {password: \"" + secretMarker + "-f7,xqPieceM\"}}\n", secretMarker + "-f7,xqPieceM"},
	} {
		file := fmt.Sprintf("bad-%d.yaml", len(runs))
		write(file, c.doc)
		extra := []string{c.secret}
		runs = append(runs,
			run{name: "synth -f " + c.doc, args: []string{"synth", "-f", file, "--out", "out-x"}, exit: 2, extra: extra},
			run{name: "synth -f - " + c.doc, stdin: c.doc, args: []string{"synth", "-f", "-", "--out", "out-x"}, exit: 2, extra: extra},
			run{name: "diff -f - " + c.doc, stdin: c.doc, args: []string{"diff", "-f", "-", "--out", "out-a"}, exit: 2, extra: extra},
			run{name: "synth --environments -f " + c.doc, args: []string{"synth", "--environments", "envs-plain", "-f", file, "--out", "out-x"}, exit: 2, extra: extra},
		)
	}

	for _, r := range runs {
		dir := filepath.Join(ws, r.dir)
		code, stdout, stderr := runStreams(t, dir, r.stdin, r.args...)
		both := stdout + stderr
		if code != r.exit {
			t.Errorf("%s: exit %d, want %d:\n%s", r.name, code, r.exit, both)
		}
		if r.stdout && stdout == "" {
			t.Errorf("%s: nothing on standard output", r.name)
		}
		for _, w := range r.want {
			if !strings.Contains(both, w) {
				t.Errorf("%s: the output lacks %q:\n%s", r.name, w, both)
			}
		}
		if found := leaked(both, append(all, r.extra...)); len(found) > 0 {
			t.Errorf("%s: the output shows %q:\nstdout:\n%s\nstderr:\n%s", r.name, found, stdout, stderr)
		}
	}

	// The secrets did reach the output files: what the streams do not
	// show is there to be shown.
	for file, secret := range map[string]string{"out-a/secrets.k8s.yaml": pgA, "out-set/secrets.k8s.yaml": strings.ReplaceAll(rdS, `\,`, ","), "app/dist/environments/dev/secrets.k8s.yaml": pgA} {
		data, err := os.ReadFile(filepath.Join(ws, file))
		if err != nil || !bytes.Contains(data, []byte(secret)) {
			t.Errorf("%s does not hold the secret (%v)", file, err)
		}
	}
}

// Every case of the bad-input corpus that holds a secret keeps it out of
// both streams; at least the secret- cases do.
func TestSecretCorpusShowsNoSecret(t *testing.T) {
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	secretCases := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		isSecret := strings.HasPrefix(filepath.Base(f), "secret-")
		if !strings.Contains(string(data), secretMarker) {
			if isSecret {
				t.Errorf("%s: a secret- case without %s", f, secretMarker)
			}
			continue
		}
		if isSecret {
			secretCases++
		}
		args := []string{"synth", "-f", f}
		exit := 2
		for _, line := range strings.Split(string(data), "\n") {
			if a, ok := strings.CutPrefix(line, "# args: "); ok {
				args = strings.Fields(a)
			}
			if e, ok := strings.CutPrefix(line, "# exit: "); ok && e == "1" {
				exit = 1
			}
		}
		for i, a := range args {
			if a == "{outfile}" {
				args[i] = filepath.Join(t.TempDir(), "out-file")
			}
		}
		args = append(args, "--out", filepath.Join(t.TempDir(), "dist"))
		wd, _ := os.Getwd()
		code, stdout, stderr := runStreams(t, wd, "", args...)
		if code != exit {
			t.Errorf("%s: exit %d, want %d:\n%s", f, code, exit, stderr)
		}
		// The values in the file are all secrets here, their pieces too.
		var secrets []string
		for _, line := range strings.Split(string(data), "\n") {
			if i := strings.Index(line, secretMarker); i >= 0 && !strings.HasPrefix(line, "# ") {
				secrets = append(secrets, strings.Trim(line[i:], `"]} `))
			}
		}
		if found := leaked(stdout+stderr, secrets); len(found) > 0 {
			t.Errorf("%s: the output shows %q:\nstdout:\n%s\nstderr:\n%s", f, found, stdout, stderr)
		}
	}
	if secretCases < 8 {
		t.Errorf("%d secret- cases hold %s, want at least 8", secretCases, secretMarker)
	}
}
