package output

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/internal/testkit"
)

func siblings(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteCreatesAndReplaces(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dist")
	if err := Write(dir, []File{{"a.k8s.yaml", []byte("a: 1\n")}, {"b.k8s.yaml", []byte("b: 1\n")}}); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, []File{{"a.k8s.yaml", []byte("a: 2\n")}}); err != nil {
		t.Fatal(err)
	}
	if got := testkit.Tree(t, dir); !reflect.DeepEqual(got, map[string]string{"a.k8s.yaml": "a: 2\n"}) {
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

// A failure in the middle of writing leaves the old output as it was.
func TestFailedWriteLeavesTheOldOutput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dist")
	if err := Write(dir, []File{{"a.k8s.yaml", []byte("old\n")}}); err != nil {
		t.Fatal(err)
	}
	before := testkit.Tree(t, dir)
	err := Write(dir, []File{{"a.k8s.yaml", []byte("new\n")}, {"../escape.yaml", []byte("x")}})
	if err == nil {
		t.Fatal("a bad file name must fail")
	}
	if after := testkit.Tree(t, dir); !reflect.DeepEqual(before, after) {
		t.Errorf("old output changed: %v", after)
	}
	if got := siblings(t, dir); !reflect.DeepEqual(got, []string{"dist"}) {
		t.Errorf("temporary directories left behind: %v", got)
	}
}

func TestWriteRefusesToReplaceForeignContent(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "main.go"), []byte("package main\n"), 0o644)
	err := Write(root, []File{{"a.k8s.yaml", []byte("a: 1\n")}})
	if err == nil || !strings.Contains(err.Error(), "refusing to replace") || !strings.Contains(err.Error(), "main.go") {
		t.Fatalf("want a refusal naming main.go, got %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "main.go")); err != nil {
		t.Error("foreign file removed")
	}
}

func TestWriteOverAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dist")
	os.WriteFile(path, []byte("x"), 0o644)
	if err := Write(path, nil); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("got %v", err)
	}
}

func TestWriteUnderAFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, []byte("x"), 0o644)
	if err := Write(filepath.Join(file, "dist"), nil); err == nil {
		t.Fatal("writing under a file must fail")
	}
}

func TestWriteTreesAndKeepSubdirs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "dist")
	if err := Write(filepath.Join(dir, "environments"), []File{{"dev/a.k8s.yaml", []byte("dev\n")}, {"prod/a.k8s.yaml", []byte("prod\n")}}); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, []File{{"a.k8s.yaml", []byte("defaults\n")}}, Options{KeepSubdirs: true}); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"a.k8s.yaml": "defaults\n", "environments/dev/a.k8s.yaml": "dev\n", "environments/prod/a.k8s.yaml": "prod\n"}
	if got := testkit.Tree(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
	// Without KeepSubdirs the tree is exactly the files: a removed
	// environment disappears.
	if err := Write(filepath.Join(dir, "environments"), []File{{"dev/a.k8s.yaml", []byte("dev2\n")}}); err != nil {
		t.Fatal(err)
	}
	want = map[string]string{"a.k8s.yaml": "defaults\n", "environments/dev/a.k8s.yaml": "dev2\n"}
	if got := testkit.Tree(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v", got)
	}
	for _, bad := range []string{"../x.yaml", "a/../../x.yaml", "/abs.yaml", ".hidden/x.yaml", "a//b.yaml"} {
		if err := Write(filepath.Join(t.TempDir(), "o"), []File{{bad, nil}}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
