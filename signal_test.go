package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"caracal.dev/caracal-cdk8s/internal/output"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"caracal.dev/caracal-cdk8s/internal/testkit/proc"
	"golang.org/x/sys/unix"
)

// workspace is a folder as a user's project holds it: a file of the
// user's, the committed dist/ (with dist/environments), and envs/ with
// one environment, dev, in the namespace ns; and TMPDIR for the runs.
type workspace struct {
	dir, tmp string
}

func newWorkspace(t *testing.T, ns string) workspace {
	t.Helper()
	w := workspace{dir: t.TempDir(), tmp: t.TempDir()}
	for name, data := range testkit.Tree(t, "dist") {
		w.put(t, filepath.Join("dist", name), data)
	}
	w.put(t, "README", "the user's\n")
	w.env(t, ns)
	return w
}

func (w workspace) put(t *testing.T, name, data string) {
	t.Helper()
	path := filepath.Join(w.dir, name)
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// env sets the namespace of the environment dev.
func (w workspace) env(t *testing.T, ns string) {
	w.put(t, "envs/dev.yaml", fmt.Sprintf("global:\n  namespace: %s\n", ns))
}

// checkClean fails if a temporary folder is left beside dist/ or anywhere
// inside it, or anything in TMPDIR.
func (w workspace) checkClean(t *testing.T) {
	t.Helper()
	if got := entries(t, w.dir); !reflect.DeepEqual(got, []string{"README", "dist", "envs"}) {
		t.Errorf("beside dist/: %v", got)
	}
	if hidden := w.hidden(t); len(hidden) > 0 {
		t.Errorf("inside dist/: %v", hidden)
	}
	if left := entries(t, w.tmp); len(left) > 0 {
		t.Errorf("left in TMPDIR: %v", left)
	}
}

// hidden lists the hidden entries inside dist/: no output has one.
func (w workspace) hidden(t *testing.T) []string {
	var found []string
	filepath.WalkDir(filepath.Join(w.dir, "dist"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), ".") {
			found = append(found, path)
		}
		return nil
	})
	return found
}

// namespace reads the namespace of an output folder below dist/.
func (w workspace) namespace(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(w.dir, "dist", dir, "namespace.k8s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	objs, err := testkit.Parse(data)
	if err != nil || len(objs) == 0 {
		t.Fatalf("%s: %v", dir, err)
	}
	return objs[0].Name()
}

// lockedBuffer collects what a process writes, for a test to read while
// it runs.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// run is a run of the program in the background.
type run struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr lockedBuffer
	done   chan struct{}
	err    error
}

// start starts the program in w, in its own process group (as a shell
// starts a command, so that a SIGINT to the group reaches the Node.js
// process too, as Ctrl-C does), with the writer stopping at the step
// pause (see output.PauseEnv) if not empty.
func (w workspace) start(t *testing.T, pause string, args ...string) *run {
	t.Helper()
	return w.startEnv(t, nil, pause, args...)
}

// startEnv is start, with env added to the program's environment.
func (w workspace) startEnv(t *testing.T, env []string, pause string, args ...string) *run {
	t.Helper()
	env = append([]string{"TMPDIR=" + w.tmp}, env...)
	if pause != "" {
		env = append(env, output.PauseEnv+"="+pause)
	}
	r := &run{cmd: command(t, w.dir, env, args...), done: make(chan struct{})}
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	r.cmd.Stderr = &r.stderr
	stdin, err := r.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	r.stdin = stdin
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.err = r.cmd.Wait(); close(r.done) }()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			r.cmd.Process.Kill()
			<-r.done
		}
	})
	return r
}

// await waits until the run has written s to stderr. A run that ends
// first fails the test; so does one that takes minutes, rather than
// hanging the tests.
func (r *run) await(t *testing.T, s string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(r.stderr.String(), s) {
		select {
		case <-r.done:
			t.Fatalf("the run ended without printing %q:\n%s", s, r.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q after 2 minutes:\n%s", s, r.stderr.String())
		}
	}
}

// resume lets a paused run go on.
func (r *run) resume(t *testing.T) {
	t.Helper()
	if _, err := r.stdin.Write([]byte("\n")); err != nil {
		t.Fatal(err)
	}
}

// wait waits for the run to end and returns its exit status, or the
// signal that killed it.
func (r *run) wait(t *testing.T) (code int, sig syscall.Signal) {
	t.Helper()
	<-r.done
	if ws, ok := r.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return -1, ws.Signal()
	}
	return exitCode(t, r.err), 0
}

// A run stopped by SIGINT (to its process group, as Ctrl-C) or SIGTERM,
// at any step of the write, exits with 130 or 143 and one line saying so
// and whether the output was written, leaves the output as it was (or
// wholly new, once swapped in), and removes its temporary folders and
// jsii's. A run killed by SIGKILL cannot clean up, but leaves nothing
// inside dist/, and the next run removes what it left. After either, the
// next run succeeds.
func TestSignalsDuringTheWrite(t *testing.T) {
	for _, step := range []string{"locked", "writing", "written", "swapped"} {
		for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
			t.Run(step+"/"+unix.SignalName(sig), func(t *testing.T) {
				w := newWorkspace(t, "signal-test")
				before := testkit.Tree(t, filepath.Join(w.dir, "dist"))
				args := []string{"synth", "--environments", "envs", "--out", "dist/environments"}
				r := w.start(t, step, args...)
				r.await(t, "test pause at "+step+"\n")
				if sig == syscall.SIGINT {
					syscall.Kill(-r.cmd.Process.Pid, sig)
				} else {
					r.cmd.Process.Signal(sig)
				}
				code, killed := r.wait(t)
				after := testkit.Tree(t, filepath.Join(w.dir, "dist"))
				if sig == syscall.SIGKILL {
					if killed != syscall.SIGKILL {
						t.Fatalf("exit %d", code)
					}
					// The killed run's private folder is left for the
					// next run to find.
					if left := entries(t, w.tmp); len(left) != 1 || !strings.HasPrefix(left[0], "caracal-cdk8s-run-") {
						t.Errorf("TMPDIR after SIGKILL: %v", left)
					}
					if hidden := w.hidden(t); len(hidden) > 0 {
						t.Errorf("SIGKILL left temporary folders inside dist/: %v", hidden)
					}
				} else {
					if want := 128 + int(sig); code != want {
						t.Errorf("exit %d (signal %v), want %d", code, killed, want)
					}
					note := "nothing was written"
					if step == "swapped" {
						note = "the new output had been written"
					}
					if want := fmt.Sprintf("test pause at %s\ncaracal-cdk8s: interrupted by %s; %s.\n", step, unix.SignalName(sig), note); r.stderr.String() != want {
						t.Errorf("stderr:\n%s\nwant:\n%s", r.stderr.String(), want)
					}
					w.checkClean(t)
				}
				// Until the swap the output is the old one, after it the new
				// one: never a mix.
				if step == "swapped" {
					if ns := w.namespace(t, "environments/dev"); ns != "signal-test" {
						t.Errorf("after the swap, namespace %s", ns)
					}
				} else if !reflect.DeepEqual(before, after) {
					t.Error("the output changed before the swap")
				}
				if code, stderr := runBinary(t, w.dir, []string{"TMPDIR=" + w.tmp}, args...); code != 0 {
					t.Fatalf("the next run: exit %d:\n%s", code, stderr)
				}
				w.checkClean(t)
				if ns := w.namespace(t, "environments/dev"); ns != "signal-test" {
					t.Errorf("after the next run, namespace %s", ns)
				}
				if got := entries(t, filepath.Join(w.dir, "dist", "environments")); !reflect.DeepEqual(got, []string{"dev"}) {
					t.Errorf("dist/environments: %v", got)
				}
			})
		}
	}
}

// deadPID returns the id of a process that has ended.
func deadPID(t *testing.T) int {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// What killed runs left, of this version or an earlier one, is removed by
// the next run: temporary output folders inside dist/ and beside it, and
// private temporary folders in TMPDIR; those of a live run stay.
func TestLeftoversOfKilledRunsAreRemoved(t *testing.T) {
	w := newWorkspace(t, "dev")
	// As an earlier version left them: inside dist/, with a file cut
	// short, which made the next run refuse to replace dist/.
	w.put(t, "dist/.environments.tmp-2925634281/production/namespace.k8s.yaml", "# Generated by")
	w.put(t, "dist/environments/.dev.tmp-12/a.k8s.yaml", "")
	w.put(t, ".dist.tmp-55.old/namespace.k8s.yaml", "# Generated by caracal-cdk8s\n")
	// As this version leaves them: beside the tree.
	w.put(t, ".caracal-cdk8s.tmp-77/environments/dev/namespace.k8s.yaml", "")
	dead := deadPID(t)
	private := func(name string, lock bool) string {
		dir := filepath.Join(w.tmp, name)
		os.MkdirAll(filepath.Join(dir, "jsii-runtime.1", "lib"), 0o700)
		os.WriteFile(filepath.Join(dir, "jsii-runtime.1", "lib", "program.js"), []byte("x"), 0o600)
		if lock {
			os.WriteFile(filepath.Join(dir, "lock"), nil, 0o600)
		}
		return dir
	}
	private(fmt.Sprintf("caracal-cdk8s-run-%d-1", dead), true)
	private(fmt.Sprintf("caracal-cdk8s-run-%d-2", dead), false)
	live := private(fmt.Sprintf("caracal-cdk8s-run-%d-3", os.Getpid()), true)
	f, err := os.OpenFile(filepath.Join(live, "lock"), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	code, stderr := runBinary(t, w.dir, []string{"TMPDIR=" + w.tmp}, "synth", "--out", "dist")
	if code != 0 || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if got := entries(t, w.dir); !reflect.DeepEqual(got, []string{"README", "dist", "envs"}) {
		t.Errorf("beside dist/: %v", got)
	}
	if hidden := w.hidden(t); len(hidden) > 0 {
		t.Errorf("inside dist/: %v", hidden)
	}
	if got := entries(t, w.tmp); !reflect.DeepEqual(got, []string{filepath.Base(live)}) {
		t.Errorf("TMPDIR: %v", got)
	}
	if got := entries(t, filepath.Join(w.dir, "dist", "environments")); !reflect.DeepEqual(got, []string{"dev", "production", "staging"}) {
		t.Errorf("dist/environments: %v", got)
	}
}

// Two runs on one tree, dist and dist/environments, take turns: the one
// that comes second waits, says so, and then starts from what the first
// one wrote, so neither update is lost, whichever holds the lock first.
// (Without the lock, a run on dist that carried dist/environments over
// before the other run replaced it would put the old one back.)
func TestConcurrentRunsTakeTurns(t *testing.T) {
	envRun := []string{"synth", "--environments", "envs", "--out", "dist/environments"}
	distRun := func(ns string) []string { return []string{"synth", "--out", "dist", "--set", "global.namespace=" + ns} }
	for _, first := range []string{"dist", "environments"} {
		t.Run(first+" first", func(t *testing.T) {
			w := newWorkspace(t, "race-env")
			var a, b *run
			if first == "dist" {
				a = w.start(t, "written", distRun("race-dist")...)
				a.await(t, "test pause at written\n")
				b = w.start(t, "", envRun...)
			} else {
				a = w.start(t, "written", envRun...)
				a.await(t, "test pause at written\n")
				b = w.start(t, "", distRun("race-dist")...)
			}
			b.await(t, "waiting for another caracal-cdk8s run that writes into "+filepath.Join(w.dir, "dist")+"\n")
			a.resume(t)
			for _, r := range []*run{a, b} {
				if code, sig := r.wait(t); code != 0 {
					t.Errorf("exit %d (signal %v):\n%s", code, sig, r.stderr.String())
				}
			}
			if ns := w.namespace(t, "."); ns != "race-dist" {
				t.Errorf("dist/: namespace %s, want race-dist", ns)
			}
			if ns := w.namespace(t, "environments/dev"); ns != "race-env" {
				t.Errorf("dist/environments/dev: namespace %s, want race-env", ns)
			}
			w.checkClean(t)
		})
	}
	// Free-running: whatever the order, both updates are there.
	w := newWorkspace(t, "race-env-0")
	for i := 1; i <= 3; i++ {
		w.env(t, fmt.Sprintf("race-env-%d", i))
		runs := []*run{w.start(t, "", envRun...), w.start(t, "", distRun(fmt.Sprintf("race-dist-%d", i))...)}
		for _, r := range runs {
			if code, sig := r.wait(t); code != 0 {
				t.Fatalf("round %d: exit %d (signal %v):\n%s", i, code, sig, r.stderr.String())
			}
		}
		got := []string{w.namespace(t, "."), w.namespace(t, "environments/dev")}
		if want := []string{fmt.Sprintf("race-dist-%d", i), fmt.Sprintf("race-env-%d", i)}; !reflect.DeepEqual(got, want) {
			t.Errorf("round %d: namespaces %v, want %v", i, got, want)
		}
	}
	w.checkClean(t)
}

// A signal at any moment of a run, not only at the write's steps, leaves
// no temporary folder of jsii's behind: while the program is stopping, a
// jsii call may start a new runtime, which must not unpack into the
// folder being removed. The moments are spread over a run's first second,
// where jsii starts and synthesizes; the schedule is fixed, the timing is
// the machine's.
func TestSignalsAtAnyMomentLeaveNoTemporaryFiles(t *testing.T) {
	w := newWorkspace(t, "caracal-dev")
	const runs = 30
	for i := 0; i < runs; i++ {
		sig := syscall.SIGINT
		if i%2 == 1 {
			sig = syscall.SIGTERM
		}
		r := w.start(t, "", "synth", "--out", "dist")
		time.Sleep(time.Duration(50+i*950/runs) * time.Millisecond)
		syscall.Kill(-r.cmd.Process.Pid, sig)
		code, killed := r.wait(t)
		// On a loaded machine the signal may come before the program's
		// handler is in place (the init of internal/jsiienv): the signal
		// then ends it, as it ends any process, before it started
		// anything; what it leaves is checked below all the same.
		if (killed != 0 && killed != sig) || (code != -1 && code != 0 && code != 128+int(sig)) {
			t.Errorf("run %d, %v: exit %d (signal %v):\n%s", i, sig, code, killed, r.stderr.String())
		}
		if left := entries(t, w.tmp); len(left) > 0 {
			t.Fatalf("run %d, %v after %d ms: left in TMPDIR: %v", i, sig, 50+i*950/runs, left)
		}
		w.checkClean(t)
	}
}

// awaitWorkers waits until the run has n worker processes, each with its
// Node.js process started, and returns their ids.
func (r *run) awaitWorkers(t *testing.T, n int) []int {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		workers := proc.Children(r.cmd.Process.Pid)
		started := 0
		for _, w := range workers {
			if len(proc.Children(w)) > 0 {
				started++
			}
		}
		if len(workers) == n && started == n {
			return workers
		}
		select {
		case <-r.done:
			t.Fatalf("the run ended before its workers started:\n%s", r.stderr.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %d workers after 2 minutes: %v", n, workers)
		}
	}
}

// A signal while the workers synthesize (SIGINT to the process group, as
// Ctrl-C, or SIGTERM to the program) stops them: the run ends as a serial
// one does, with one line, the output as it was, and no worker left, nor
// any of their temporary files.
func TestSignalsStopTheWorkers(t *testing.T) {
	if !proc.Supported() {
		t.Skip("needs /proc/PID/task/TID/children to find the workers")
	}
	w := newWorkspace(t, "caracal-dev")
	w.put(t, "envs/qa.yaml", "global:\n  namespace: caracal-qa\n")
	w.put(t, "envs/staging.yaml", "global:\n  namespace: caracal-staging\n")
	before := testkit.Tree(t, filepath.Join(w.dir, "dist"))
	args := []string{"synth", "--environments", "envs", "--out", "dist/environments", "--jobs", "2"}
	for i, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGINT, syscall.SIGTERM} {
		r := w.start(t, "", args...)
		workers := r.awaitWorkers(t, 2)
		time.Sleep(time.Duration(i) * 50 * time.Millisecond)
		if sig == syscall.SIGINT {
			syscall.Kill(-r.cmd.Process.Pid, sig)
		} else {
			r.cmd.Process.Signal(sig)
		}
		code, killed := r.wait(t)
		if want := 128 + int(sig); code != want {
			t.Errorf("run %d, %v: exit %d (signal %v), want %d:\n%s", i, unix.SignalName(sig), code, killed, want, r.stderr.String())
		}
		if want := "caracal-cdk8s: interrupted by " + unix.SignalName(sig) + "; nothing was written.\n"; r.stderr.String() != want {
			t.Errorf("run %d: stderr:\n%s\nwant:\n%s", i, r.stderr.String(), want)
		}
		for _, pid := range workers {
			if err := syscall.Kill(pid, 0); err != syscall.ESRCH {
				t.Errorf("run %d: the worker %d is still there (%v)", i, pid, err)
			}
		}
		if after := testkit.Tree(t, filepath.Join(w.dir, "dist")); !reflect.DeepEqual(before, after) {
			t.Errorf("run %d: the output changed", i)
		}
		w.checkClean(t)
	}
	if code, stderr := runBinary(t, w.dir, []string{"TMPDIR=" + w.tmp}, args...); code != 0 || strings.Count(stderr, "wrote ") != 3 {
		t.Fatalf("the next run: exit %d:\n%s", code, stderr)
	}
	w.checkClean(t)
}
