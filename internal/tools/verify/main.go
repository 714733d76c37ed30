// Command verify is the project's own proof that its output is correct
// Kubernetes: `verify validate` runs kubeconform (strict, against schemas
// generated from the pinned Kubernetes API) and kube-score, after proving
// that it catches deliberately broken manifests (testdata/broken/). The
// API server and the simulated cluster are internal/tools/kube/converge's
// (make e2e, make converge).
//
// The Makefile builds the tools and passes their paths; see make validate.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: verify validate [flags] DIR...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "validate":
		err = validateCmd(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "verify:", err)
		os.Exit(1)
	}
}
