// Command floor is the benchmark's floor: what every synth pays before it
// builds anything. It starts the jsii runtime, loads cdk8s and cdk8s-plus
// as the app does, synthesizes one empty chart and stops.
package main

import (
	_ "caracal.dev/caracal-cdk8s/internal/jsiienv" // first: sets up jsii's environment
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

func main() {
	app := cdk8s.NewApp(nil)
	chart := cdk8s.NewChart(app, jsii.String("empty"), nil)
	k8s.IntOrString_FromNumber(jsii.Number(1)) // loads cdk8s-plus
	chart.ToJson()
	jsii.Close()
}
