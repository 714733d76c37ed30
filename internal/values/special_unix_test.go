//go:build unix

package values

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The loader itself refuses a file that is not regular, without blocking
// on a named pipe that has no writer: a check made before it by the caller
// could be outrun by a pipe put in the file's place.
func TestReadRefusesSpecialFilesWithoutBlocking(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "values.yaml")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{fifo, "/dev/zero"} {
		_, err := Read([]string{name})
		if err == nil || !strings.Contains(err.Error(), name+": cannot read the values file: it is not a regular file") {
			t.Errorf("%s: %v", name, err)
		}
	}
}
