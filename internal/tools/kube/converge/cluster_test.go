package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A server that exits during start-up is reported at once, with its log,
// not after the readiness timeout.
func TestStartClusterReportsAnEarlyExit(t *testing.T) {
	dir := t.TempDir()
	crash := filepath.Join(dir, "crash")
	if err := os.WriteFile(crash, []byte("#!/bin/sh\necho boom >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	// The API server waits, so that the crash reported is etcd's and no
	// other's (two crashing at once race to be noticed first).
	wait := filepath.Join(dir, "wait")
	if err := os.WriteFile(wait, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	c, err := startCluster(binaries{apiserver: wait, etcd: crash}, dir, false)
	if c != nil {
		defer c.stop()
	}
	if err == nil {
		t.Fatal("a cluster whose etcd exits was ready")
	}
	for _, want := range []string{"etcd exited (exit status 3); the end of " + dir, "boom"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("the exit was noticed after %s", d)
	}
}
