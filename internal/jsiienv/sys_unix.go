//go:build unix

package jsiienv

import (
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// sweepable: the lock tells the folders of live runs from those of dead
// ones.
const sweepable = true

// lock takes an exclusive advisory lock on f without waiting.
func lock(f *os.File) bool {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err != unix.EINTR {
			return err == nil
		}
	}
}

// alive reports whether a process with this id may exist.
func alive(pid int) bool {
	return unix.Kill(pid, 0) != unix.ESRCH
}

// privateFolder makes dir if needed and reports whether it is what jsii
// requires of its package cache: a writable folder of this user, not
// writable by others, under folders of this user or root that others
// cannot write into (but for sticky ones, such as /tmp).
func privateFolder(dir string) bool {
	if os.MkdirAll(dir, 0o700) != nil || unix.Access(dir, unix.W_OK|unix.X_OK) != nil {
		return false
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return false
	}
	uid := uint32(os.Getuid())
	var st unix.Stat_t
	if unix.Lstat(real, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR || st.Uid != uid || st.Mode&0o022 != 0 {
		return false
	}
	for p := filepath.Dir(real); ; p = filepath.Dir(p) {
		if unix.Lstat(p, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
			return false
		}
		if st.Uid != uid && st.Uid != 0 || st.Mode&0o022 != 0 && st.Mode&unix.S_ISVTX == 0 {
			return false
		}
		if filepath.Dir(p) == p {
			return true
		}
	}
}

// silenceStderr points standard error at /dev/null and returns a file
// that still writes to where it went.
func silenceStderr() *os.File {
	saved, err := unix.Dup(2)
	if err != nil {
		return os.Stderr
	}
	if null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0); err == nil {
		unix.Dup2(int(null.Fd()), 2)
		null.Close()
	}
	return os.NewFile(uintptr(saved), "stderr")
}
