//go:build !unix

package cli

import (
	"os"
	"os/exec"
)

func ownProcessGroup(cmd *exec.Cmd) {}

func stopProcess(p *os.Process) { p.Kill() }

func resultStream() (*os.File, error) { return os.Stdout, nil }
