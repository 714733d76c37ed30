package jsiienv

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// The jsii runtime and its Node.js process put megabytes of temporary
// files into $TMPDIR and remove them only when closed in order. TMPDIR is
// therefore pointed at a folder of this process's own,
// <TMPDIR>/caracal-cdk8s-run-<pid>-<random>, which is removed at exit and
// on a signal. A run that was killed cannot remove it: each run removes
// the folders of dead runs, known by their lock file, which a live run
// holds locked.
const (
	privatePrefix = "caracal-cdk8s-run-"
	lockName      = "lock"
)

var (
	base     string   // the temporary folder the process was given
	private  string   // this process's temporary folder, in base
	lockFile *os.File // held for the life of the process
)

func makePrivateTemp() error {
	base = os.TempDir()
	sweep(base)
	dir, f, err := newPrivate(base)
	if err != nil {
		return err
	}
	private, lockFile = dir, f
	os.Setenv("TMPDIR", dir)
	return nil
}

// newPrivate makes a private folder in base, and its locked lock file.
func newPrivate(base string) (string, *os.File, error) {
	dir, err := os.MkdirTemp(base, fmt.Sprintf("%s%d-", privatePrefix, os.Getpid()))
	if err != nil {
		return "", nil, fmt.Errorf("cannot create a temporary folder in %s (set TMPDIR to a writable folder): %v", base, unwrap(err))
	}
	// The lock file appears locked: made under another name, locked, then
	// renamed. Until then the folder has no lock file, and a sweep asks
	// whether its process lives.
	name := filepath.Join(dir, lockName)
	f, err := os.OpenFile(name+".new", os.O_CREATE|os.O_RDWR, 0o600)
	if err == nil && !lock(f) {
		err = errors.New("cannot lock it")
	}
	if err == nil {
		err = os.Rename(name+".new", name)
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, fmt.Errorf("cannot use the temporary folder %s (set TMPDIR to a writable folder): %v", dir, unwrap(err))
	}
	return dir, f, nil
}

func unwrap(err error) error {
	var perr *fs.PathError
	if errors.As(err, &perr) {
		return perr.Err
	}
	return err
}

// BaseTemp is the temporary folder the process was given, before TMPDIR
// was pointed at its private one: the TMPDIR of a process of this program
// that it starts, which then makes its private folder beside this one and
// removes it itself, rather than inside the one this process removes.
func BaseTemp() string { return base }

// removePrivateTemp removes this process's temporary folder.
func removePrivateTemp() {
	if private != "" {
		os.RemoveAll(private)
		lockFile.Close()
		private = ""
	}
}

// noTemp points TMPDIR, for the rest of the process, at a folder that
// does not exist, so that no temporary file can be made any more.
func noTemp() {
	if private != "" {
		os.Setenv("TMPDIR", filepath.Join(private, "gone"))
	}
}

// sweep removes the temporary folders of dead runs from base: those whose
// lock is free, and those without a lock file whose process is gone (a run
// killed between making its folder and locking it).
func sweep(base string) {
	if !sweepable {
		return
	}
	entries, err := os.ReadDir(base)
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, ok := runPID(e.Name())
		if !ok || !e.IsDir() {
			continue
		}
		dir := filepath.Join(base, e.Name())
		f, err := os.OpenFile(filepath.Join(dir, lockName), os.O_RDWR, 0)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			if !alive(pid) {
				os.RemoveAll(dir)
			}
		case err == nil:
			if lock(f) {
				os.RemoveAll(dir)
			}
			f.Close()
		}
	}
}

// runPID parses the process id out of a private folder's name.
func runPID(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, privatePrefix)
	if !ok {
		return 0, false
	}
	digits, _, ok := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(digits)
	return pid, ok && err == nil && pid > 0
}
