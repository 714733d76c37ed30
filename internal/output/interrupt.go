package output

import (
	"fmt"
	"os"
	"runtime"
	"sync"
)

// A write is a series of steps that change the file system, each under
// mu (several at once: the files are written side by side), so that
// Interrupt can stop it between steps.
var (
	mu      sync.RWMutex
	pending []string // the temporary folders of the write in progress
	swapped bool     // whether its new output is in place
)

func start() {
	mu.Lock()
	pending, swapped = nil, false
	mu.Unlock()
}

func step(f func() error) error {
	mu.RLock()
	defer mu.RUnlock()
	return f()
}

// steps runs step(f(i)) for each i below n, several at a time (files are
// small: a write waits more on the file system than on a CPU), and
// returns the error of the lowest i that failed.
func steps(n int, f func(i int) error) error {
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, 2*runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				errs[i] = step(func() error { return f(i) })
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Interrupt stops the write in progress, if any, after its current step,
// and removes its temporary folders; no step runs afterwards, as the
// process is about to exit. It reports whether the new output had been put
// in place.
func Interrupt() (written bool) {
	mu.Lock() // never unlocked
	for _, p := range pending {
		os.RemoveAll(p)
	}
	return swapped
}

// PauseEnv names a step at which a write stops, for tests only: it prints
// "test pause at <step>" and waits for a byte on standard input, or its
// end, while the test signals the process or starts another run. The
// steps: locked (the lock is held), writing (the first file is in the
// temporary folder), written (all files are), swapped (the new output is
// in place, the old one not removed yet).
const PauseEnv = "CARACAL_CDK8S_TEST_PAUSE"

func (w Writer) pause(at string) {
	if os.Getenv(PauseEnv) != at {
		return
	}
	if w.Log != nil {
		fmt.Fprintf(w.Log, "test pause at %s\n", at)
	}
	os.Stdin.Read(make([]byte, 1))
}
