package cli

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"caracal.dev/caracal-cdk8s/internal/jsiienv"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/jsii-runtime-go"
)

// TestMain stops the jsii runtime and removes this process's temporary
// folder, as the program does. The test binary is also the synthesis
// worker of the runs the tests make (os.Executable), as the program is.
func TestMain(m *testing.M) {
	jsiienv.AtExit(jsii.Close)
	jsiienv.MainStarted()
	if len(os.Args) > 1 && os.Args[1] == workerCommand {
		if spec := os.Getenv(failEnv); spec != "" {
			resolveComposed = failIn(spec)
		}
		jsiienv.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	jsiienv.Exit(m.Run())
}

// Values files that are not regular files are refused, naming the file:
// a named pipe would block for ever, a device never end. Standard input
// stays allowed.
func TestSpecialFilesAreRefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "values.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock.yaml")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	envs := filepath.Join(dir, "envs")
	os.Mkdir(envs, 0o755)
	os.WriteFile(filepath.Join(envs, "dev.yaml"), []byte("global:\n  namespace: dev\n"), 0o644)
	os.Symlink(fifo, filepath.Join(envs, "qa.yaml"))
	out := filepath.Join(dir, "out")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"synth", "-f", fifo, "--out", out}, fifo + ": cannot read the values file: it is a named pipe (FIFO), not a regular file; to read from a pipe, give it as standard input with -f -"},
		{[]string{"diff", "-f", fifo, "--out", out}, fifo + ": cannot read the values file: it is a named pipe (FIFO)"},
		{[]string{"synth", "-f", "/dev/zero", "--out", out}, "/dev/zero: cannot read the values file: it is a device, not a regular file"},
		{[]string{"synth", "-f", sock, "--out", out}, sock + ": cannot read the values file: it is a socket, not a regular file"},
		{[]string{"synth", "--environments", envs, "--out", out}, filepath.Join(envs, "qa.yaml") + ": cannot read the values file: it is a named pipe (FIFO), not a regular file\n"},
		{[]string{"synth", "--environments", fifo, "--out", out}, fifo + ": cannot read the environments folder: it is not a folder"},
	} {
		code, _, stderr := run(tc.args...)
		if code != ExitInvalid || !strings.Contains(stderr, "error: "+tc.want) || !strings.Contains(stderr, "nothing was written") {
			t.Errorf("%v: exit %d:\n%s", tc.args, code, stderr)
		}
	}
	if _, err := os.Lstat(out); err == nil {
		t.Error("an output was written")
	}
}

// The output directory is replaced as a whole: from inside it, that would
// copy it into itself and leave the shell in a deleted folder.
func TestOutFromInsideIsRefused(t *testing.T) {
	dist := filepath.Join(t.TempDir(), "dist")
	if code, _, stderr := run("synth", "--out", dist); code != ExitOK {
		t.Fatal(stderr)
	}
	before := testkit.Tree(t, dist)
	for _, tc := range []struct {
		wd   string
		args []string
		env  string
	}{
		{dist, []string{"synth", "--out", "."}, ""},
		{filepath.Join(dist, "flux"), []string{"synth", "--out", ".."}, ""},
		{filepath.Join(dist, "flux"), []string{"synth", "--environments", "../../envs", "--out", dist}, ""},
		{dist, nil, "."},
	} {
		t.Chdir(tc.wd)
		t.Setenv("CDK8S_OUTDIR", tc.env)
		code, _, stderr := run(tc.args...)
		if code != ExitInvalid || !strings.Contains(stderr, "is, or holds, the current directory, and is replaced as a whole; run caracal-cdk8s from outside it\nNothing was written.\n") {
			t.Errorf("%v from %s: exit %d:\n%s", tc.args, tc.wd, code, stderr)
		}
	}
	if after := testkit.Tree(t, dist); !reflect.DeepEqual(before, after) {
		t.Error("the output changed")
	}
}

// failing is a stdout or stderr that cannot be written, as /dev/full.
type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// A write error is a failure, also on standard output, and on standard
// error when everything else went well.
func TestWriteErrorsFail(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dist")
	for _, args := range [][]string{{"schema"}, {"help"}, {"diff", "--out", out}} {
		var stderr strings.Builder
		if code := Main(args, failing{}, &stderr); code != ExitFailure || stderr.String() != "error: cannot write to standard output: no space left on device\n" {
			t.Errorf("%v: exit %d: %q", args, code, stderr.String())
		}
	}
	var stdout strings.Builder
	if code := Main([]string{"synth", "--out", out}, &stdout, failing{}); code != ExitFailure {
		t.Errorf("synth with a failing stderr: exit %d", code)
	}
	// An error stays an error, with its own code.
	if code := Main([]string{"synth", "--bogus"}, &stdout, failing{}); code != ExitInvalid {
		t.Errorf("bad flag with a failing stderr: exit %d", code)
	}
}
