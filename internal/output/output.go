// Package output writes synthesized files into the output directory as one
// atomic step: a run that fails, at any point, leaves the previous output
// exactly as it was.
package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// File is one file to write.
type File struct {
	Name string // a path relative to the output directory, such as a/b.yaml
	Data []byte
}

// Options of Write.
type Options struct {
	// KeepSubdirs carries the subdirectories of the old output over to
	// the new one: other outputs nested inside, such as environments.
	KeepSubdirs bool
}

// Write replaces dir with a directory holding exactly files (and, with
// KeepSubdirs, the old subdirectories). The files are written to a new
// directory beside dir, which is then swapped in. An existing dir is only
// replaced when it holds nothing but YAML files, so a mistaken --out never
// deletes anything else.
func Write(dir string, files []File, opts ...Options) (err error) {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	dir = filepath.Clean(dir)
	if err := checkReplaceable(dir); err != nil {
		return err
	}
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("cannot create the output directory: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return fmt.Errorf("cannot write next to the output directory: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if !validName(f.Name) {
			return fmt.Errorf("internal error: bad output file name %q", f.Name)
		}
		path := filepath.Join(tmp, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, f.Data, 0o644); err != nil {
			return fmt.Errorf("cannot write %s: %w", f.Name, err)
		}
	}
	if o.KeepSubdirs {
		if err := linkSubdirs(dir, tmp); err != nil {
			return err
		}
	}
	return swap(tmp, dir)
}

// validName accepts relative paths of plain names: no "..", no hidden or
// absolute parts.
func validName(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") {
		return false
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || strings.HasPrefix(part, ".") {
			return false
		}
	}
	return true
}

// linkSubdirs gives tmp the subdirectories of dir (unless it has one of
// the same name) as hard links, falling back to copies: the old output
// stays whole until the swap, so an interrupted run changes nothing.
func linkSubdirs(dir, tmp string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := os.Stat(filepath.Join(tmp, e.Name())); err == nil {
			continue
		}
		src := filepath.Join(dir, e.Name())
		err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, path)
			dst := filepath.Join(tmp, rel)
			if d.IsDir() {
				return os.MkdirAll(dst, 0o755)
			}
			if os.Link(path, dst) == nil {
				return nil
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return os.WriteFile(dst, data, 0o644)
		})
		if err != nil {
			return fmt.Errorf("cannot carry %s over: %w", src, err)
		}
	}
	return nil
}

// checkReplaceable refuses to replace anything but a directory of YAML
// files (and folders of them), which is what this program writes.
func checkReplaceable(dir string) error {
	st, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot read the output directory: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("the output path %s exists and is not a directory", dir)
	}
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || (d.Type().IsRegular() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml"))) {
			return nil
		}
		return fmt.Errorf("refusing to replace the output directory %s: it holds %s, which is not a YAML file this program writes; move it away or choose another --out", dir, path)
	})
}

// swap puts the new directory in place of dir and removes the old one.
func swap(tmp, dir string) error {
	if _, err := os.Lstat(dir); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(tmp, dir)
	}
	if err := exchange(tmp, dir); err == nil {
		return os.RemoveAll(tmp) // tmp now holds the old output
	}
	// Without an atomic exchange: move the old output aside, move the new
	// one in, and put the old one back if that fails.
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil {
		return fmt.Errorf("cannot replace the output directory: %w", err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if rerr := os.Rename(old, dir); rerr != nil {
			return fmt.Errorf("cannot replace the output directory: %v; the previous output is in %s", err, old)
		}
		return fmt.Errorf("cannot replace the output directory: %w", err)
	}
	return os.RemoveAll(old)
}
