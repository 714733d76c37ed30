// Command verify is the project's own proof that its output is correct
// Kubernetes: `verify validate` runs kubeconform (strict, against schemas
// generated from the pinned Kubernetes API) and kube-score; `verify e2e`
// applies the output to a real kube-apiserver. Each first proves that it
// catches deliberately broken manifests (testdata/broken/).
//
// The Makefile builds the tools and passes their paths; see `make validate`
// and `make e2e`.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: verify validate|e2e [flags] DIR...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "validate":
		err = validateCmd(os.Args[2:])
	case "e2e":
		err = e2eCmd(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "verify:", err)
		os.Exit(1)
	}
}
