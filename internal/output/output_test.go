package output

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"caracal.dev/caracal-cdk8s/internal/testkit/filetree"
)

// mark gives s the header of a file this program writes.
func mark(s string) string { return Marker + ". Do not edit.\n" + s }

func gen(s string) []byte { return []byte(mark(s)) }

// outDir returns a path for an output directory, in a folder that also
// holds a file of the user's: the tree (see findTree) ends at the output,
// so its temporary folders go beside it, where siblings sees them.
func outDir(t *testing.T) string {
	t.Helper()
	base := t.TempDir()
	if err := os.WriteFile(filepath.Join(base, userFile), []byte("not an output\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(base, "dist")
}

const userFile = "README"

// siblings lists what is beside dir, but for outDir's file.
func siblings(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != userFile {
			names = append(names, e.Name())
		}
	}
	return names
}

func TestWriteCreatesAndReplaces(t *testing.T) {
	dir := outDir(t)
	if _, err := Write(dir, []File{{"a.k8s.yaml", gen("a: 1\n")}, {"b.k8s.yaml", gen("b: 1\n")}}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, []File{{"a.k8s.yaml", gen("a: 2\n")}}, false); err != nil {
		t.Fatal(err)
	}
	if got := filetree.Read(t, dir); !reflect.DeepEqual(got, map[string]string{"a.k8s.yaml": mark("a: 2\n")}) {
		t.Errorf("the directory must hold exactly the new files: %v", got)
	}
	if got := siblings(t, dir); !reflect.DeepEqual(got, []string{"dist"}) {
		t.Errorf("temporary directories left behind: %v", got)
	}
	st, _ := os.Stat(filepath.Join(dir, "a.k8s.yaml"))
	if st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", st.Mode())
	}
}

// A file the old output holds with the same bytes is the same file in the
// new one (linked, not written again); any other is written anew: changed
// bytes, a mode the user changed, a file the user linked elsewhere.
func TestWriteReusesUnchangedFiles(t *testing.T) {
	dir := outDir(t)
	old := []File{
		{"same.k8s.yaml", gen("a: 1\n")},
		{"sub/same.k8s.yaml", gen("b: 1\n")},
		{"changed.k8s.yaml", gen("c: 1\n")},
		{"private.k8s.yaml", gen("d: 1\n")},
		{"linked.k8s.yaml", gen("e: 1\n")},
	}
	if _, err := Write(dir, old, false); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(dir, "private.k8s.yaml"), 0o600)
	usersLink := filepath.Join(filepath.Dir(dir), "users-link.yaml")
	if err := os.Link(filepath.Join(dir, "linked.k8s.yaml"), usersLink); err != nil {
		t.Fatal(err)
	}
	before := map[string]os.FileInfo{}
	for _, f := range old {
		before[f.Name], _ = os.Stat(filepath.Join(dir, filepath.FromSlash(f.Name)))
	}
	next := append([]File(nil), old...)
	next[2] = File{"changed.k8s.yaml", gen("c: 2\n")}
	if _, err := Write(dir, next, false); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, f := range next {
		want[f.Name] = string(f.Data)
	}
	if got := filetree.Read(t, dir); !reflect.DeepEqual(got, want) {
		t.Fatalf("the directory must hold exactly the new files: %v", got)
	}
	for name, reused := range map[string]bool{"same.k8s.yaml": true, "sub/same.k8s.yaml": true, "changed.k8s.yaml": false, "private.k8s.yaml": false, "linked.k8s.yaml": false} {
		after, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		if got := os.SameFile(before[name], after); got != reused {
			t.Errorf("%s: the old file reused: %v, want %v", name, got, reused)
		}
		if after.Mode().Perm() != 0o644 {
			t.Errorf("%s: mode %v", name, after.Mode())
		}
		if links(after) != 1 {
			t.Errorf("%s: %d links, want 1 (the old output is gone)", name, links(after))
		}
	}
	if data, _ := os.ReadFile(usersLink); string(data) != mark("e: 1\n") {
		t.Errorf("the user's link changed: %q", data)
	}
}

// A failure in the middle of writing leaves the old output as it was, and
// no temporary folder; so does a bad file name, found before anything is
// written.
func TestFailedWriteLeavesTheOldOutput(t *testing.T) {
	dir := outDir(t)
	if _, err := Write(dir, []File{{"a.k8s.yaml", gen("old\n")}}, false); err != nil {
		t.Fatal(err)
	}
	before := filetree.Read(t, dir)
	for _, files := range [][]File{
		// The second file needs a folder where the first one is.
		{{"a.k8s.yaml", gen("new\n")}, {"a.k8s.yaml/b.yaml", gen("x")}},
		{{"a.k8s.yaml", gen("new\n")}, {"../escape.yaml", gen("x")}},
	} {
		if _, err := Write(dir, files, false); err == nil {
			t.Fatalf("%s: must fail", files[1].Name)
		}
		if after := filetree.Read(t, dir); !reflect.DeepEqual(before, after) {
			t.Errorf("%s: old output changed: %v", files[1].Name, after)
		}
		if got := siblings(t, dir); !reflect.DeepEqual(got, []string{"dist"}) {
			t.Errorf("%s: temporary directories left behind: %v", files[1].Name, got)
		}
	}
}

func TestWriteRefusesToReplaceForeignContent(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "main.go"), []byte("package main\n"), 0o644)
	_, err := Write(root, []File{{"a.k8s.yaml", gen("a: 1\n")}}, false)
	if err == nil || !strings.Contains(err.Error(), "refusing to replace") || !strings.Contains(err.Error(), "main.go") {
		t.Fatalf("want a refusal naming main.go, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "main.go")); err != nil {
		t.Error("foreign file removed")
	}
}

func TestWriteOverAFile(t *testing.T) {
	path := outDir(t)
	os.WriteFile(path, []byte("x"), 0o644)
	if _, err := Write(path, nil, false); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("got %v", err)
	}
}

func TestWriteUnderAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o644)
	if _, err := Write(filepath.Join(file, "dist"), nil, false); err == nil {
		t.Fatal("writing under a file must fail")
	}
}

func TestWriteTreesAndKeepSubdirs(t *testing.T) {
	dir := outDir(t)
	if _, err := Write(filepath.Join(dir, "environments"), []File{{"dev/a.k8s.yaml", gen("dev\n")}, {"prod/a.k8s.yaml", gen("prod\n")}}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, []File{{"a.k8s.yaml", gen("defaults\n")}}, true); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a.k8s.yaml": mark("defaults\n"), "environments/dev/a.k8s.yaml": mark("dev\n"), "environments/prod/a.k8s.yaml": mark("prod\n")}
	if got := filetree.Read(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
	// Without KeepSubdirs the tree is exactly the files: a removed
	// environment disappears.
	if _, err := Write(filepath.Join(dir, "environments"), []File{{"dev/a.k8s.yaml", gen("dev2\n")}}, false); err != nil {
		t.Fatal(err)
	}
	want = map[string]string{"a.k8s.yaml": mark("defaults\n"), "environments/dev/a.k8s.yaml": mark("dev2\n")}
	if got := filetree.Read(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
	for _, bad := range []string{"../x.yaml", "a/../../x.yaml", "/abs.yaml", ".hidden/x.yaml", "a//b.yaml"} {
		if _, err := Write(filepath.Join(t.TempDir(), "o"), []File{{bad, nil}}, false); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A directory of YAML files this program did not write, such as values
// files, is the user's: an --out that names it must not delete them.
func TestWriteRefusesToReplaceTheUsersYAML(t *testing.T) {
	for _, name := range []string{"my.yaml", "sub/qa.yaml"} {
		root := filepath.Join(filepath.Dir(outDir(t)), "vals")
		os.MkdirAll(filepath.Join(root, "sub"), 0o755)
		os.WriteFile(filepath.Join(root, "ours.k8s.yaml"), gen("a: 1\n"), 0o644)
		os.WriteFile(filepath.Join(root, name), []byte("# Values of the qa environment.\nglobal:\n  namespace: qa\n"), 0o644)
		before := filetree.Read(t, root)
		_, err := Write(root, []File{{"a.k8s.yaml", gen("a: 1\n")}}, false)
		if err == nil || !strings.Contains(err.Error(), "refusing to replace") || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: want a refusal naming it, got %v", name, err)
		}
		if after := filetree.Read(t, root); !reflect.DeepEqual(before, after) {
			t.Errorf("%s: the directory changed", name)
		}
		if got := siblings(t, root); !reflect.DeepEqual(got, []string{"vals"}) {
			t.Errorf("temporary directories left behind: %v", got)
		}
	}
}

// What the program wrote before, the committed dist/ included, stays
// replaceable.
func TestWriteReplacesTheCommittedDist(t *testing.T) {
	dir := outDir(t)
	var files []File
	for name, data := range filetree.Read(t, filepath.Join("..", "..", "dist")) {
		files = append(files, File{name, []byte(data)})
	}
	if len(files) == 0 {
		t.Fatal("no committed dist/")
	}
	if _, err := Write(dir, files, false); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, []File{{"a.k8s.yaml", gen("a: 1\n")}}, true); err != nil {
		t.Fatalf("the committed dist/ must be replaceable: %v", err)
	}
}

// Write refuses to write what it would refuse to replace next time.
func TestWriteRefusesFilesWithoutMarker(t *testing.T) {
	dir := outDir(t)
	if _, err := Write(dir, []File{{"a.k8s.yaml", []byte("a: 1\n")}}, false); err == nil {
		t.Fatal("a file without the marker was written")
	}
	if got := siblings(t, dir); len(got) != 0 {
		t.Errorf("left behind: %v", got)
	}
}

// stub replaces a file system step of swap for one test.
func stub[T any](t *testing.T, v *T, f T) {
	saved := *v
	*v = f
	t.Cleanup(func() { *v = saved })
}

func noExchange(a, b string) error { return errors.New("no exchange") }

// Where the atomic exchange is unavailable, the old output is moved aside,
// the new one in, and the old one removed.
func TestSwapFallback(t *testing.T) {
	stub(t, &exchange, noExchange)
	dir := outDir(t)
	for _, data := range []string{"old\n", "new\n"} {
		if warning, err := Write(dir, []File{{"a.k8s.yaml", gen(data)}}, false); err != nil || warning != nil {
			t.Fatalf("warning %v, error %v", warning, err)
		}
	}
	if got := filetree.Read(t, dir); !reflect.DeepEqual(got, map[string]string{"a.k8s.yaml": mark("new\n")}) {
		t.Errorf("got %v", got)
	}
	if got := siblings(t, dir); !reflect.DeepEqual(got, []string{"dist"}) {
		t.Errorf("temporary directories left behind: %v", got)
	}
}

// When moving the new output in fails, the old one is put back.
func TestSwapFallbackRollsBack(t *testing.T) {
	dir := outDir(t)
	if _, err := Write(dir, []File{{"a.k8s.yaml", gen("old\n")}}, false); err != nil {
		t.Fatal(err)
	}
	before := filetree.Read(t, dir)
	stub(t, &exchange, noExchange)
	calls := 0
	stub(t, &rename, func(from, to string) error {
		calls++
		if calls == 2 { // the new output into place
			return errors.New("disk on fire")
		}
		return os.Rename(from, to)
	})
	_, err := Write(dir, []File{{"a.k8s.yaml", gen("new\n")}}, false)
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("got %v", err)
	}
	if calls != 3 {
		t.Errorf("%d renames, want 3: aside, in (failing), back", calls)
	}
	if after := filetree.Read(t, dir); !reflect.DeepEqual(before, after) {
		t.Errorf("old output not restored: %v", after)
	}
	if got := siblings(t, dir); !reflect.DeepEqual(got, []string{"dist"}) {
		t.Errorf("temporary directories left behind: %v", got)
	}
}

// Once the new output is in place, failing to remove the old one is a
// warning, not a failure: the output was written.
func TestLeftoverOldOutputIsAWarning(t *testing.T) {
	for _, fallback := range []bool{false, true} {
		dir := outDir(t)
		if _, err := Write(dir, []File{{"a.k8s.yaml", gen("old\n")}}, false); err != nil {
			t.Fatal(err)
		}
		if fallback {
			stub(t, &exchange, noExchange)
		}
		stub(t, &removeAll, func(string) error { return errors.New("busy") })
		warning, err := Write(dir, []File{{"a.k8s.yaml", gen("new\n")}}, false)
		if err != nil || warning == nil || !strings.Contains(warning.Error(), "busy") {
			t.Errorf("fallback %v: want a warning only, got warning %v, error %v", fallback, warning, err)
		}
		if got := filetree.Read(t, dir); !reflect.DeepEqual(got, map[string]string{"a.k8s.yaml": mark("new\n")}) {
			t.Errorf("fallback %v: new output not in place: %v", fallback, got)
		}
	}
}

// A folder the output writes itself goes when the output no longer has it;
// other outputs beside it stay.
func TestOwnSubdirsAreNotCarriedOver(t *testing.T) {
	dir := outDir(t)
	if _, err := Write(dir, []File{{"a.k8s.yaml", gen("a\n")}, {"flux/kustomization.yaml", gen("f\n")}}, true, "flux"); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(filepath.Join(dir, "environments"), []File{{"dev/a.k8s.yaml", gen("dev\n")}}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(dir, []File{{"a.k8s.yaml", gen("a2\n")}}, true, "flux"); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a.k8s.yaml": mark("a2\n"), "environments/dev/a.k8s.yaml": mark("dev\n")}
	if got := filetree.Read(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// A write in steps (Begin, Add as the parts come, Commit) writes what one
// Write of all the files writes; until Commit, the output is the old one.
// Abort leaves the old output and no temporary folder, and so does a part
// that cannot be added.
func TestStagingWritesInParts(t *testing.T) {
	dir := outDir(t)
	old := []File{{"a/x.k8s.yaml", gen("old\n")}, {"gone.k8s.yaml", gen("gone\n")}}
	if _, err := Write(dir, old, false); err != nil {
		t.Fatal(err)
	}
	before := filetree.Read(t, dir)
	parts := [][]File{
		{{"a/x.k8s.yaml", gen("old\n")}, {"a/b/y.k8s.yaml", gen("y\n")}},
		{{"a/b/z.k8s.yaml", gen("z\n")}, {"c/w.k8s.yaml", gen("w\n")}},
	}
	s, err := Writer{}.Begin(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		if err := s.Add(p); err != nil {
			t.Fatal(err)
		}
		if after := filetree.Read(t, dir); !reflect.DeepEqual(before, after) {
			t.Fatalf("the output changed before the commit: %v", after)
		}
	}
	if _, err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	got := filetree.Read(t, dir)
	whole := outDir(t)
	if _, err := Write(whole, append(append([]File{}, parts[0]...), parts[1]...), false); err != nil {
		t.Fatal(err)
	}
	if want := filetree.Read(t, whole); !reflect.DeepEqual(got, want) {
		t.Errorf("in parts: %v\nin one write: %v", got, want)
	}
	if left := siblings(t, dir); !reflect.DeepEqual(left, []string{"dist"}) {
		t.Errorf("left beside the output: %v", left)
	}

	for _, bad := range []File{{"c.k8s.yaml", []byte("no marker")}, {"a/x.k8s.yaml/under.yaml", gen("x")}} {
		before := filetree.Read(t, dir)
		s, err := Writer{}.Begin(dir, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Add(parts[0]); err != nil {
			t.Fatal(err)
		}
		if err := s.Add([]File{bad}); err == nil {
			t.Errorf("%s: added", bad.Name)
		}
		s.Abort()
		if after := filetree.Read(t, dir); !reflect.DeepEqual(before, after) {
			t.Errorf("%s: the output changed: %v", bad.Name, after)
		}
		if left := siblings(t, dir); !reflect.DeepEqual(left, []string{"dist"}) {
			t.Errorf("%s: left beside the output: %v", bad.Name, left)
		}
	}
	// The lock is released by Commit and Abort: a next write goes on.
	if _, err := (Writer{Wait: time.Second}).Write(dir, old, false); err != nil {
		t.Fatal(err)
	}
}
