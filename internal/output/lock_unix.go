//go:build unix

package output

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// tryLock takes an exclusive advisory lock on f without waiting. Where the
// file system has no locks, it reports success: runs are then not
// serialized, as before locks existed.
func tryLock(f *os.File) bool {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if err != unix.EINTR {
			return err != unix.EWOULDBLOCK
		}
	}
}

// device returns the file system path is on.
func device(path string) (uint64, bool) {
	var st unix.Stat_t
	if unix.Lstat(path, &st) != nil {
		return 0, false
	}
	return uint64(st.Dev), true
}

// writable reports whether this process may create entries in dir; a
// folder that does not exist yet counts as writable.
func writable(dir string) bool {
	err := unix.Access(dir, unix.W_OK|unix.X_OK)
	return err == nil || err == syscall.ENOENT
}

// links returns how many names the file of st has (1 where unknown).
func links(st os.FileInfo) uint64 {
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		return uint64(sys.Nlink)
	}
	return 1
}
