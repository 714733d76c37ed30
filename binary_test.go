package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/internal/jsiienv"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/jsii-runtime-go"
)

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

// TestMain removes the binary built for the tests, stops the jsii runtime
// and removes this process's temporary folder, as the program does.
func TestMain(m *testing.M) {
	jsiienv.MainStarted() // a Ctrl-C need not wait for it
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	jsiienv.AtExit(jsii.Close)
	jsiienv.Exit(code)
}

// binary builds caracal-cdk8s once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		binDir, buildErr = os.MkdirTemp("", "caracal-cdk8s-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "caracal-cdk8s")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			// The compiler's messages are in out, not in err.
			buildErr = fmt.Errorf("%v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return binPath
}

// runBinary runs the program as a user would: no jsii variables in the
// environment, in dir.
func runBinary(t *testing.T, dir string, env []string, args ...string) (int, string) {
	t.Helper()
	code, _, stderr := runBinaryOut(t, dir, env, args...)
	return code, stderr
}

// runBinaryOut is runBinary, with standard output too.
func runBinaryOut(t *testing.T, dir string, env []string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := command(t, dir, env, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	return exitCode(t, cmd.Run()), out.String(), errb.String()
}

// command prepares a run of the program as a user would start it: no jsii
// variables in the environment but the Node.js to run on (JSII_NODE, which
// make sets), in dir. jsii's banners about that Node.js (end-of-life,
// untested, deprecated) are silenced: these tests check the program's own
// messages, on whichever Node.js the developer has; under make, on a
// supported Node.js, there is none to silence.
func command(t *testing.T, dir string, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Dir = dir
	for _, e := range os.Environ() {
		if strings.HasPrefix(e, "JSII_NODE=") || !strings.HasPrefix(e, "JSII_") && !strings.HasPrefix(e, "CDK8S_") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	if major := nodeMajor(); major != "" {
		cmd.Env = append(cmd.Env, silenceEndOfLife+"="+major)
	}
	cmd.Env = append(cmd.Env, "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION=1", "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1")
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// silenceEndOfLife names the Node.js majors whose end-of-life banner jsii
// keeps to itself.
const silenceEndOfLife = "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"

// nodeBin is the Node.js that jsii runs: JSII_NODE, else node on PATH.
func nodeBin() string {
	if n := os.Getenv("JSII_NODE"); n != "" {
		return n
	}
	return "node"
}

// nodeMajor is the major version of nodeBin, "" if it does not run.
var nodeMajor = sync.OnceValue(func() string {
	out, err := exec.Command(nodeBin(), "--version").Output()
	if err != nil {
		return ""
	}
	major, _, _ := strings.Cut(strings.TrimPrefix(strings.TrimSpace(string(out)), "v"), ".")
	return major
})

// exitCode is the exit status of a finished run; -1 when a signal killed
// it.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0
}

// A synth says one line.
func TestBinarySynthPrintsOneLine(t *testing.T) {
	code, stderr := runBinary(t, t.TempDir(), nil, "synth")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "end-of-life") || strings.Contains(stderr, "!!!!") {
		t.Errorf("a jsii banner:\n%s", stderr)
	}
	if lines := strings.Count(stderr, "\n"); lines != 1 {
		t.Errorf("a successful synth prints one summary line, got:\n%s", stderr)
	}
}

// The program leaves jsii's check of the Node.js version to the user: it
// silences no banner itself (jsii's banner says how to).
func TestBinaryLeavesJSIINodeChecksToTheUser(t *testing.T) {
	dir := t.TempDir()
	seen := filepath.Join(dir, "seen")
	wrapper := filepath.Join(dir, "node")
	script := fmt.Sprintf("#!/bin/sh\nprintf '%%s' \"${%s-unset}\" > %s\nexec %s \"$@\"\n", silenceEndOfLife, kube.ShellQuote(seen), kube.ShellQuote(nodeBin()))
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := command(t, dir, []string{"JSII_NODE=" + wrapper}, "synth")
	cmd.Env = slices.DeleteFunc(cmd.Env, func(e string) bool { return strings.HasPrefix(e, silenceEndOfLife+"=") })
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if code := exitCode(t, cmd.Run()); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if got, err := os.ReadFile(seen); err != nil || string(got) != "unset" {
		t.Errorf("jsii's Node.js saw %s=%q (%v), want it unset", silenceEndOfLife, got, err)
	}
}

// Bad input ends with exit 2 and messages, never a panic or a stack trace.
func TestBinaryBadInputHasNoStackTrace(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("gateway:\n  replicaCount: [\n"), 0o644)
	for _, args := range [][]string{
		{"synth", "-f", "bad.yaml"},
		{"synth", "-f", "missing.yaml"},
		{"synth", "--set", "kafka.replicaCount=-1"},
		{"synth", "--bogus"},
	} {
		code, stderr := runBinary(t, dir, nil, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2: %s", args, code, stderr)
		}
		for _, bad := range []string{"panic", "goroutine ", ".go:"} {
			if strings.Contains(stderr, bad) {
				t.Errorf("%v: stderr holds %q:\n%s", args, bad, stderr)
			}
		}
	}
}

// The same values give the same bytes from any working directory and with
// any temporary directory.
func TestBinaryIsDeterministic(t *testing.T) {
	values, err := filepath.Abs("testdata/scenarios/production.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a, b := t.TempDir(), t.TempDir()
	os.MkdirAll(filepath.Join(b, "deep", "er"), 0o755)
	tmpB := t.TempDir()
	if code, stderr := runBinary(t, a, []string{"TMPDIR=" + t.TempDir()}, "synth", "-f", values); code != 0 {
		t.Fatal(stderr)
	}
	if code, stderr := runBinary(t, filepath.Join(b, "deep", "er"), []string{"TMPDIR=" + tmpB, "LC_ALL=C", "TZ=Asia/Tokyo"}, "synth", "-f", values, "--out", "../../out"); code != 0 {
		t.Fatal(stderr)
	}
	first, second := testkit.Tree(t, filepath.Join(a, "dist")), testkit.Tree(t, filepath.Join(b, "out"))
	if len(first) == 0 || !reflect.DeepEqual(first, second) {
		t.Errorf("two runs differ: %d and %d files", len(first), len(second))
	}
}

// corpusCase is one file of testdata/invalid: a values file whose header
// says how to run it and what must come out:
//
//	# args: the arguments; -f <the file> by default, and --out <output>
//	        unless given; placeholders: {out}, the output directory;
//	        {outfile}, a file; {fifo}, a named pipe; {socket}, a socket;
//	        {fifodir}, an environments folder whose qa.yaml is a named pipe;
//	        {devdir}, one whose qa.yaml links to /dev/null
//	# want: a line of the message
//	# exit: 1 or 2 (the default)
//	# out:  what the output directory holds besides the committed dist/:
//	        foreign (a file of the user's), debris (the temporary folders
//	        of killed runs, inside it and beside it), lookalike (folders
//	        named like those, holding a file of the user's)
//	# cwd:  where to run, within the output directory: . or flux
type corpusCase struct {
	file, want, out, cwd string
	args                 []string
	exit                 int
}

func readCorpus(t *testing.T) []corpusCase {
	t.Helper()
	files, err := filepath.Glob("testdata/invalid/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var cases []corpusCase
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c := corpusCase{file: f, exit: 2, args: []string{"synth", "-f", f}}
		for _, line := range strings.Split(string(data), "\n") {
			key, val, ok := strings.Cut(strings.TrimPrefix(line, "# "), ": ")
			if !ok || !strings.HasPrefix(line, "# ") {
				continue
			}
			switch key {
			case "want":
				c.want = val
			case "args":
				c.args = strings.Fields(val)
			case "exit":
				c.exit = map[string]int{"1": 1, "2": 2}[val]
				if c.exit == 0 {
					t.Fatalf("%s: exit %s: the corpus is of failures, 1 or 2", f, val)
				}
			case "out":
				c.out = val
			case "cwd":
				c.cwd = val
			}
		}
		if c.want == "" {
			t.Fatalf("%s: no '# want:' line", f)
		}
		cases = append(cases, c)
	}
	return cases
}

// corpusMarker is in every secret of the corpus: no output stream may
// show it.
const corpusMarker = "s3cret-MARKER"

// Every invalid input gets its message and exit status 2 (1 for a failure
// that is not the values'), shows no secret and no stack trace, and leaves
// the output exactly as it was, including when the failure comes after
// synthesis: the same bytes and times of modification, no new entry inside
// it or beside it, no temporary file.
func TestBadInputCorpus(t *testing.T) {
	cases := readCorpus(t)
	if len(cases) < 25 {
		t.Fatalf("%d cases in testdata/invalid, want at least 25", len(cases))
	}
	committed := testkit.Tree(t, "dist")
	wd, _ := os.Getwd()
	for _, c := range cases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "dist")
			for name, data := range committed {
				os.MkdirAll(filepath.Dir(filepath.Join(out, name)), 0o755)
				os.WriteFile(filepath.Join(out, name), []byte(data), 0o644)
			}
			put := func(path, data string) {
				os.MkdirAll(filepath.Dir(path), 0o755)
				os.WriteFile(path, []byte(data), 0o644)
			}
			switch c.out {
			case "":
			case "foreign":
				put(filepath.Join(out, "notes.txt"), "mine")
			case "debris":
				put(filepath.Join(out, ".environments.tmp-2925634281", "production", "namespace.k8s.yaml"), "# Generated by")
				put(filepath.Join(out, "..", ".caracal-cdk8s.tmp-77", "a.k8s.yaml"), "")
			case "lookalike":
				put(filepath.Join(out, ".environments.tmp-2925634281", "notes.txt"), "mine")
				put(filepath.Join(out, "..", ".dist.tmp-42", "notes.txt"), "mine")
			default:
				t.Fatalf("unknown '# out: %s'", c.out)
			}
			fixtures := specialFiles(t)
			outFile := filepath.Join(t.TempDir(), "dist-file")
			os.WriteFile(outFile, []byte("a file"), 0o644)
			var args []string
			hasOut := false
			for _, a := range c.args {
				switch a {
				case "{outfile}":
					a, hasOut = outFile, true
				case "{out}":
					a = out
				case "--out", "-o":
					hasOut = true
				}
				if f, ok := fixtures[a]; ok {
					a = f
				}
				args = append(args, a)
			}
			if !hasOut {
				args = append(args, "--out", out)
			}
			dir := wd
			if c.cwd != "" {
				dir = filepath.Join(out, c.cwd)
			}
			tmp := t.TempDir()
			before, beside := snapshot(t, out), snapshot(t, filepath.Dir(out), out)
			code, stdout, stderr := runBinaryOut(t, dir, []string{"TMPDIR=" + tmp}, args...)
			if code != c.exit {
				t.Errorf("exit %d, want %d:\n%s", code, c.exit, stderr)
			}
			if !strings.Contains(stderr, c.want) {
				t.Errorf("stderr lacks %q:\n%s", c.want, stderr)
			}
			for _, bad := range []string{"panic", "goroutine ", ".go:", "!!!!"} {
				if strings.Contains(stderr, bad) {
					t.Errorf("stderr holds %q:\n%s", bad, stderr)
				}
			}
			if strings.Contains(stdout+stderr, corpusMarker) {
				t.Errorf("a secret reached the output:\nstdout:\n%s\nstderr:\n%s", stdout, stderr)
			}
			if d := diffSnapshots(before, snapshot(t, out)); d != "" {
				t.Errorf("the output directory changed: %s", d)
			}
			if d := diffSnapshots(beside, snapshot(t, filepath.Dir(out), out)); d != "" {
				t.Errorf("beside the output directory: %s", d)
			}
			if data, _ := os.ReadFile(outFile); string(data) != "a file" {
				t.Error("the file given as --out changed")
			}
			if left := entries(t, tmp); len(left) > 0 {
				t.Errorf("left in TMPDIR: %v", left)
			}
		})
	}
}

// specialFiles makes the files that are not regular files, for the
// corpus's placeholders.
func specialFiles(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	mkfifo := func(path string) {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := syscall.Mkfifo(path, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	fifo := filepath.Join(dir, "fifo", "values.yaml")
	mkfifo(fifo)
	fifoDir := filepath.Join(dir, "fifoenvs")
	mkfifo(filepath.Join(fifoDir, "qa.yaml"))
	os.WriteFile(filepath.Join(fifoDir, "dev.yaml"), []byte("global:\n  namespace: dev\n"), 0o644)
	devDir := filepath.Join(dir, "devenvs")
	os.MkdirAll(devDir, 0o755)
	os.Symlink("/dev/null", filepath.Join(devDir, "qa.yaml"))
	// A socket's path must be short (about 100 bytes).
	sockDir, err := os.MkdirTemp("", "s")
	if err != nil {
		t.Fatal(err)
	}
	socket := filepath.Join(sockDir, "values.yaml")
	l, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close(); os.RemoveAll(sockDir) })
	return map[string]string{"{fifo}": fifo, "{fifodir}": fifoDir, "{devdir}": devDir, "{socket}": socket}
}

// node is what snapshot records of a file or folder.
type node struct {
	mode  fs.FileMode
	mtime time.Time
	data  string
}

// snapshot records dir, and everything in it but skip, with contents and
// times of modification.
func snapshot(t *testing.T, dir string, skip ...string) map[string]node {
	t.Helper()
	out := map[string]node{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir && os.IsNotExist(err) {
				return nil
			}
			return err
		}
		for _, s := range skip {
			if path == s {
				return filepath.SkipDir
			}
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		n := node{mode: info.Mode(), mtime: info.ModTime()}
		if info.Mode().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			n.data = string(data)
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel] = n
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// diffSnapshots describes the differences of two snapshots; "" if none.
func diffSnapshots(before, after map[string]node) string {
	var d []string
	for name, b := range before {
		a, ok := after[name]
		switch {
		case !ok:
			d = append(d, "removed "+name)
		case a.data != b.data || a.mode != b.mode:
			d = append(d, "changed "+name)
		case !a.mtime.Equal(b.mtime):
			d = append(d, "touched "+name)
		}
	}
	for name := range after {
		if _, ok := before[name]; !ok {
			d = append(d, "new "+name)
		}
	}
	sort.Strings(d)
	return strings.Join(d, ", ")
}

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	return names
}

// A write error is a failure, standard output included.
func TestBinaryWriteErrorsFail(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full:", err)
	}
	defer full.Close()
	out := filepath.Join(t.TempDir(), "dist")
	for _, args := range [][]string{{"schema"}, {"help"}, {"diff", "--out", out}} {
		cmd := command(t, t.TempDir(), nil, args...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = full, &stderr
		code := exitCode(t, cmd.Run())
		if code != 1 || stderr.String() != "error: cannot write to standard output: no space left on device\n" {
			t.Errorf("%v >/dev/full: exit %d: %q", args, code, stderr.String())
		}
	}
}

// A home folder jsii cannot keep its package cache in (a file, or a folder
// others may write into) does not fail the run; a TMPDIR that cannot be
// used gets one clear message.
func TestBinaryWithoutAUsableHomeOrTMPDIR(t *testing.T) {
	file := filepath.Join(t.TempDir(), "home")
	os.WriteFile(file, nil, 0o644)
	open := t.TempDir()
	os.Chmod(open, 0o777)
	for _, home := range []string{file, open} {
		tmp := t.TempDir()
		code, stderr := runBinary(t, t.TempDir(), []string{"HOME=" + home, "TMPDIR=" + tmp}, "synth")
		if code != 0 || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "wrote 80 objects") {
			t.Errorf("HOME=%s: exit %d:\n%s", home, code, stderr)
		}
		if left := entries(t, tmp); len(left) > 0 {
			t.Errorf("HOME=%s: left in TMPDIR: %v", home, left)
		}
	}
	missing := filepath.Join(t.TempDir(), "missing")
	code, stderr := runBinary(t, t.TempDir(), []string{"TMPDIR=" + missing}, "synth")
	if want := "error: cannot create a temporary folder in " + missing + " (set TMPDIR to a writable folder): no such file or directory\nNothing was written.\n"; code != 1 || stderr != want {
		t.Errorf("TMPDIR missing: exit %d:\n%s", code, stderr)
	}
}

// nodeWrapper writes a Node.js for jsii (JSII_NODE) into dir that runs
// body, a shell script's lines, and returns its path.
func nodeWrapper(t *testing.T, dir, body string) string {
	t.Helper()
	wrapper := filepath.Join(dir, "node")
	if err := os.WriteFile(wrapper, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return wrapper
}

// jsii starts beside the composing of the first app, but only once the
// values are valid: a bad input starts no Node.js process. A good one
// does (so the test can tell).
func TestBinaryBadInputStartsNoNodeJS(t *testing.T) {
	dir := t.TempDir()
	ran := filepath.Join(dir, "ran")
	wrapper := nodeWrapper(t, dir, fmt.Sprintf("touch %s\nexec %s \"$@\"\n", kube.ShellQuote(ran), kube.ShellQuote(nodeBin())))
	os.MkdirAll(filepath.Join(dir, "envs"), 0o755)
	os.WriteFile(filepath.Join(dir, "envs", "dev.yaml"), []byte("kafka:\n  replicaCount: -1\n"), 0o644)
	env := []string{"JSII_NODE=" + wrapper}
	for _, args := range [][]string{
		{"synth", "--set", "kafka.replicaCount=-1"},
		{"synth", "--environments", "envs", "--out", "out"},
		{"diff", "--set", "kafka.replicaCount=-1"},
	} {
		if code, stderr := runBinary(t, dir, env, args...); code != 2 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if _, err := os.Stat(ran); err == nil {
			t.Errorf("%v: Node.js was started", args)
			os.Remove(ran)
		}
	}
	if code, stderr := runBinary(t, dir, env, "synth"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(ran); err != nil {
		t.Errorf("a synth did not start Node.js through JSII_NODE: %v", err)
	}
}

// A jsii runtime that cannot start fails the run, with one error and
// nothing written, whether its start went on beside the composing (one
// synth) or was waited for by the first environment: never a stack trace
// nor a hang.
func TestBinaryARuntimeThatCannotStartFailsCleanly(t *testing.T) {
	envs, err := filepath.Abs("environments")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := []string{"JSII_NODE=" + nodeWrapper(t, dir, "exit 3\n")}
	for _, args := range [][]string{
		{"synth", "--out", "out"},
		{"synth", "--environments", envs, "--out", "out"},
	} {
		code, stderr := runBinary(t, dir, env, args...)
		if code != 1 || !strings.Contains(stderr, "cdk8s synthesis failed") || !strings.HasSuffix(stderr, "Nothing was written.\n") {
			t.Errorf("%v: exit %d:\n%s", args, code, stderr)
		}
		if strings.Contains(stderr, "goroutine ") || strings.Contains(stderr, ".go:") {
			t.Errorf("%v: a stack trace:\n%s", args, stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
			t.Errorf("%v: an output was written", args)
		}
	}
}
