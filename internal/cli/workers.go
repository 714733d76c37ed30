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
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
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

// workReply is a worker's output for one item; or, with Started, word
// that it begins the next item (the one after those it has begun), so
// that a worker that dies is known to have died on that one.
type workReply struct {
	Files   []synth.File
	Err     string // the synthesis error
	Started bool
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

// resolveComposed makes and resolves the app composed for v (its jsii
// part); tests make it fail.
var resolveComposed = func(v *values.Values, c *synth.Composed) (*synth.Resolved, error) { return c.Resolve() }

// composeAhead is how many outputs inOrder keeps composed ahead of the
// one in jsii. Composing one takes the Go side about 4 ms, and the jsii
// runtime a fifth of a second to start (see synth.Start), then about as
// long to make each as the Go side takes to render it: composed while the
// runtime starts, 30 environments took a tenth less time than with 8
// composed ahead (the README's benchmark). It is bounded all the same, so
// that a long list is not all held at once (a composed output holds some
// hundred kilobytes).
const composeAhead = 32

// inOrder synthesizes n outputs one after another, the values of each
// from load, in three steps that overlap: while this goroutine makes and
// resolves output i in jsii (resolveComposed), another loads and composes
// the outputs after it (synth.Compose, in Go only), up to composeAhead of
// them, and another renders output i-1, so that the Go side's work goes on
// beside the Node.js process's. started, when not nil, is told of each
// output before its jsii call (a worker that dies is named by the output
// it told last, though a fatal error of Go's, such as a stack overflow,
// may have come from composing one ahead). emit is given each output's
// files, or its error, in order, on one goroutine, and returns whether to
// go on. After an error, or emit's no, nothing more is emitted, and no
// output is begun (the one begun beside the failing one's rendering, and
// those composed ahead, are dropped; a failure to load or compose one
// stops the composing). inOrder returns once emit has returned for the
// last.
func inOrder(n int, load func(i int) (*values.Values, error), started func(i int), emit func(i int, files []synth.File, err error) bool) {
	type result struct {
		files []synth.File
		err   error
	}
	type composed struct {
		v   *values.Values
		c   *synth.Composed
		err error
	}
	compose := func(i int) (cv composed) {
		defer func() {
			// Compose recovers the constructs' panics; a load's are
			// errors too, not a crash.
			if recover() != nil {
				// The panic's value may quote the values: not shown.
				cv = composed{err: errors.New("loading the values failed (an internal error)")}
			}
		}()
		v, err := load(i)
		if err != nil {
			return composed{err: err}
		}
		c, err := synth.Compose(v)
		return composed{v, c, err}
	}
	ready := make(chan composed, composeAhead) // the outputs composed, in order
	quit := make(chan struct{})                // closed when no more are taken
	stopComposing := sync.OnceFunc(func() { close(quit) })
	composing := make(chan struct{}) // closed once the composer has returned
	go func() {
		defer close(composing)
		defer close(ready)
		for i := 0; i < n; i++ {
			select {
			case <-quit:
				return
			default:
			}
			cv := compose(i)
			select {
			case ready <- cv:
			case <-quit:
				return
			}
			if cv.err != nil {
				return
			}
		}
	}()
	defer func() {
		// What is being composed ahead is waited for: nothing of
		// inOrder's runs once it has returned.
		stopComposing()
		<-composing
	}()
	pending := make(chan chan result, n) // each output's result, in order
	emitted := make([]chan struct{}, n)  // closed once output i is emitted (or dropped)
	for i := range emitted {
		emitted[i] = make(chan struct{})
	}
	var stop atomic.Bool
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		i := 0
		for c := range pending {
			r := <-c
			if !stop.Load() && (!emit(i, r.files, r.err) || r.err != nil) {
				stop.Store(true)
				stopComposing() // nothing more is made
			}
			close(emitted[i])
			i++
		}
	}()
	for i := 0; i < n; i++ {
		// Output i is made once i-2 is emitted: one renders while the
		// next resolves, and an error stops what comes after the next.
		if i >= 2 {
			<-emitted[i-2]
		}
		if stop.Load() {
			break
		}
		// The composer stops after an error, and so does this; it also
		// stops, closing ready, once emit has said stop.
		cv, ok := <-ready
		if !ok {
			break
		}
		c := make(chan result, 1)
		var r *synth.Resolved
		err := cv.err
		if err == nil {
			if started != nil {
				started(i)
			}
			r, err = resolveComposed(cv.v, cv.c)
		}
		pending <- c
		if err != nil {
			c <- result{err: err}
			break
		}
		go func() {
			defer func() {
				// Render recovers a chart's panic itself; anything else
				// is an error too, not a crash.
				if p := recover(); p != nil {
					c <- result{err: fmt.Errorf("rendering: %v", p)}
				}
			}()
			files, err := r.Render()
			c <- result{files, err}
		}()
	}
	close(pending)
	<-finished
}

// jobsFlag is --jobs; 0, when it is not given, means one per two CPUs.
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

// workers is the number of worker processes for jobs (--jobs; 0 when it
// is not given): one worker keeps more than one CPU busy, as its Go
// process and its Node.js process take turns, and each output renders
// while the next is built. On two CPUs, two workers slowed each other
// down (the README's benchmark): one per two CPUs. GOMAXPROCS is the
// number of CPUs, or fewer where a container's CPU limit says so.
func workers(jobs int) int {
	if jobs == 0 {
		return max(1, runtime.GOMAXPROCS(0)/2)
	}
	return jobs
}

// lessGC lets the heap grow to five times what is live, not twice (Go's
// default), when a process synthesizes n outputs, n > 1: each output's
// garbage is some megabytes, and the collections took a tenth of the Go
// side's time, on the CPUs that the Node.js process needs. It costs a few
// tens of megabytes more at the peak (see the README's benchmark). A
// GOGC that the user set is left alone.
func lessGC(n int) {
	if n > 1 && os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// synthesizeAll synthesizes the tasks and returns their files in the
// tasks' order: in this process when one worker would do, else in up to
// jobs workers (0: one per two CPUs), each given a contiguous share. The
// first failure stops the other workers. Each task's files are given to
// done (when not nil), in order: in this process, as soon as they are
// rendered, beside the synthesis of the next; from workers, once all have
// ended. An error of done's stops the synthesis, and is returned.
func synthesizeAll(tasks []task, jobs int, done func(i int, files []synth.File) error) ([][]synth.File, error) {
	n := min(workers(jobs), len(tasks))
	files := make([][]synth.File, len(tasks))
	if n <= 1 {
		synth.Start() // while the first are composed
		lessGC(len(tasks))
		var first error
		inOrder(len(tasks), func(i int) (*values.Values, error) { return tasks[i].v, nil }, nil,
			func(i int, f []synth.File, err error) bool {
				files[i] = f
				if err == nil && done != nil {
					if err := done(i, f); err != nil {
						first = err
						return false
					}
				}
				if err != nil {
					first = tasks[i].wrap(err)
				}
				return true
			})
		if first != nil {
			return nil, first
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
	if done != nil {
		for i, f := range files {
			if err := done(i, f); err != nil {
				return nil, err
			}
		}
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
	n := 0      // items replied to
	begun := -1 // the last item the worker said it began
	for n < len(tasks) {
		var r workReply
		if err := dec.Decode(&r); err != nil {
			if err != io.EOF && err != io.ErrUnexpectedEOF {
				unreadable = err
			}
			break
		}
		if r.Started {
			begun++
			continue
		}
		if r.Err != "" {
			failed = tasks[n].wrap(errors.New(r.Err))
			break
		}
		files[n] = r.Files
		n++
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
		// The item it died on: the last it began (it renders one while
		// it begins the next), else the first it did not reply to.
		t := tasks[min(max(n, begun), len(tasks)-1)]
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
	synth.Start()
	lessGC(len(items))
	buf := bufio.NewWriter(out)
	enc := gob.NewEncoder(buf)
	// The word that an item begins (from inOrder's goroutine) and the
	// replies (from its emitter) share the stream; each goes at once: a
	// failure stops the other workers.
	var mu sync.Mutex
	code := ExitOK
	send := func(r workReply) bool {
		mu.Lock()
		defer mu.Unlock()
		if code == ExitOK && (enc.Encode(r) != nil || buf.Flush() != nil) {
			code = ExitFailure // the parent stops this worker
		}
		return code == ExitOK
	}
	inOrder(len(items), func(i int) (*values.Values, error) { return values.Parse(items[i].Layers, items[i].Sets) },
		func(int) { send(workReply{Started: true}) },
		func(i int, files []synth.File, err error) bool {
			r := workReply{Files: files}
			if err != nil {
				r.Err = err.Error()
			}
			if !send(r) || r.Err != "" {
				mu.Lock()
				code = ExitFailure
				mu.Unlock()
				return false
			}
			return true
		})
	return code
}
