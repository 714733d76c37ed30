package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"caracal.dev/caracal-cdk8s/internal/testkit"
)

var (
	buildOnce sync.Once
	binDir    string
	binPath   string
	buildErr  error
)

// TestMain removes the binary built for the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
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
	cmd := exec.Command(binary(t), args...)
	cmd.Dir = dir
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "JSII_") && !strings.HasPrefix(e, "CDK8S_") {
			cmd.Env = append(cmd.Env, e)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stderr.String()
}

func TestBinaryKeepsJSIIBannerAway(t *testing.T) {
	code, stderr := runBinary(t, t.TempDir(), nil, "synth")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "end-of-life") || strings.Contains(stderr, "!!!!") {
		t.Errorf("the jsii banner reached the user:\n%s", stderr)
	}
	if lines := strings.Count(stderr, "\n"); lines != 1 {
		t.Errorf("a successful synth prints one summary line, got:\n%s", stderr)
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
// says how to run it and what must come out.
type corpusCase struct {
	file, want, out string
	args            []string
	exit            int
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
			case "out":
				c.out = val
			}
		}
		if c.want == "" {
			t.Fatalf("%s: no '# want:' line", f)
		}
		cases = append(cases, c)
	}
	return cases
}

// Every invalid input gets its message, exit status 2 (1 for a failure
// that is not the values'), no stack trace, and leaves the output exactly
// as it was, including when the failure comes after synthesis.
func TestBadInputCorpus(t *testing.T) {
	cases := readCorpus(t)
	if len(cases) < 25 {
		t.Fatalf("%d cases in testdata/invalid, want at least 25", len(cases))
	}
	committed := testkit.Tree(t, "dist")
	for _, c := range cases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "dist")
			for name, data := range committed {
				os.MkdirAll(out, 0o755)
				os.WriteFile(filepath.Join(out, name), []byte(data), 0o644)
			}
			if c.out == "foreign" {
				os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644)
			}
			outFile := filepath.Join(t.TempDir(), "dist-file")
			os.WriteFile(outFile, []byte("a file"), 0o644)
			var args []string
			hasOut := false
			for _, a := range c.args {
				if a == "{outfile}" {
					a, hasOut = outFile, true
				}
				args = append(args, a)
			}
			if !hasOut {
				args = append(args, "--out", out)
			}
			before := testkit.Tree(t, out)
			wd, _ := os.Getwd()
			code, stderr := runBinary(t, wd, nil, args...)
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
			if after := testkit.Tree(t, out); !reflect.DeepEqual(before, after) {
				t.Error("the output directory changed")
			}
			if data, _ := os.ReadFile(outFile); string(data) != "a file" {
				t.Error("the file given as --out changed")
			}
		})
	}
}
