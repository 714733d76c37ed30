package cli

import (
	"bufio"
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"

	"caracal.dev/caracal-cdk8s/internal/jsiienv"
	"caracal.dev/caracal-cdk8s/internal/synth"
	"caracal.dev/caracal-cdk8s/internal/values"
)

// A jsii runtime runs one synthesis at a time, on about one CPU (the Go
// side and Node.js take turns), so several outputs are synthesized in
// worker processes, each this program run with workerCommand, each with a
// runtime of its own. The parent loads and validates every input first and
// writes every output at the end, as a serial run does: the output, the
// messages and the exit status do not depend on the number of workers.

// workerCommand is the hidden command of a worker. Its standard input is
// a gob-encoded []workItem; its standard output a gob-encoded workReply
// per item, in order, up to the first that failed.
const workerCommand = "__synth-worker"

// workItem is one output for a worker: the values sources as bytes (a
// worker cannot read standard input again, and a file could change in
// between) and the --set arguments, which the parent has validated.
type workItem struct {
	Layers []values.Source
	Sets   []string
}

// workReply is a worker's output for one item.
type workReply struct {
	Files []synth.File
	Err   string // the synthesis error
}

// task is one output to synthesize.
type task struct {
	env  string         // the environment; "" for the defaults
	v    *values.Values // as loaded here
	item workItem       // what a worker loads the same values from
}

// wrap names the task's environment in an error, as the messages do.
func (t task) wrap(err error) error {
	if t.env == "" {
		return err
	}
	return fmt.Errorf("environment %s: %w", t.env, err)
}

// synthesize is synth.Synthesize; tests make it fail.
var synthesize = synth.Synthesize

// jobsFlag is --jobs; 0, when it is not given, means one per CPU.
type jobsFlag int

func (j *jobsFlag) String() string { return strconv.Itoa(int(*j)) }

func (j *jobsFlag) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return errors.New("the number of worker processes must be a whole number, 1 or more")
	}
	*j = jobsFlag(n)
	return nil
}

// synthesizeAll synthesizes the tasks and returns their files in the
// tasks' order: in this process when one worker would do, else in up to
// jobs workers (0: one per CPU), each given a contiguous share. The first
// failure stops the other workers.
func synthesizeAll(tasks []task, jobs int) ([][]synth.File, error) {
	if jobs == 0 {
		// GOMAXPROCS is the number of CPUs, or fewer where a container's
		// CPU limit says so.
		jobs = runtime.GOMAXPROCS(0)
	}
	n := min(jobs, len(tasks))
	files := make([][]synth.File, len(tasks))
	if n <= 1 {
		for i, t := range tasks {
			f, err := synthesize(t.v)
			if err != nil {
				return nil, t.wrap(err)
			}
			files[i] = f
		}
		return files, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("cannot start the synthesis worker processes: %w", err)
	}
	p := &pool{}
	errs := make(chan error, n)
	for w := range n {
		lo, hi := w*len(tasks)/n, (w+1)*len(tasks)/n
		go func() { errs <- p.run(exe, tasks[lo:hi], files[lo:hi]) }()
	}
	var first error
	for range n {
		if err := <-errs; err != nil && first == nil {
			first = err
			p.stop() // what the others make is of no use now
		}
	}
	if first != nil {
		return nil, first
	}
	return files, nil
}

// The running workers, which a signal to this process stops: they are in
// process groups of their own, so that a Ctrl-C reaches each exactly once,
// from here (a second signal would end a worker before its clean-up).
var (
	workersMu   sync.Mutex
	running     = map[*worker]bool{}
	interrupted bool // a signal is ending the process: start no more
)

// pool is the workers of one synthesizeAll.
type pool struct{ stopped bool }

type worker struct {
	cmd     *exec.Cmd
	pool    *pool
	done    chan struct{} // closed once it has ended
	stopped bool          // under workersMu
}

// stop asks the worker to stop, once: a second signal would end it before
// it has removed its temporary files. The caller holds workersMu.
func (w *worker) stop() {
	if !w.stopped {
		w.stopped = true
		stopProcess(w.cmd.Process)
	}
}

func init() {
	jsiienv.OnInterrupt(func() string {
		stopWorkers(5 * time.Second)
		return ""
	})
}

// stopWorkers stops every worker, and any from starting, and waits up to
// d for them to end: each removes its own temporary files as it stops.
func stopWorkers(d time.Duration) {
	workersMu.Lock()
	interrupted = true
	var dones []chan struct{}
	for w := range running {
		w.stop()
		dones = append(dones, w.done)
	}
	workersMu.Unlock()
	timeout := time.After(d)
	for _, done := range dones {
		select {
		case <-done:
		case <-timeout:
			return
		}
	}
}

// stop stops the pool's workers, and any from starting.
func (p *pool) stop() {
	workersMu.Lock()
	defer workersMu.Unlock()
	p.stopped = true
	for w := range running {
		if w.pool == p {
			w.stop()
		}
	}
}

var errStopped = errors.New("stopped")

func (p *pool) start(cmd *exec.Cmd) (*worker, error) {
	workersMu.Lock()
	defer workersMu.Unlock()
	if interrupted || p.stopped {
		return nil, errStopped
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	w := &worker{cmd: cmd, pool: p, done: make(chan struct{})}
	running[w] = true
	return w, nil
}

func (w *worker) wait() error {
	err := w.cmd.Wait()
	workersMu.Lock()
	delete(running, w)
	workersMu.Unlock()
	close(w.done)
	return err
}

// run synthesizes tasks in one worker, into files.
func (p *pool) run(exe string, tasks []task, files [][]synth.File) error {
	items := make([]workItem, len(tasks))
	for i, t := range tasks {
		items[i] = t.item
	}
	var req bytes.Buffer
	if err := gob.NewEncoder(&req).Encode(items); err != nil {
		return fmt.Errorf("internal error: %v", err)
	}
	cmd := exec.Command(exe, workerCommand)
	// The worker makes its private temporary folder beside this
	// process's, not in it: each removes its own.
	cmd.Env = append(os.Environ(), "TMPDIR="+jsiienv.BaseTemp())
	cmd.Stdin = &req
	// Its standard error is never shown: it may hold anything, down to a
	// Go stack trace or a value. Its reply or its exit status tells.
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("cannot start a synthesis worker process: %w", err)
	}
	ownProcessGroup(cmd)
	w, err := p.start(cmd)
	if err != nil {
		return fmt.Errorf("cannot start a synthesis worker process: %w", err)
	}
	dec := gob.NewDecoder(bufio.NewReader(stdout))
	var failed, unreadable error
	n := 0
	for ; n < len(tasks); n++ {
		var r workReply
		if err := dec.Decode(&r); err != nil {
			if err != io.EOF && err != io.ErrUnexpectedEOF {
				unreadable = err
			}
			break
		}
		if r.Err != "" {
			failed = tasks[n].wrap(errors.New(r.Err))
			break
		}
		files[n] = r.Files
	}
	if n < len(tasks) {
		workersMu.Lock()
		w.stop() // it may still be writing
		workersMu.Unlock()
	}
	err = w.wait()
	switch {
	case failed != nil:
		return failed
	case n < len(tasks) || err != nil:
		// Not the error of gob, nor anything else the worker wrote: it
		// could quote the values.
		how := ended(err)
		if unreadable != nil {
			how = "sent results that could not be read"
		}
		t := tasks[min(n, len(tasks)-1)]
		return t.wrap(fmt.Errorf("synthesis failed: its worker process %s", how))
	}
	return nil
}

// ended says how a worker that did not reply ended, from cmd.Wait's error.
func ended(err error) string {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return "ended without its results"
	case errors.As(err, &exit):
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return fmt.Sprintf("was ended by a signal (%v)", ws.Signal())
		}
		return fmt.Sprintf("exited with status %d", exit.ExitCode())
	default:
		return fmt.Sprintf("failed: %v", err)
	}
}

// runWorker is a worker process: it synthesizes the items on its standard
// input, replying to each on its standard output.
func runWorker(stderr io.Writer) int {
	out, err := resultStream()
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return ExitFailure
	}
	var items []workItem
	if err := gob.NewDecoder(os.Stdin).Decode(&items); err != nil {
		fmt.Fprintf(stderr, "error: %s is for caracal-cdk8s itself to run: %v\n", workerCommand, err)
		return ExitInvalid
	}
	buf := bufio.NewWriter(out)
	enc := gob.NewEncoder(buf)
	for _, it := range items {
		var r workReply
		v, err := values.Parse(it.Layers, it.Sets)
		if err == nil {
			r.Files, err = synthesize(v)
		}
		if err != nil {
			r.Err = err.Error()
		}
		// Each reply goes at once: a failure stops the other workers.
		if err := enc.Encode(r); err != nil {
			return ExitFailure
		}
		if err := buf.Flush(); err != nil || r.Err != "" {
			return ExitFailure
		}
	}
	return ExitOK
}
