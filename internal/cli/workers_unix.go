//go:build unix

package cli

import (
	"os"
	"os/exec"
	"syscall"

	"golang.org/x/sys/unix"
)

// ownProcessGroup puts a worker in a process group of its own: a Ctrl-C
// reaches this process, which stops it (see stopWorkers).
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// stopProcess asks a worker to stop; it removes its temporary files, as
// the program does on SIGTERM.
func stopProcess(p *os.Process) { p.Signal(syscall.SIGTERM) }

// resultStream returns a file on the worker's standard output, and points
// standard output at standard error: what else the process would print
// there (the JavaScript side's console, through jsii) must not get into
// the replies. The file is closed on exec, so that the Node.js process
// does not hold the stream open.
func resultStream() (*os.File, error) {
	fd, err := unix.FcntlInt(1, unix.F_DUPFD_CLOEXEC, 3)
	if err != nil {
		return nil, err
	}
	if err := unix.Dup2(2, 1); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), "results"), nil
}
