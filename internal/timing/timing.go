// Package timing records where a run's time goes, for make bench: when
// the environment variable CARACAL_TIMINGS names a file, the run appends
// to it the wall-clock time at which main started and the time each stage
// took (summed over the environments of a run). Without it, it records
// nothing. Timings are reported by the benchmark, never asserted.
package timing

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// Env names the file the timings are appended to.
const Env = "CARACAL_TIMINGS"

var (
	file    = os.Getenv(Env)
	mu      sync.Mutex
	started time.Time
	stages  []string // in the order first seen
	total   = map[string]time.Duration{}
)

// Main marks the start of main.
func Main() {
	started = time.Now()
}

// Since adds the time since t to stage.
func Since(stage string, t time.Time) {
	if file == "" {
		return
	}
	d := time.Since(t)
	mu.Lock()
	defer mu.Unlock()
	if _, ok := total[stage]; !ok {
		stages = append(stages, stage)
	}
	total[stage] += d
}

// Write appends the timings to the file, as lines of "main <unix
// nanoseconds>" and "<seconds> <stage>". Errors are ignored: the
// timings are a measurement aid.
func Write() {
	if file == "" {
		return
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return
	}
	defer f.Close()
	mu.Lock()
	defer mu.Unlock()
	fmt.Fprintf(f, "main %d\n", started.UnixNano())
	for _, s := range stages {
		fmt.Fprintf(f, "%.6f %s\n", total[s].Seconds(), s)
	}
}
