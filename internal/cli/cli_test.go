package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/internal/testkit"
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
		for _, flag := range []string{"-f, --values FILE", "--set KEY=VALUE", "-o, --out DIR", "CDK8S_OUTDIR", "Exit status"} {
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
	if len(got) != 11 || got["kafka.k8s.yaml"] == "" || got["gateway.k8s.yaml"] == "" || got["kustomization.yaml"] == "" {
		t.Errorf("dist/: %v", keys(got))
	}
	if !strings.Contains(stderr, "wrote 77 objects in 11 files to dist: ConfigMap 7, CronJob 1, Deployment 6, HorizontalPodAutoscaler 2, Job 2, Namespace 1, NetworkPolicy 15, PersistentVolumeClaim 1, PodDisruptionBudget 6, PrometheusRule 1, Service 14, ServiceAccount 12, ServiceMonitor 6, StatefulSet 3") {
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
	if len(testkit.Tree(t, dir)) != 11 {
		t.Error("nothing written to $CDK8S_OUTDIR")
	}
	// --out wins over the environment.
	other := filepath.Join(t.TempDir(), "x")
	if code, _, _ := run("synth", "--out", other); code != ExitOK || len(testkit.Tree(t, other)) != 11 {
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
