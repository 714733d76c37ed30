package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"caracal.dev/caracal-cdk8s/internal/output"
	"caracal.dev/caracal-cdk8s/internal/synth"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"caracal.dev/caracal-cdk8s/internal/testkit/proc"
	"caracal.dev/caracal-cdk8s/internal/values"
	"github.com/aws/jsii-runtime-go"
)

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelpDocumentsEveryFlag(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"-h"}, {"synth", "--help"}, {"help"}} {
		code, stdout, stderr := run(args...)
		text := stdout + stderr
		if code != ExitOK {
			t.Errorf("%v: exit %d", args, code)
		}
		for _, flag := range []string{"-f, --values FILE", "--set KEY=VALUE", "-o, --out DIR", "--jobs N", "CDK8S_OUTDIR", "Exit status"} {
			if !strings.Contains(text, flag) {
				t.Errorf("%v: help lacks %q", args, flag)
			}
		}
	}
}

func TestBadFlagsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"--nope"},
		{"synth", "extra.yaml"},
		{"deploy"},
		{"--set"},
	} {
		code, _, stderr := run(args...)
		if code != ExitInvalid || !strings.HasPrefix(stderr, "error: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
}

func TestSynthWritesTheDefaults(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("CDK8S_OUTDIR", "")
	code, _, stderr := run()
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	got := testkit.Tree(t, "dist")
	if len(got) != 21 || got["kafka.k8s.yaml"] == "" || got["gateway.k8s.yaml"] == "" || got["kustomization.yaml"] == "" || got["flux/stages.k8s.yaml"] == "" {
		t.Errorf("dist/: %v", keys(got))
	}
	if !strings.Contains(stderr, "wrote 80 objects in 21 files to dist: ConfigMap 6, CronJob 1, Deployment 6, HorizontalPodAutoscaler 2, Job 4, Kustomization 5, Namespace 1, NetworkPolicy 16, PersistentVolumeClaim 1, PodDisruptionBudget 6, PriorityClass 1, Service 14, ServiceAccount 14, StatefulSet 3") {
		t.Errorf("summary: %q", stderr)
	}
}

// cdk8s synth runs the app with CDK8S_OUTDIR set.
func TestSynthHonoursCDK8SOutdir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cdk8s.out")
	t.Setenv("CDK8S_OUTDIR", dir)
	if code, _, stderr := run(); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if len(testkit.Tree(t, dir)) != 21 {
		t.Error("nothing written to $CDK8S_OUTDIR")
	}
	// --out wins over the environment.
	other := filepath.Join(t.TempDir(), "x")
	if code, _, _ := run("synth", "--out", other); code != ExitOK || len(testkit.Tree(t, other)) != 21 {
		t.Error("--out must win over CDK8S_OUTDIR")
	}
}

func TestInvalidValuesExit2AndLeaveOutputAlone(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "dist")
	if code, _, stderr := run("synth", "-o", out); code != ExitOK {
		t.Fatal(stderr)
	}
	before := testkit.Tree(t, out)
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("gateway:\n  replicas: 3\n"), 0o644)
	code, _, stderr := run("synth", "-o", out, "-f", bad, "--set", "kafka.replicaCount=0")
	if code != ExitInvalid {
		t.Errorf("exit %d, want 2", code)
	}
	for _, want := range []string{
		"error: " + bad + ":2:3: gateway.replicas: unknown key \"replicas\" (did you mean gateway.replicaCount?)",
		"2 problems in the values; nothing was written.",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if after := testkit.Tree(t, out); !reflect.DeepEqual(before, after) {
		t.Error("output changed after invalid values")
	}
}

func TestUnwritableOutputExit1(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "dist")
	os.WriteFile(file, []byte("not a directory"), 0o644)
	code, _, stderr := run("synth", "--out", file)
	if code != ExitFailure || !strings.Contains(stderr, "not a directory") || !strings.Contains(stderr, "Nothing was written.") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if data, _ := os.ReadFile(file); string(data) != "not a directory" {
		t.Error("file changed")
	}
}

func TestTooManyProblemsAreCut(t *testing.T) {
	var sets []string
	for i := 0; i < 30; i++ {
		sets = append(sets, "--set", "nope=1")
	}
	code, _, stderr := run(append([]string{"synth", "-o", t.TempDir()}, sets...)...)
	if code != ExitInvalid || strings.Count(stderr, "error: ") != maxProblems || !strings.Contains(stderr, "and 10 more") {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestSchemaPrintsJSONSchema(t *testing.T) {
	code, stdout, _ := run("schema")
	var schema map[string]any
	if code != ExitOK || json.Unmarshal([]byte(stdout), &schema) != nil || schema["$schema"] == nil {
		t.Fatalf("exit %d: %.200s", code, stdout)
	}
	if code, _, _ := run("schema", "extra"); code != ExitInvalid {
		t.Error("schema takes no arguments")
	}
}

// diff shows what a values change would do, and writes nothing.
func TestDiffWritesNothing(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dist")
	if code, _, stderr := run("synth", "--out", out); code != ExitOK {
		t.Fatal(stderr)
	}
	before := testkit.Tree(t, out)
	code, stdout, stderr := run("diff", "--out", out, "--set", "gateway.autoscaling.enabled=false,gateway.replicaCount=5", "--set", "kafka.persistence.size=30Gi")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"~ Deployment caracal/caracal-gateway (gateway.k8s.yaml)\n    spec.replicas: + 5\n",
		"- HorizontalPodAutoscaler caracal/caracal-gateway (gateway.k8s.yaml)\n",
		"spec.volumeClaimTemplates[data].spec.resources.requests.storage: 20Gi -> 30Gi",
		"! spec.volumeClaimTemplates cannot change in place",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("diff lacks %q:\n%s", want, stdout)
		}
	}
	if after := testkit.Tree(t, out); !reflect.DeepEqual(before, after) {
		t.Error("diff wrote to the output")
	}
	if code, stdout, _ := run("diff", "--out", out); code != ExitOK || stdout != "no changes\n" {
		t.Errorf("an unchanged synth: exit %d, %q", code, stdout)
	}
	if code, _, _ := run("diff", "--set", "gateway.replicas=3", "--out", out); code != ExitInvalid {
		t.Error("invalid values: exit 2")
	}
}

func TestEnvironmentsInOneRun(t *testing.T) {
	envs := t.TempDir()
	os.WriteFile(filepath.Join(envs, "dev.yaml"), []byte("global:\n  namespace: dev\nkafka:\n  replicaCount: 1\n  config: {defaultReplicationFactor: 1, minInsyncReplicas: 1}\n"), 0o644)
	os.WriteFile(filepath.Join(envs, "prod.yaml"), []byte("global:\n  namespace: prod\n"), 0o644)
	out := filepath.Join(t.TempDir(), "environments")
	code, _, stderr := run("synth", "--environments", envs, "--out", out)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	tree := testkit.Tree(t, out)
	if !strings.Contains(tree["dev/namespace.k8s.yaml"], "name: dev") || !strings.Contains(tree["prod/namespace.k8s.yaml"], "name: prod") {
		t.Errorf("each environment in its folder: %v", keys(tree))
	}
	if !strings.Contains(stderr, "to "+filepath.Join(out, "dev")+":") || !strings.Contains(stderr, "to "+filepath.Join(out, "prod")+":") {
		t.Errorf("a summary per environment:\n%s", stderr)
	}
	// One invalid environment: nothing is written, and the message names
	// its file.
	os.WriteFile(filepath.Join(envs, "qa.yaml"), []byte("gateway:\n  replicas: 2\n"), 0o644)
	code, _, stderr = run("synth", "--environments", envs, "--out", out)
	if code != ExitInvalid || !strings.Contains(stderr, filepath.Join(envs, "qa.yaml")+":2:3: gateway.replicas: unknown key") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if after := testkit.Tree(t, out); !reflect.DeepEqual(tree, after) {
		t.Error("an invalid environment changed the output")
	}
	os.Remove(filepath.Join(envs, "qa.yaml"))
	os.WriteFile(filepath.Join(envs, "Bad_Name.yaml"), []byte(""), 0o644)
	if code, _, stderr := run("synth", "--environments", envs, "--out", out); code != ExitInvalid || !strings.Contains(stderr, "is not a valid environment name") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if code, _, stderr := run("synth", "--environments", t.TempDir(), "--out", out); code != ExitInvalid || !strings.Contains(stderr, "no environments") {
		t.Errorf("an empty folder: exit %d: %s", code, stderr)
	}
}

// Standard input is read once, and layered under every environment.
func TestEnvironmentsShareStandardInput(t *testing.T) {
	envs := t.TempDir()
	os.WriteFile(filepath.Join(envs, "a.yaml"), []byte("global:\n  namespace: a\n"), 0o644)
	os.WriteFile(filepath.Join(envs, "b.yaml"), []byte("global:\n  namespace: b\n"), 0o644)
	stdin, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	stdin.WriteString("monitoring:\n  enabled: true\n  scrapeInterval: 45s\n")
	stdin.Seek(0, 0)
	saved := os.Stdin
	os.Stdin = stdin
	defer func() { os.Stdin = saved }()
	out := filepath.Join(t.TempDir(), "envs")
	if code, _, stderr := run("synth", "--environments", envs, "-f", "-", "--out", out); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	tree := testkit.Tree(t, out)
	for _, env := range []string{"a", "b"} {
		if !strings.Contains(tree[env+"/monitoring.k8s.yaml"], "interval: 45s") {
			t.Errorf("%s: standard input not applied", env)
		}
		// Each environment's Flux stages read its own folder.
		if !strings.Contains(tree[env+"/flux/stages.k8s.yaml"], "path: ./dist/environments/"+env+"/flux/base\n") {
			t.Errorf("%s: Flux path %s", env, tree[env+"/flux/stages.k8s.yaml"])
		}
	}
}

// With no arguments, as cdk8s synth runs it, the app writes the defaults
// and every environment beside them: the cdk8s CLI empties the output
// folder first.
func TestNoArgumentsWritesDefaultsAndEnvironments(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.Mkdir("environments", 0o755)
	os.WriteFile(filepath.Join("environments", "qa.yaml"), []byte("global:\n  namespace: qa\n"), 0o644)
	t.Setenv("CDK8S_OUTDIR", "cdk8s.out")
	if code, _, stderr := run(); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	tree := testkit.Tree(t, "cdk8s.out")
	if tree["gateway.k8s.yaml"] == "" || !strings.Contains(tree["environments/qa/namespace.k8s.yaml"], "name: qa") {
		t.Errorf("defaults and environments: %v", keys(tree))
	}
}

// An --out that is, or holds, a values file or the environments is refused
// before anything is read or written: replacing it would delete them.
func TestOutMustNotHoldTheInputs(t *testing.T) {
	dir := t.TempDir()
	vals := filepath.Join(dir, "vals")
	envs := filepath.Join(dir, "envs")
	os.Mkdir(vals, 0o755)
	os.Mkdir(envs, 0o755)
	os.WriteFile(filepath.Join(vals, "my.yaml"), []byte("global:\n  namespace: mine\n"), 0o644)
	os.WriteFile(filepath.Join(envs, "qa.yaml"), []byte("global:\n  namespace: qa\n"), 0o644)
	before := testkit.Tree(t, dir)
	for _, args := range [][]string{
		{"synth", "-f", filepath.Join(vals, "my.yaml"), "-o", vals},
		{"synth", "-f", filepath.Join(vals, "my.yaml"), "-o", dir},
		{"synth", "--environments", envs, "--out", envs},
		{"synth", "--environments", envs, "--out", dir},
		{"synth", "--environments", envs, "-f", filepath.Join(vals, "my.yaml"), "--out", vals},
	} {
		code, _, stderr := run(args...)
		if code != ExitInvalid || !strings.Contains(stderr, "is or holds the input") || !strings.Contains(stderr, "Nothing was written.") {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if after := testkit.Tree(t, dir); !reflect.DeepEqual(before, after) {
		t.Errorf("the inputs changed: %v", keys(after))
	}
	// A sibling is fine.
	if code, _, stderr := run("synth", "-f", filepath.Join(vals, "my.yaml"), "-o", filepath.Join(dir, "out")); code != ExitOK {
		t.Errorf("exit %d: %s", code, stderr)
	}
}

// With no arguments, an invalid environment fails the run before anything
// is written, the defaults included.
func TestNoArgumentsWritesNothingWhenAnEnvironmentIsInvalid(t *testing.T) {
	t.Chdir(t.TempDir())
	os.Mkdir("environments", 0o755)
	os.WriteFile(filepath.Join("environments", "qa.yaml"), []byte("global:\n  namespace: qa\n"), 0o644)
	t.Setenv("CDK8S_OUTDIR", "cdk8s.out")
	if code, _, stderr := run(); code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	// An older output, so that rewriting the defaults would show.
	stale := filepath.Join("cdk8s.out", "gateway.k8s.yaml")
	os.WriteFile(stale, []byte(output.Marker+" by an older version\n"), 0o644)
	before := testkit.Tree(t, "cdk8s.out")
	os.WriteFile(filepath.Join("environments", "staging.yaml"), []byte("gateway:\n  replicas: 2\n"), 0o644)
	code, _, stderr := run()
	if code != ExitInvalid || !strings.Contains(stderr, "gateway.replicas: unknown key") || !strings.Contains(stderr, "nothing was written") {
		t.Errorf("exit %d: %s", code, stderr)
	}
	if after := testkit.Tree(t, "cdk8s.out"); !reflect.DeepEqual(before, after) {
		t.Error("an invalid environment changed the output")
	}
}

// A problem of the shared -f files or --set is reported once, not once
// per environment; an environment's own problem still names its file.
func TestEnvironmentsReportSharedProblemsOnce(t *testing.T) {
	dir := t.TempDir()
	envs := filepath.Join(dir, "envs")
	os.Mkdir(envs, 0o755)
	for _, env := range []string{"a", "b", "c"} {
		os.WriteFile(filepath.Join(envs, env+".yaml"), []byte("global:\n  namespace: "+env+"\n"), 0o644)
	}
	os.WriteFile(filepath.Join(envs, "c.yaml"), []byte("redis:\n  replicas: 2\n"), 0o644)
	shared := filepath.Join(dir, "shared.yaml")
	os.WriteFile(shared, []byte("gateway:\n  replicas: 3\n"), 0o644)
	code, _, stderr := run("synth", "--environments", envs, "-f", shared, "--set", "kafka.replicaCount=0", "--out", filepath.Join(dir, "out"))
	if code != ExitInvalid {
		t.Errorf("exit %d, want 2", code)
	}
	for want, n := range map[string]int{
		shared + ":2:3: gateway.replicas: unknown key":                  1,
		"--set kafka.replicaCount=0":                                    1,
		filepath.Join(envs, "c.yaml") + ":2:3: redis.replicas: unknown": 1,
		"3 problems in the values; nothing was written.":                1,
	} {
		if got := strings.Count(stderr, want); got != n {
			t.Errorf("%q %d times, want %d:\n%s", want, got, n, stderr)
		}
	}
}

// A Ctrl-C reaches the Node.js runtime too (it is in the program's process
// group) and may kill it before the program sees the signal; the failed
// jsii call must then read as a runtime that is gone, so that the run
// waits for its signal instead of reporting a failed synth. Here the
// runtime is killed for real, between two synths, and the second one's
// error is what jsii says.
func TestRuntimeGoneRecognizesAKilledRuntime(t *testing.T) {
	if !proc.Supported() {
		t.Skip("needs /proc/PID/task/TID/children to find the runtime")
	}
	if os.Getenv("JSII_RUNTIME") != "" {
		t.Skip("JSII_RUNTIME runs a runtime of its own")
	}
	defer jsii.Close() // the next jsii call starts a new runtime
	if _, err := synth.Synthesize(values.Defaults()); err != nil {
		t.Fatal(err)
	}
	// jsii starts its runtime as NODE .../jsii-runtime.XXX/.../jsii-runtime.js,
	// whatever the Node.js binary is called.
	var runtime []int
	for _, pid := range proc.Children(os.Getpid()) {
		if cmd, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); strings.Contains(string(cmd), "jsii-runtime") {
			runtime = append(runtime, pid)
		}
	}
	if len(runtime) != 1 {
		t.Fatalf("want the one jsii runtime among this process's children, found %v", runtime)
	}
	syscall.Kill(runtime[0], syscall.SIGKILL)
	// jsii reaps it; until then it is a zombie, still a child.
	for deadline := time.Now().Add(time.Minute); slices.Contains(proc.Children(os.Getpid()), runtime[0]); {
		if time.Now().After(deadline) {
			t.Fatal("the killed runtime was not reaped")
		}
		time.Sleep(10 * time.Millisecond)
	}
	_, err := synth.Synthesize(values.Defaults())
	if err == nil {
		t.Fatal("a synth on a killed runtime succeeded")
	}
	if !runtimeGone(err) {
		t.Errorf("runtimeGone(%q) = false, want true", err)
	}
	// The other ways the runtime's end shows, wrapped as synth wraps what
	// jsii panics with: a write to its closed or broken pipe, an answer
	// cut short.
	for _, gone := range []error{
		&fs.PathError{Op: "write", Path: "|1", Err: os.ErrClosed},
		&fs.PathError{Op: "write", Path: "|1", Err: syscall.EPIPE},
		io.ErrUnexpectedEOF,
	} {
		if err := fmt.Errorf("cdk8s synthesis failed: %w", gone); !runtimeGone(err) {
			t.Errorf("runtimeGone(%q) = false, want true", err)
		}
	}
	for _, other := range []error{
		errors.New("cdk8s synthesis failed: Error: Duplicate construct name"),
		errors.New("dist/gateway.k8s.yaml: permission denied"),
	} {
		if runtimeGone(other) {
			t.Errorf("runtimeGone(%q) = true, want false", other)
		}
	}
}
