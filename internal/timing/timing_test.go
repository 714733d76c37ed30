package timing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// reset forgets what earlier tests recorded.
func reset() {
	stages, total = nil, map[string]time.Duration{}
}

func TestWriteSumsStagesInOrder(t *testing.T) {
	reset()
	file = filepath.Join(t.TempDir(), "timings")
	defer func() { file = "" }()
	Main()
	now := time.Now()
	Since("b", now.Add(-2*time.Second))
	Since("a", now.Add(-time.Second))
	Since("b", now.Add(-time.Second))
	Write()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "main ") ||
		!strings.HasPrefix(lines[1], "3.0") || !strings.HasSuffix(lines[1], " b") ||
		!strings.HasPrefix(lines[2], "1.0") || !strings.HasSuffix(lines[2], " a") {
		t.Errorf("%q", lines)
	}
}

func TestNothingWithoutTheVariable(t *testing.T) {
	reset()
	file = ""
	Since("x", time.Now())
	Write() // must not panic or write anywhere
	if _, ok := total["x"]; ok || len(stages) != 0 {
		t.Errorf("recorded %v", total)
	}
}
