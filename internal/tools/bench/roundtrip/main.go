// Command roundtrip measures what one jsii call costs, for make bench: the
// time of a call that does next to nothing on the Node.js side (reading
// the app's outdir), first cold (the first 300 calls of a process, as a
// synth makes them) then warm, and a create of an empty ApiObject. It
// prints "<what> <microseconds per call>" lines.
package main

import (
	"fmt"
	"time"

	_ "caracal.dev/caracal-cdk8s/internal/jsiienv" // first: sets up jsii's environment
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

func main() {
	app := cdk8s.NewApp(nil)
	per := func(what string, n int, call func(i int)) {
		t := time.Now()
		for i := 0; i < n; i++ {
			call(i)
		}
		fmt.Printf("%s %.1f\n", what, float64(time.Since(t).Microseconds())/float64(n))
	}
	per("get-cold", 300, func(int) { app.Outdir() })
	per("get-warm", 1000, func(int) { app.Outdir() })
	chart := cdk8s.NewChart(app, jsii.String("chart"), nil)
	props := &cdk8s.ApiObjectProps{ApiVersion: jsii.String("v1"), Kind: jsii.String("ConfigMap")}
	per("create-warm", 300, func(i int) { cdk8s.NewApiObject(chart, jsii.String(fmt.Sprint(i)), props) })
	jsii.Close()
}
