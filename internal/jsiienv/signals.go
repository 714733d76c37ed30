package jsiienv

import (
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

var (
	exiting     sync.Mutex // held by whoever ends the process: Exit or an interrupt
	hooks       sync.Mutex
	atExit      []func()
	onInterrupt []func() string
)

// AtExit registers f to run when the process ends, by Exit or by a signal,
// such as jsii.Close, which stops the Node.js process and removes the
// runtime's files.
func AtExit(f func()) {
	hooks.Lock()
	defer hooks.Unlock()
	atExit = append(atExit, f)
}

// OnInterrupt registers f to run first when a signal ends the process; f
// stops what the program is doing and says in a few words what is left,
// such as "nothing was written".
func OnInterrupt(f func() string) {
	hooks.Lock()
	defer hooks.Unlock()
	onInterrupt = append(onInterrupt, f)
}

// Exit runs the AtExit functions, removes the private temporary folder and
// exits with code. If a signal is ending the process already, Exit waits
// for it to do so.
func Exit(code int) {
	exiting.Lock() // never unlocked
	runAtExit()
	removePrivateTemp()
	os.Exit(code)
}

func runAtExit() {
	hooks.Lock()
	fs := append([]func(){}, atExit...)
	hooks.Unlock()
	for _, f := range fs {
		f()
	}
}

// exitGrace bounds the AtExit functions on a signal: a Node.js process that
// does not stop must not keep the program from exiting.
const exitGrace = 5 * time.Second

// handleSignals ends the process cleanly on SIGINT, SIGTERM and SIGHUP,
// with exit status 128 + the signal's number, as a shell reports a process
// the signal killed. A signal the program was started with ignored (as
// nohup and background jobs do) stays ignored.
func handleSignals() {
	sigs := []os.Signal{syscall.SIGTERM}
	for _, s := range []os.Signal{syscall.SIGINT, syscall.SIGHUP} {
		if !signal.Ignored(s) {
			sigs = append(sigs, s)
		}
	}
	c := make(chan os.Signal, 1)
	signal.Notify(c, sigs...)
	go func() {
		sig := <-c
		close(signalled)
		go interrupted(sig)
		// A second signal does not wait for the clean-up: the next run
		// removes what is left.
		<-c
		os.Exit(exitCode(sig))
	}()
}

// crashOutput is given the file that standard error went to once a signal
// has silenced it (see OnCrashOutput).
var crashOutput func(*os.File)

// OnCrashOutput registers f to be given that file, for the program's crash
// output: main passes runtime/debug.SetCrashOutput. This package cannot
// import runtime/debug itself: a dependency that the jsii packages do not
// share would delay its init until after theirs (see the package comment).
func OnCrashOutput(f func(*os.File)) {
	hooks.Lock()
	defer hooks.Unlock()
	crashOutput = f
}

// mainStarted is closed by MainStarted.
var (
	mainStarted = make(chan struct{})
	mainOnce    sync.Once
)

// MainStarted tells this package that the program's main has registered
// its AtExit functions; a signal that comes before waits for it (see
// interrupted).
func MainStarted() {
	mainOnce.Do(func() { close(mainStarted) })
}

// signalled is closed when a signal starts ending the process.
var signalled = make(chan struct{})

// AwaitSignal gives a signal on its way up to d to end the process, and
// returns if none comes. The Node.js runtime is in the program's process
// group: a Ctrl-C reaches both, and the runtime may die of it (a failed
// jsii call) before the program sees it; that failure must read as the
// interrupt it is, not as an error.
func AwaitSignal(d time.Duration) {
	select {
	case <-signalled:
		select {} // the interrupt ends the process
	case <-time.After(d):
	}
}

func exitCode(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}

func interrupted(sig os.Signal) {
	exiting.Lock() // never unlocked; blocks for good if Exit runs already
	// A signal while the packages' init functions run may come as jsii
	// unpacks its runtime into the private folder: removing the folder
	// then races with the unpacking (and leaves it behind), and pointing
	// TMPDIR elsewhere (noTemp) fails the unpacking, a panic in init. Init
	// takes milliseconds: wait for main, and its AtExit functions.
	select {
	case <-mainStarted:
	case <-time.After(exitGrace):
	}
	// What the program, jsii and Node.js would print while they stop
	// (failed requests, a runtime that "exited abnormally") is noise now:
	// the message below is the last word.
	stderr := silenceStderr()
	hooks.Lock()
	fs := append([]func() string{}, onInterrupt...)
	crash := crashOutput
	hooks.Unlock()
	// A crash from here on (a panic in a goroutine that is still running)
	// would print its trace to the silenced standard error and exit with 2
	// after the message below, unexplained; the trace goes where standard
	// error went instead.
	if crash != nil {
		crash(stderr)
	}
	note := ""
	for _, f := range fs {
		if n := f(); note == "" {
			note = n
		}
	}
	if note == "" {
		note = "nothing was written"
	}
	fmt.Fprintf(stderr, "caracal-cdk8s: interrupted by %s; %s.\n", name(sig), note)
	// The program goes on until the process exits, and a jsii call after
	// jsii.Close starts a new runtime, unpacked into the private folder
	// while it is being removed. Pointing TMPDIR at a folder that does not
	// exist makes that start fail instead (synth reports it, to the
	// silenced standard error), so nothing is written there any more.
	noTemp()
	done := make(chan struct{})
	go func() { runAtExit(); close(done) }()
	select {
	case <-done:
	case <-time.After(exitGrace):
	}
	removePrivateTemp()
	os.Exit(exitCode(sig))
}

func name(sig os.Signal) string {
	switch sig {
	case syscall.SIGINT:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	case syscall.SIGHUP:
		return "SIGHUP"
	}
	return sig.String()
}
