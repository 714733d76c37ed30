package output

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"caracal.dev/caracal-cdk8s/internal/jsiienv"
	"caracal.dev/caracal-cdk8s/internal/testkit/filetree"
	"golang.org/x/sys/unix"
)

// TestMain removes this process's temporary folder (testkit starts the
// jsii runtime) at the end, as the program does; a Ctrl-C does so at once.
func TestMain(m *testing.M) {
	jsiienv.MainStarted()
	jsiienv.Exit(m.Run())
}

// The tree of an output reaches up through the folders a run could
// replace: other outputs, folders of outputs, folders still to create.
func TestFindTree(t *testing.T) {
	base := t.TempDir()
	os.WriteFile(filepath.Join(base, "main.go"), []byte("package main\n"), 0o644)
	dist := filepath.Join(base, "dist")
	if _, err := Write(dist, []File{{"a.k8s.yaml", gen("a\n")}}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(filepath.Join(base, "group", "a"), []File{{"a.k8s.yaml", gen("a\n")}}, false); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ target, root string }{
		{dist, dist},
		{filepath.Join(dist, "environments"), dist},
		{filepath.Join(dist, "environments", "dev"), dist},
		{filepath.Join(base, "new", "deeper", "out"), filepath.Join(base, "new")},
		{filepath.Join(base, "other"), filepath.Join(base, "other")},
		// A folder of nothing but outputs could be replaced as a whole.
		{filepath.Join(base, "group", "b"), filepath.Join(base, "group")},
	} {
		got := findTree(tc.target)
		if got.root != tc.root || got.parent != filepath.Dir(tc.root) {
			t.Errorf("%s: tree %+v, want root %s", tc.target, got, tc.root)
		}
	}
	// A folder with a file of the user's is not the program's to replace.
	os.WriteFile(filepath.Join(dist, "notes.txt"), []byte("mine"), 0o644)
	if got := findTree(filepath.Join(dist, "environments")); got.root != filepath.Join(dist, "environments") {
		t.Errorf("a folder holding the user's file joined the tree: %+v", got)
	}
}

// Deciding whether a folder above the output is the program's stops at
// the first file of the user's: a write into a repository must not walk
// the repository (its .git, its node_modules) to its end, every run.
func TestFindTreeStopsAtTheUsersFirstFile(t *testing.T) {
	base := t.TempDir()
	os.WriteFile(filepath.Join(base, "a-notes.txt"), []byte("mine"), 0o644)
	for _, d := range []string{"b-module", "c-module"} {
		os.MkdirAll(filepath.Join(base, d, "deep"), 0o755)
		os.WriteFile(filepath.Join(base, d, "deep", "x.yaml"), []byte("x: 1\n"), 0o644)
	}
	var visited []string
	stub(t, &walkDir, func(root string, fn fs.WalkDirFunc) error {
		return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			visited = append(visited, path)
			return fn(path, d, err)
		})
	})
	out := filepath.Join(base, "dist")
	if got := findTree(out); got.root != out {
		t.Fatalf("tree %+v, want root %s", got, out)
	}
	for _, p := range visited {
		if strings.Contains(p, "module") {
			t.Errorf("walked on past the user's file to %s (visited %q)", p, visited)
			break
		}
	}
	if len(visited) == 0 {
		t.Error("the folder above the output was not scanned")
	}
	// The refusal is still the first in the walk's order: a YAML file of
	// the user's before a file that is not YAML.
	os.WriteFile(filepath.Join(base, "0-values.yaml"), []byte("mine: 1\n"), 0o644)
	var refused string
	scan(base, func(path string, reason error) error {
		refused = filepath.Base(path) + ": " + reason.Error()
		return reason
	})
	if want := "0-values.yaml: " + errNotOurs.Error(); refused != want {
		t.Errorf("refused %q, want %q", refused, want)
	}
}

// recordTemp makes the atomic exchange report where the temporary folder
// was.
func recordTemp(t *testing.T) *string {
	var tmp string
	stub(t, &exchange, func(a, b string) error {
		tmp = a
		return renameExchange(a, b)
	})
	return &tmp
}

// The temporary folder of an output inside another output is beside the
// outer one: a run killed while writing dist/environments leaves nothing
// inside dist/, which the next run on dist would refuse to replace.
func TestNestedOutputWritesBesideTheTree(t *testing.T) {
	dist := outDir(t)
	base := filepath.Dir(dist)
	env := filepath.Join(dist, "environments")
	for _, data := range []string{"one\n", "two\n"} {
		if _, err := Write(dist, []File{{"a.k8s.yaml", gen("a\n")}}, true); err != nil {
			t.Fatal(err)
		}
		tmp := recordTemp(t)
		if _, err := Write(env, []File{{"dev/a.k8s.yaml", gen(data)}}, false); err != nil {
			t.Fatal(err)
		}
		if *tmp != "" && filepath.Dir(*tmp) != base {
			t.Errorf("temporary folder %s, want it in %s", *tmp, base)
		}
	}
	want := map[string]string{"a.k8s.yaml": mark("a\n"), "environments/dev/a.k8s.yaml": mark("two\n")}
	if got := filetree.Read(t, dist); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
	if got := siblings(t, dist); !reflect.DeepEqual(got, []string{"dist"}) {
		t.Errorf("left beside the tree: %v", got)
	}
}

// What killed runs left is removed by the next write on the tree, of this
// version (beside the tree) or an earlier one (inside it, where the file
// being written may lack the marker); a folder that only looks like it,
// holding something else, or named after another output, is kept.
func TestLeftoversOfKilledRunsAreRemoved(t *testing.T) {
	dist := outDir(t)
	base := filepath.Dir(dist)
	if _, err := Write(filepath.Join(dist, "environments"), []File{{"dev/a.k8s.yaml", gen("dev\n")}}, false); err != nil {
		t.Fatal(err)
	}
	put := func(path, data string) {
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, []byte(data), 0o644)
	}
	put(filepath.Join(dist, ".environments.tmp-2925634281", "production", "namespace.k8s.yaml"), "# Generated by")
	put(filepath.Join(dist, "environments", ".dev.tmp-12.old", "a.k8s.yaml"), mark("old\n"))
	put(filepath.Join(base, tmpPrefix+"77", "environments", "dev", "a.k8s.yaml"), mark("x"))
	put(filepath.Join(base, ".dist.tmp-5", "a.k8s.yaml"), "")
	kept := []string{
		filepath.Join(base, ".other.tmp-6", "a.k8s.yaml"), // another output's
		filepath.Join(base, ".dist.tmp-7", "notes.txt"),   // the user's
	}
	for _, k := range kept {
		put(k, "mine")
	}
	if _, err := Write(dist, []File{{"a.k8s.yaml", gen("a\n")}}, true); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a.k8s.yaml": mark("a\n"), "environments/dev/a.k8s.yaml": mark("dev\n")}
	if got := filetree.Read(t, dist); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
	if got := siblings(t, dist); !reflect.DeepEqual(got, []string{".dist.tmp-7", ".other.tmp-6", "dist"}) {
		t.Errorf("beside the output: %v", got)
	}
	for _, k := range kept {
		if _, err := os.Stat(k); err != nil {
			t.Errorf("%s removed", k)
		}
	}
	// Inside an output, a look-alike holding the user's file is refused,
	// not removed.
	put(filepath.Join(dist, ".environments.tmp-1", "notes.txt"), "mine")
	_, err := Write(dist, []File{{"a.k8s.yaml", gen("b\n")}}, true)
	if err == nil || !strings.Contains(err.Error(), "notes.txt") {
		t.Errorf("want a refusal naming notes.txt, got %v", err)
	}
}

// holdLock takes the lock of the tree of dir, as another run would.
func holdLock(t *testing.T, dir string) (release func()) {
	t.Helper()
	f, err := os.Open(findTree(dir).parent)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release = func() { once.Do(func() { f.Close() }) }
	t.Cleanup(release)
	return release
}

// syncBuffer is a bytes.Buffer for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// A write waits, saying so, while another run holds the lock of its tree
// (here: a run on the outer output), and goes on once it is free.
func TestWriteWaitsForAnotherRun(t *testing.T) {
	dist := outDir(t)
	if _, err := Write(dist, []File{{"a.k8s.yaml", gen("a\n")}}, true); err != nil {
		t.Fatal(err)
	}
	release := holdLock(t, dist)
	var log syncBuffer
	done := make(chan error)
	go func() {
		_, err := Writer{Log: &log}.Write(filepath.Join(dist, "environments"), []File{{"dev/a.k8s.yaml", gen("dev\n")}}, false)
		done <- err
	}()
	for !strings.Contains(log.String(), "waiting for another caracal-cdk8s run that writes into "+dist+"\n") {
		select {
		case err := <-done:
			t.Fatalf("the write did not wait for the lock: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	if _, err := os.Stat(filepath.Join(dist, "environments")); err == nil {
		t.Fatal("written while another run held the lock")
	}
	release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := filetree.Read(t, dist); got["environments/dev/a.k8s.yaml"] != mark("dev\n") {
		t.Errorf("got %v", got)
	}
}

// A run that waits too long gives up with a clear message and leaves
// everything as it was.
func TestWriteGivesUpWaiting(t *testing.T) {
	dist := outDir(t)
	if _, err := Write(dist, []File{{"a.k8s.yaml", gen("a\n")}}, true); err != nil {
		t.Fatal(err)
	}
	before := filetree.Read(t, dist)
	holdLock(t, dist)
	_, err := Writer{Wait: 200 * time.Millisecond}.Write(dist, []File{{"a.k8s.yaml", gen("b\n")}}, true)
	if err == nil || !strings.Contains(err.Error(), "another caracal-cdk8s run has been writing into "+dist) {
		t.Fatalf("got %v", err)
	}
	if after := filetree.Read(t, dist); !reflect.DeepEqual(before, after) {
		t.Error("the output changed")
	}
	if got := siblings(t, dist); !reflect.DeepEqual(got, []string{"dist"}) {
		t.Errorf("left beside the output: %v", got)
	}
}

// Writing the output directory from inside it would copy it into itself
// and leave the shell in a deleted folder.
func TestWriteRefusesTheWorkingDirectory(t *testing.T) {
	dist := outDir(t)
	if _, err := Write(dist, []File{{"a.k8s.yaml", gen("a\n")}, {"flux/b.k8s.yaml", gen("b\n")}}, true); err != nil {
		t.Fatal(err)
	}
	before := filetree.Read(t, dist)
	for _, tc := range []struct{ wd, out string }{{dist, "."}, {filepath.Join(dist, "flux"), ".."}, {filepath.Join(dist, "flux"), dist}} {
		t.Chdir(tc.wd)
		_, err := Write(tc.out, []File{{"a.k8s.yaml", gen("b\n")}}, true)
		var inside *InsideError
		if !errors.As(err, &inside) {
			t.Errorf("--out %s from %s: got %v", tc.out, tc.wd, err)
		}
	}
	if after := filetree.Read(t, dist); !reflect.DeepEqual(before, after) {
		t.Error("the output changed")
	}
	if got := siblings(t, dist); !reflect.DeepEqual(got, []string{"dist"}) {
		t.Errorf("left beside the output: %v", got)
	}
	// Beside it is fine.
	t.Chdir(filepath.Dir(dist))
	if _, err := Write("dist", []File{{"a.k8s.yaml", gen("b\n")}}, true); err != nil {
		t.Error(err)
	}
}
