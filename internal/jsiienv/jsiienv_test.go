package jsiienv

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain removes this process's temporary folder at the end, as the
// program does. With helperEnv set, the test binary plays a program that
// a signal reaches before its main (see TestSignalBeforeMainWaitsForIt).
func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		unpackThenMain()
	}
	MainStarted()
	Exit(m.Run())
}

const helperEnv = "JSIIENV_TEST_BEFORE_MAIN"

// unpackThenMain says where its private folder is, then writes files into
// it for half a second, as jsii unpacks its runtime while the packages'
// init functions run, and only then reaches "main".
func unpackThenMain() {
	fmt.Println(private)
	dir := filepath.Join(private, "jsii-runtime.1")
	for deadline := time.Now().Add(500 * time.Millisecond); time.Now().Before(deadline); {
		os.MkdirAll(dir, 0o700)
		os.WriteFile(filepath.Join(dir, fmt.Sprint(time.Now().UnixNano())), []byte("x"), 0o600)
	}
	MainStarted()
	select {} // the signal ends the process
}

// A signal that comes before main waits for it, and then removes the
// private folder: not while the folder is still being written, which
// left it behind.
func TestSignalBeforeMainWaitsForIt(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		cmd := exec.Command(exe)
		cmd.Env = append(os.Environ(), helperEnv+"=1", "TMPDIR="+base)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
		folder := strings.TrimSpace(line)
		time.Sleep(time.Duration(i) * 50 * time.Millisecond)
		cmd.Process.Signal(syscall.SIGINT)
		err = cmd.Wait()
		if code := cmd.ProcessState.ExitCode(); code != 130 {
			t.Errorf("run %d: exit %d (%v), want 130", i, code, err)
		}
		if _, err := os.Stat(folder); !os.IsNotExist(err) {
			t.Errorf("run %d: the private folder %s is left (%v)", i, folder, err)
			os.RemoveAll(folder)
		}
	}
}

// init gave this process a private, locked temporary folder, and pointed
// TMPDIR at it.
func TestPrivateTemp(t *testing.T) {
	if private == "" || os.Getenv("TMPDIR") != private || os.TempDir() != private {
		t.Fatalf("TMPDIR %q, private folder %q", os.Getenv("TMPDIR"), private)
	}
	if !strings.HasPrefix(filepath.Base(private), fmt.Sprintf("%s%d-", privatePrefix, os.Getpid())) {
		t.Errorf("name %s", private)
	}
	f, err := os.Open(filepath.Join(private, lockName))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if lock(f) {
		t.Error("the lock of a live run is free")
	}
}

// deadPID returns the id of a process that has exited.
func deadPID(t *testing.T) int {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// The folders of dead runs go; those of live runs, and anything else,
// stay.
func TestSweep(t *testing.T) {
	base := t.TempDir()
	mk := func(name string, withLock bool) string {
		dir := filepath.Join(base, name)
		os.MkdirAll(filepath.Join(dir, "jsii-runtime.1"), 0o700)
		os.WriteFile(filepath.Join(dir, "jsii-runtime.1", "program.js"), []byte("x"), 0o600)
		if withLock {
			os.WriteFile(filepath.Join(dir, lockName), nil, 0o600)
		}
		return dir
	}
	dead := deadPID(t)
	gone := []string{
		mk(fmt.Sprintf("%s%d-1", privatePrefix, dead), true),
		mk(fmt.Sprintf("%s%d-2", privatePrefix, os.Getpid()), true), // the pid was reused
		mk(fmt.Sprintf("%s%d-3", privatePrefix, dead), false),       // killed before it locked
	}
	live := mk(fmt.Sprintf("%s%d-4", privatePrefix, os.Getpid()), true)
	f, err := os.OpenFile(filepath.Join(live, lockName), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if !lock(f) {
		t.Fatal("cannot lock")
	}
	kept := []string{
		live,
		mk(fmt.Sprintf("%s%d-5", privatePrefix, os.Getpid()), false), // locking right now
		mk("caracal-cdk8s-bin-6", true),
		mk("jsii-runtime.7", false),
	}
	os.WriteFile(filepath.Join(base, fmt.Sprintf("%s%d-8", privatePrefix, dead)), nil, 0o600)
	sweep(base)
	for _, d := range gone {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("%s kept", filepath.Base(d))
		}
	}
	for _, d := range kept {
		if _, err := os.Stat(filepath.Join(d, "jsii-runtime.1", "program.js")); err != nil {
			t.Errorf("%s removed", filepath.Base(d))
		}
	}
	entries, _ := os.ReadDir(base)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	if len(names) != len(kept)+1 {
		t.Errorf("left: %v", names)
	}
}

// A sweep never takes a folder being made for a live run, even between
// its making and its locking.
func TestSweepSparesFoldersBeingMade(t *testing.T) {
	base := t.TempDir()
	stop, swept := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(swept)
		for {
			select {
			case <-stop:
				return
			default:
				sweep(base)
			}
		}
	}()
	var made []string
	for i := 0; i < 300; i++ {
		dir, f, err := newPrivate(base)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		made = append(made, dir)
	}
	close(stop)
	<-swept
	for _, dir := range made {
		if _, err := os.Stat(filepath.Join(dir, lockName)); err != nil {
			t.Fatalf("a live run's folder was swept: %v", err)
		}
	}
}

// jsii's package cache is turned off where jsii would refuse it: a home
// that is a file, or that others may write into; it is left on where it
// works, and alone when the user chose.
func TestPackageCache(t *testing.T) {
	good := t.TempDir()
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	open := t.TempDir()
	os.Chmod(open, 0o777)
	for _, tc := range []struct {
		home, root, want string
	}{
		{home: good, want: ""},
		{home: file, want: "disabled"},
		{home: open, want: "disabled"},
		{home: "relative", want: ""}, // jsii then keeps it in TMPDIR
		{home: file, root: good, want: ""},
		{home: filepath.Join(good, "nonexistent"), want: "disabled"},
	} {
		t.Setenv("HOME", tc.home)
		t.Setenv("JSII_RUNTIME_PACKAGE_CACHE_ROOT", tc.root)
		t.Setenv("JSII_RUNTIME_PACKAGE_CACHE", "")
		checkPackageCache()
		if got := os.Getenv("JSII_RUNTIME_PACKAGE_CACHE"); got != tc.want {
			t.Errorf("HOME %s, root %q: JSII_RUNTIME_PACKAGE_CACHE=%q, want %q", tc.home, tc.root, got, tc.want)
		}
	}
	if fi, err := os.Stat(filepath.Join(good, ".cache", "aws", "jsii", "package-cache")); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the cache folder: %v, %v", fi, err)
	}
	if _, err := os.Stat(filepath.Join(good, "nonexistent")); err == nil {
		t.Error("a home that did not exist was made")
	}
}
