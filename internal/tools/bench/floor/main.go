// Command floor is the benchmark's floor: what every synth paid before it
// built anything when the objects were cdk8s-plus classes. It starts the
// jsii runtime, loads cdk8s and cdk8s-plus, synthesizes one empty chart
// and stops.
package main

import (
	"time"

	_ "caracal.dev/caracal-cdk8s/internal/jsiienv" // first: sets up jsii's environment
	"caracal.dev/caracal-cdk8s/internal/timing"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

func main() {
	timing.Main()
	t := time.Now()
	app := cdk8s.NewApp(nil)
	timing.Since("start jsii, load cdk8s", t)
	t = time.Now()
	k8s.IntOrString_FromNumber(jsii.Number(1)) // loads cdk8s-plus
	timing.Since("load cdk8s-plus", t)
	t = time.Now()
	chart := cdk8s.NewChart(app, jsii.String("empty"), nil)
	chart.ToJson()
	timing.Since("one empty chart", t)
	t = time.Now()
	jsii.Close()
	timing.Since("stop jsii", t)
	timing.Write()
}
