package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/internal/synth"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"caracal.dev/caracal-cdk8s/internal/values"
)

// failEnv makes the synthesis workers of the tests (see TestMain) fail on
// the environment in the namespace it names, with an error; after
// "crash:", with a panic, whose stack trace holds a secret. After
// "print:", the worker prints to its standard output, as JavaScript's
// console would, and goes on.
const failEnv = "CARACAL_CDK8S_TEST_FAIL"

const crashSecret = "hunter2-in-the-stack-trace"

// resolveAsIs is resolveComposed as the program has it.
var resolveAsIs = resolveComposed

func failIn(spec string) func(*values.Values, *synth.Composed) (*synth.Resolved, error) {
	how, ns, ok := strings.Cut(spec, ":")
	if !ok {
		how, ns = "fail", spec
	}
	return func(v *values.Values, c *synth.Composed) (*synth.Resolved, error) {
		if v.Global.Namespace != ns {
			return c.Resolve()
		}
		switch how {
		case "crash":
			panic("test crash: " + crashSecret)
		case "print":
			fmt.Println("console.log from the JavaScript side")
			return c.Resolve()
		}
		return nil, errors.New("cdk8s synthesis failed: test failure")
	}
}

// testEnvironments copies the committed environments and adds qa, a copy
// of staging in a namespace of its own: four environments of three
// shapes.
func testEnvironments(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"dev", "production", "staging"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "environments", name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name+".yaml"), data, 0o644)
		if name == "staging" {
			qa := strings.Replace(string(data), "namespace: caracal-staging", "namespace: caracal-qa", 1)
			os.WriteFile(filepath.Join(dir, "qa.yaml"), []byte(qa), 0o644)
		}
	}
	return dir
}

// withStdin runs f with standard input reading data.
func withStdin(t *testing.T, data string, f func()) {
	t.Helper()
	stdin, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	defer stdin.Close()
	stdin.WriteString(data)
	stdin.Seek(0, 0)
	saved := os.Stdin
	os.Stdin = stdin
	defer func() { os.Stdin = saved }()
	f()
}

// Whatever the number of workers, more than there are environments too,
// the output and the summaries are those of a serial run, byte for byte:
// standard input and --set reach every worker, and the order is kept.
// What else a worker prints on its standard output does not get in the
// way.
func TestJobsGiveTheSameOutput(t *testing.T) {
	t.Setenv(failEnv, "print:caracal-qa")
	envs := testEnvironments(t)
	out := filepath.Join(t.TempDir(), "envs")
	var serialTree map[string]string
	var serialStderr string
	for _, jobs := range []string{"1", "2", "3", "8"} {
		var code int
		var stderr string
		withStdin(t, "monitoring:\n  scrapeInterval: 45s\n", func() {
			code, _, stderr = run("synth", "--environments", envs, "-f", "-", "--set", "gateway.service.annotations.team=caracal", "--out", out, "--jobs", jobs)
		})
		if code != ExitOK {
			t.Fatalf("--jobs %s: exit %d: %s", jobs, code, stderr)
		}
		tree := testkit.Tree(t, out)
		if jobs == "1" {
			serialTree, serialStderr = tree, stderr
			if tree["production/kustomization.yaml"] == "" || !strings.Contains(tree["qa/namespace.k8s.yaml"], "name: caracal-qa") || !strings.Contains(tree["dev/gateway.k8s.yaml"], "team: caracal") {
				t.Fatalf("the serial run: %d files", len(tree))
			}
			if strings.Count(stderr, "wrote ") != 4 {
				t.Fatalf("the serial run's summaries:\n%s", stderr)
			}
			continue
		}
		if !reflect.DeepEqual(tree, serialTree) {
			for name, data := range serialTree {
				if tree[name] != data {
					t.Errorf("--jobs %s: %s differs from the serial run's", jobs, name)
				}
			}
			if len(tree) != len(serialTree) {
				t.Errorf("--jobs %s: %d files, the serial run %d", jobs, len(tree), len(serialTree))
			}
		}
		if stderr != serialStderr {
			t.Errorf("--jobs %s: stderr\n%s\nthe serial run's:\n%s", jobs, stderr, serialStderr)
		}
	}
}

// A synthesis that fails in a worker fails the run as it fails a serial
// one: one message, exit 1, nothing written. So does a worker that
// crashes, without its stack trace or what it holds.
func TestAFailingWorkerWritesNothing(t *testing.T) {
	envs := testEnvironments(t)
	out := filepath.Join(t.TempDir(), "envs")
	// A file of the user's beside the output: the write's temporary
	// folder goes beside the output, not higher up (see output.Write).
	os.WriteFile(filepath.Join(filepath.Dir(out), "user.txt"), nil, 0o644)
	if code, _, stderr := run("synth", "--environments", envs, "--out", out, "--jobs", "2"); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	before := testkit.Tree(t, out)

	// The serial run writes each environment into the write's temporary
	// folder as it comes (dev and production, before qa fails): that
	// folder goes too.
	const want = "error: environment qa: cdk8s synthesis failed: test failure\nNothing was written.\n"
	resolveComposed = failIn("caracal-qa")
	code, _, stderr := run("synth", "--environments", envs, "--out", out, "--jobs", "1")
	resolveComposed = resolveAsIs
	if code != ExitFailure || stderr != want {
		t.Fatalf("the serial run: exit %d:\n%s", code, stderr)
	}
	if after := testkit.Tree(t, out); !reflect.DeepEqual(before, after) {
		t.Error("the serial run: the output changed")
	}
	if left, _ := os.ReadDir(filepath.Dir(out)); len(left) != 2 {
		t.Errorf("the serial run left %d entries beside the output", len(left)-2)
	}

	for _, tc := range []struct{ spec, want string }{
		{"caracal-qa", want},
		{"crash:caracal-qa", "error: environment qa: synthesis failed: its worker process exited with status 2\nNothing was written.\n"},
		// The second of its worker's share (dev, production with
		// --jobs 2), begun while the first renders.
		{"crash:caracal-prod", "error: environment production: synthesis failed: its worker process exited with status 2\nNothing was written.\n"},
		{"caracal-dev", "error: environment dev: cdk8s synthesis failed: test failure\nNothing was written.\n"},
	} {
		t.Setenv(failEnv, tc.spec)
		for _, jobs := range []string{"2", "3"} {
			code, _, stderr := run("synth", "--environments", envs, "--out", out, "--jobs", jobs)
			if code != ExitFailure || stderr != tc.want {
				t.Errorf("%s, --jobs %s: exit %d:\n%s\nwant:\n%s", tc.spec, jobs, code, stderr, tc.want)
			}
			if after := testkit.Tree(t, out); !reflect.DeepEqual(before, after) {
				t.Errorf("%s, --jobs %s: the output changed", tc.spec, jobs)
			}
		}
	}
}

// --jobs takes a whole number, 1 or more, as a flag error does.
func TestJobsMustBePositive(t *testing.T) {
	envs := testEnvironments(t)
	out := filepath.Join(t.TempDir(), "envs")
	for _, args := range [][]string{{"--jobs", "0"}, {"--jobs", "-1"}, {"--jobs", "abc"}, {"--jobs=1.5"}, {"--jobs="}, {"--jobs"}} {
		code, _, stderr := run(append([]string{"synth", "--environments", envs, "--out", out}, args...)...)
		if code != ExitInvalid || !strings.HasPrefix(stderr, "error: ") || !strings.Contains(stderr, "-jobs") || !strings.HasSuffix(stderr, "\n\nRun caracal-cdk8s --help for the flags.\n") {
			t.Errorf("%v: exit %d:\n%s", args, code, stderr)
		}
	}
	if _, err := os.Lstat(out); err == nil {
		t.Error("an output was written")
	}
}

// With no arguments, the defaults and the environments, synthesized
// together by the workers, are what synth writes of each.
func TestNoArgumentsWritesWhatSynthWrites(t *testing.T) {
	envs := testEnvironments(t)
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.Rename(envs, "environments"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CDK8S_OUTDIR", "")
	if code, _, stderr := run("synth", "--out", "serial"); code != ExitOK {
		t.Fatal(stderr)
	}
	if code, _, stderr := run("synth", "--environments", "environments", "--out", filepath.Join("serial", "environments"), "--jobs", "1"); code != ExitOK {
		t.Fatal(stderr)
	}
	t.Setenv("CDK8S_OUTDIR", "app")
	if code, _, stderr := run(); code != ExitOK {
		t.Fatal(stderr)
	}
	if app, serial := testkit.Tree(t, "app"), testkit.Tree(t, "serial"); !reflect.DeepEqual(app, serial) {
		t.Errorf("with no arguments: %d files, synth: %d", len(app), len(serial))
	}
}

// inOrder emits each output's files in order, each as a synthesis of its
// own gives them, and says when it begins each; after the first error, or
// an emit that says stop, it emits nothing more and begins nothing more: a
// failure to load the second output leaves the third alone. An output
// that fails to render (it renders beside the next one's jsii part) is
// the last emitted, whatever was begun beside it.
func TestInOrderStopsAtTheFirstError(t *testing.T) {
	dev := values.Defaults()
	qa := values.Defaults()
	qa.Global.Namespace = "caracal-qa"
	unrenderable := values.Defaults()
	unrenderable.Global.Namespace = "caracal-unrenderable"
	want := map[*values.Values][]synth.File{}
	for _, v := range []*values.Values{dev, qa} {
		files, err := synth.Synthesize(v)
		if err != nil {
			t.Fatal(err)
		}
		want[v] = files
	}
	var resolved []string
	resolveComposed = func(v *values.Values, c *synth.Composed) (*synth.Resolved, error) {
		resolved = append(resolved, v.Global.Namespace)
		if v == unrenderable {
			return &synth.Resolved{}, nil // no manifests to decode: Render fails
		}
		return c.Resolve()
	}
	defer func() { resolveComposed = resolveAsIs }()
	broken := errors.New("broken values")
	for _, tc := range []struct {
		name     string
		load     []*values.Values // nil: a load that fails
		stopAt   int              // emit says stop for this output (-1: never)
		emits    int              // outputs emitted, the last with the error if any failed
		resolves int              // outputs at most resolved (begun)
	}{
		{"all", []*values.Values{dev, qa, dev}, -1, 3, 3},
		{"second fails", []*values.Values{dev, nil, qa}, -1, 2, 1},
		{"first fails", []*values.Values{nil, dev}, -1, 1, 0},
		{"second fails to render", []*values.Values{dev, unrenderable, qa, dev}, -1, 2, 3},
		{"emit stops at the first", []*values.Values{dev, qa, dev}, 0, 1, 2},
	} {
		resolved = nil
		var got, begun []int
		inOrder(len(tc.load), func(i int) (*values.Values, error) {
			if tc.load[i] == nil {
				return nil, broken
			}
			return tc.load[i], nil
		}, func(i int) { begun = append(begun, i) }, func(i int, files []synth.File, err error) bool {
			got = append(got, i)
			switch {
			case tc.load[i] == nil:
				if err != broken || files != nil {
					t.Errorf("%s: output %d: %v, %d files, want the load's error", tc.name, i, err, len(files))
				}
			case tc.load[i] == unrenderable:
				if err == nil {
					t.Errorf("%s: output %d rendered", tc.name, i)
				}
			case err != nil:
				t.Errorf("%s: output %d: %v", tc.name, i, err)
			case !reflect.DeepEqual(files, want[tc.load[i]]):
				t.Errorf("%s: output %d is not what a synthesis of its own gives", tc.name, i)
			}
			return i != tc.stopAt
		})
		if want := []int{0, 1, 2}[:tc.emits]; !reflect.DeepEqual(got, want) {
			t.Errorf("%s: emitted %v, want %v", tc.name, got, want)
		}
		if len(resolved) > tc.resolves || len(resolved) < min(tc.emits, tc.resolves) {
			t.Errorf("%s: resolved %v, want at most %d (and those emitted)", tc.name, resolved, tc.resolves)
		}
		for i, v := range resolved {
			if v != tc.load[i].Global.Namespace {
				t.Errorf("%s: resolved %v, out of order", tc.name, resolved)
			}
		}
		// Told before each jsii call, and only then.
		if len(begun) != len(resolved) || !slices.Equal(begun, []int{0, 1, 2, 3}[:len(begun)]) {
			t.Errorf("%s: begun %v for %d resolved", tc.name, begun, len(resolved))
		}
	}
}

// The write of the environments begins with the first one synthesized:
// when it fails, its error is the message, not one of the output
// directory's (here, a folder holding the user's own YAML, which a write
// refuses to replace); once one is, the output directory's comes first.
func TestTheFirstEnvironmentsFailureComesBeforeTheWrites(t *testing.T) {
	envs := testEnvironments(t)
	out := filepath.Join(t.TempDir(), "envs")
	os.MkdirAll(out, 0o755)
	os.WriteFile(filepath.Join(out, "mine.yaml"), []byte("kind: Mine\n"), 0o644)
	resolveComposed = failIn("caracal-dev") // dev is the first
	code, _, stderr := run("synth", "--environments", envs, "--out", out, "--jobs", "1")
	resolveComposed = resolveAsIs
	if want := "error: environment dev: cdk8s synthesis failed: test failure\nNothing was written.\n"; code != ExitFailure || stderr != want {
		t.Errorf("exit %d:\n%s\nwant:\n%s", code, stderr, want)
	}
	code, _, stderr = run("synth", "--environments", envs, "--out", out, "--jobs", "1")
	if code == ExitOK || !strings.Contains(stderr, "mine.yaml") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
	if data, err := os.ReadFile(filepath.Join(out, "mine.yaml")); err != nil || string(data) != "kind: Mine\n" {
		t.Errorf("the user's file: %q, %v", data, err)
	}
}
