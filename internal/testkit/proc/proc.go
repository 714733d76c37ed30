// Package proc reads the process tree from Linux's /proc, for the tests
// and the benchmark that follow the program's worker and Node.js
// processes.
package proc

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Children lists the child processes of pid, from each of its threads'
// /proc/PID/task/TID/children; none where the kernel does not offer those
// files (see Supported).
func Children(pid int) []int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	var out []int
	for _, task := range tasks {
		data, _ := os.ReadFile(task)
		for _, f := range strings.Fields(string(data)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// Supported reports whether Children can see anything here: Linux with
// CONFIG_PROC_CHILDREN.
func Supported() bool {
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	return len(tasks) > 0
}
