// Command caracal-cdk8s synthesizes the Kubernetes manifests of Caracal
// Core v0.3 with cdk8s. See README.md.
package main

import (
	"os"

	"caracal.dev/caracal-cdk8s/internal/cli"
	"github.com/aws/jsii-runtime-go"
)

func main() {
	code := cli.Main(os.Args[1:], os.Stdout, os.Stderr)
	// Stop the Node.js process of the jsii runtime before exiting.
	jsii.Close()
	os.Exit(code)
}
