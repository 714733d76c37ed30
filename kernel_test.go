package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/internal/testkit"
)

// kernelRuntime is the JSII_RUNTIME by which the Makefile starts jsii's
// kernel without its relay (see internal/tools/node/kernel-stdio.cjs),
// with the scripts preload loaded after the kernel's own preload.
func kernelRuntime(t *testing.T, preload ...string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/jsii-runtime-go").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	kernel := filepath.Join(strings.TrimSpace(string(out)), "internal", "embedded", "resources", "lib", "program.js")
	if _, err := os.Stat(kernel); err != nil {
		t.Fatalf("jsii's kernel: %v (go mod download)", err)
	}
	stdio, err := filepath.Abs("internal/tools/node/kernel-stdio.cjs")
	if err != nil {
		t.Fatal(err)
	}
	cmd := "exec " + kube.ShellQuote(nodeBin()) + " --require " + kube.ShellQuote(stdio)
	for _, p := range preload {
		cmd += " --require " + kube.ShellQuote(p)
	}
	return cmd + " --preserve-symlinks " + kube.ShellQuote(kernel)
}

// The kernel started directly gives the output its relay gives, and what
// the kernel's code prints (a megabyte of it, more than a pipe holds)
// reaches the program's standard output and error whole, as it does
// through the relay, without breaking the protocol on its standard output.
func TestBinaryOnTheKernelDirectly(t *testing.T) {
	dir := t.TempDir()
	chatty := filepath.Join(dir, "chatty.cjs")
	if err := os.WriteFile(chatty, []byte("console.log('the kernel says hello');\nprocess.stdout.write('x'.repeat(1 << 20) + '\\n');\nprocess.stderr.write('and goodbye, without a newline');\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	values, err := filepath.Abs("testdata/scenarios/production.yaml")
	if err != nil {
		t.Fatal(err)
	}
	env := []string{"JSII_RUNTIME=" + kernelRuntime(t, chatty)}
	code, stdout, stderr := runBinaryOut(t, dir, env, "synth", "-f", values, "--out", "direct")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if want := "the kernel says hello\n" + strings.Repeat("x", 1<<20) + "\n"; stdout != want {
		t.Errorf("stdout: %d bytes, want the %d the kernel printed", len(stdout), len(want))
	}
	if !strings.HasPrefix(stderr, "and goodbye, without a newline") || strings.Count(stderr, "wrote ") != 1 {
		t.Errorf("stderr:\n%s", stderr)
	}
	if code, stderr := runBinary(t, dir, nil, "synth", "-f", values, "--out", "relay"); code != 0 {
		t.Fatalf("through the relay: exit %d:\n%s", code, stderr)
	}
	direct, relay := testkit.Tree(t, filepath.Join(dir, "direct")), testkit.Tree(t, filepath.Join(dir, "relay"))
	if len(direct) == 0 || !reflect.DeepEqual(direct, relay) {
		t.Errorf("the direct kernel wrote %d files, the relay %d, or they differ", len(direct), len(relay))
	}
}

// A Ctrl-C reaches the kernel itself now, not a relay that passes it on:
// the run still ends with one line, the output as it was and nothing left
// behind.
func TestSignalOnTheKernelDirectly(t *testing.T) {
	w := newWorkspace(t, "signal-test")
	before := testkit.Tree(t, filepath.Join(w.dir, "dist"))
	r := w.startEnv(t, []string{"JSII_RUNTIME=" + kernelRuntime(t)}, "locked", "synth", "--environments", "envs", "--out", "dist/environments")
	r.await(t, "test pause at locked\n")
	syscall.Kill(-r.cmd.Process.Pid, syscall.SIGINT)
	if code, killed := r.wait(t); code != 130 {
		t.Errorf("exit %d (signal %v), want 130", code, killed)
	}
	if want := "test pause at locked\ncaracal-cdk8s: interrupted by SIGINT; nothing was written.\n"; r.stderr.String() != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.stderr.String(), want)
	}
	if after := testkit.Tree(t, filepath.Join(w.dir, "dist")); !reflect.DeepEqual(before, after) {
		t.Error("the output changed")
	}
	w.checkClean(t)
}
