//go:build !unix

package output

import "os"

// Without flock, runs are not serialized.
func tryLock(f *os.File) bool { return true }

func device(path string) (uint64, bool) { return 0, false }

func writable(dir string) bool { return true }

// links is 0 where no link count can be read: an unchanged file is then
// written again, never linked.
func links(st os.FileInfo) uint64 { return 0 }
