// Command caracal-cdk8s synthesizes the Kubernetes manifests of Caracal
// Core v0.3 with cdk8s. See README.md.
package main

import (
	"os"
	"runtime/debug"
	"time"

	"caracal.dev/caracal-cdk8s/internal/cli"
	"caracal.dev/caracal-cdk8s/internal/jsiienv"
	"caracal.dev/caracal-cdk8s/internal/synth"
	"caracal.dev/caracal-cdk8s/internal/timing"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	timing.Main()
	// A crash while a signal ends the run prints its trace where standard
	// error went, not to the silenced one.
	jsiienv.OnCrashOutput(func(stderr *os.File) { debug.SetCrashOutput(stderr, debug.CrashOptions{}) })
	// Stop the Node.js process of the jsii runtime before exiting, also
	// when a signal ends the run; then remove the temporary files.
	jsiienv.AtExit(func() {
		t := time.Now()
		// Not in the middle of its start, which goes on beside the
		// composing of the first app.
		if synth.AwaitStart(3 * time.Second) {
			jsii.Close()
		}
		timing.Since("stop jsii", t)
		timing.Write()
	})
	jsiienv.MainStarted()
	jsiienv.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
