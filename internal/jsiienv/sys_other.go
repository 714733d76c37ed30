//go:build !unix

package jsiienv

import "os"

// Without flock, the folders of dead runs cannot be told from those of
// live ones: they are kept.
const sweepable = false

func lock(f *os.File) bool { return true }

func alive(pid int) bool { return true }

func privateFolder(dir string) bool { return true }

func silenceStderr() *os.File { return os.Stderr }
