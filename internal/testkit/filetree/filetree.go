// Package filetree reads a folder's files for before-and-after
// comparisons in tests. It depends on nothing of this program, so the
// tests of the output writer, which synthesis itself uses, can use it.
package filetree

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Read reads every file below dir, keyed by its path relative to dir. A
// missing dir reads as empty.
func Read(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && path == dir {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out[rel] = string(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
