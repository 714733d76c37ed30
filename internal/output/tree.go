package output

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// An output directory can sit inside another one, as dist/environments
// sits in dist, and a run on the outer one carries the inner one over:
// runs on either are on one tree. They take turns on one lock, on the
// folder above the tree, and put their temporary folders there: beside the
// tree, never inside a folder another run replaces, carries over or
// refuses to replace because of what it holds.

// Temporary folders are named tmpPrefix and a random number; oldSuffix
// marks the previous output where no atomic exchange is available.
const (
	tmpPrefix = ".caracal-cdk8s.tmp-"
	oldSuffix = ".old"
)

// tree is the output tree of one write.
type tree struct {
	root   string // the topmost folder of the tree
	parent string // the folder above it: the lock and the temporary folders
}

// findTree finds the tree of target, an absolute output directory: the
// folders above it count as long as a run could replace them, that is, as
// long as they do not exist yet (the write creates them) or hold nothing
// but outputs (checkReplaceable's rule). The tree ends below another file
// system, where a rename cannot reach, and below a folder this process
// cannot write into.
func findTree(target string) tree {
	dev, _ := device(existing(target))
	root := target
	for {
		p := filepath.Dir(root)
		up := filepath.Dir(p)
		if p == root || up == p || !ours(p, dev) || !writable(up) {
			break
		}
		root = p
	}
	return tree{root: root, parent: filepath.Dir(root)}
}

// existing returns path or its nearest ancestor that exists.
func existing(path string) string {
	for {
		if _, err := os.Lstat(path); err == nil || filepath.Dir(path) == path {
			return path
		}
		path = filepath.Dir(path)
	}
}

var errStop = errors.New("stop")

// ours reports whether the folder p belongs to an output tree on the file
// system dev.
func ours(p string, dev uint64) bool {
	st, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	if err != nil || !st.IsDir() {
		return false
	}
	if d, ok := device(p); ok && d != dev {
		return false
	}
	return scan(p, func(string, error) error { return errStop }) == nil
}

// lock takes the lock of target's tree, waiting for another run that holds
// it, and returns the tree and how to release it.
func (w Writer) lock(target string) (tree, func(), error) {
	wait := w.Wait
	if wait == 0 {
		wait = DefaultWait
	}
	deadline := time.Now().Add(wait)
	told := false
	for {
		t := findTree(target)
		if err := os.MkdirAll(t.parent, 0o755); err != nil {
			return tree{}, nil, fmt.Errorf("cannot create the output directory: %w", err)
		}
		f, err := os.Open(t.parent)
		if err != nil {
			return tree{}, nil, fmt.Errorf("cannot lock the output directory: %w", err)
		}
		if tryLock(f) {
			// The tree may have changed while this run waited: the lock
			// counts only if it is still the tree's.
			if st, err := os.Stat(t.parent); err == nil && findTree(target) == t && sameFile(f, st) {
				return t, func() { f.Close() }, nil
			}
			f.Close()
			continue
		}
		f.Close()
		if !told && w.Log != nil {
			fmt.Fprintf(w.Log, "waiting for another caracal-cdk8s run that writes into %s\n", t.root)
			told = true
		}
		if time.Now().After(deadline) {
			return tree{}, nil, fmt.Errorf("another caracal-cdk8s run has been writing into %s for over %v; try again once it has finished", t.root, wait)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func sameFile(f *os.File, st fs.FileInfo) bool {
	fst, err := f.Stat()
	return err == nil && os.SameFile(fst, st)
}

// sweep removes the temporary folders of runs that died: beside the tree,
// and inside it (where earlier versions put them). The caller holds the
// tree's lock, so no live run is using them.
func sweep(t tree) {
	entries, _ := os.ReadDir(t.parent)
	for _, e := range entries {
		name := e.Name()
		// Beside the tree, an older version's folder is recognized by the
		// tree's name: the folder around it is the user's.
		if strings.HasPrefix(name, tmpPrefix) || isOldTemp(name) && strings.HasPrefix(name, "."+filepath.Base(t.root)+".tmp-") {
			if path := filepath.Join(t.parent, name); isDebris(path) {
				os.RemoveAll(path)
			}
		}
	}
	filepath.WalkDir(t.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if path != t.root && isTemp(d.Name()) {
			if isDebris(path) {
				os.RemoveAll(path)
			}
			return filepath.SkipDir
		}
		return nil
	})
}

// isTemp reports whether name is that of a temporary folder, of this
// version or an earlier one (".<output>.tmp-<digits>", and ".old").
func isTemp(name string) bool {
	return strings.HasPrefix(name, tmpPrefix) || isOldTemp(name)
}

func isOldTemp(name string) bool {
	name = strings.TrimSuffix(name, oldSuffix)
	i := strings.LastIndex(name, ".tmp-")
	if !strings.HasPrefix(name, ".") || i < 2 || i+len(".tmp-") == len(name) {
		return false
	}
	return strings.Trim(name[i+len(".tmp-"):], "0123456789") == ""
}

// isDebris reports whether path is a folder of nothing but folders and
// YAML files, as a temporary folder of this program is (a file may be cut
// short, so the marker is not required): anything else is the user's.
func isDebris(path string) bool {
	st, err := os.Lstat(path)
	if err != nil || !st.IsDir() {
		return false
	}
	return filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || d.Type().IsRegular() && isYAML(p) {
			return nil
		}
		return errStop
	}) == nil
}
