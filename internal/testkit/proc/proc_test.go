package proc

import (
	"os"
	"os/exec"
	"slices"
	"testing"
)

func TestChildrenListsAChildUntilItIsReaped(t *testing.T) {
	if !Supported() {
		t.Skip("needs /proc/PID/task/TID/children")
	}
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	pid := cmd.Process.Pid
	if got := Children(os.Getpid()); !slices.Contains(got, pid) {
		t.Errorf("Children = %v, want it to hold the child %d", got, pid)
	}
	if got := Children(pid); len(got) != 0 {
		t.Errorf("Children of sleep = %v, want none", got)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if got := Children(os.Getpid()); slices.Contains(got, pid) {
		t.Errorf("Children = %v still holds %d after it was reaped", got, pid)
	}
}
