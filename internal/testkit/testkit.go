// Package testkit synthesizes values for tests and looks into the output
// with package manifest, whose types it shares.
package testkit

import (
	"path"
	"testing"

	_ "caracal.dev/caracal-cdk8s/internal/jsiienv" // first: sets up jsii's environment
	"caracal.dev/caracal-cdk8s/internal/synth"
	"caracal.dev/caracal-cdk8s/internal/testkit/filetree"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
	"caracal.dev/caracal-cdk8s/internal/values"
)

// The manifest helpers, under the names the tests of the app use.
type (
	Object  = manifest.Object
	Objects = manifest.Objects
)

var (
	Parse         = manifest.Parse
	Construct     = manifest.Construct
	Sprint        = manifest.Sprint
	MustPanic     = manifest.MustPanic
	LabelProblems = manifest.LabelProblems
	PodProblems   = manifest.PodProblems
	Env           = manifest.Env
	Containers    = manifest.Containers
)

// Tree reads every file below dir (see filetree.Read).
var Tree = filetree.Read

// Synth loads values (files and --set arguments) and synthesizes them; it
// fails the test on any error.
func Synth(t testing.TB, files []values.Source, sets ...string) (Objects, []synth.File) {
	t.Helper()
	v, err := values.Parse(files, sets)
	if err != nil {
		t.Fatalf("values: %v", err)
	}
	out, err := synth.Synthesize(v)
	if err != nil {
		t.Fatalf("synth: %v", err)
	}
	var objs Objects
	for _, f := range out {
		if path.Base(f.Name) == synth.Kustomization {
			continue
		}
		parsed, err := manifest.Parse(f.Data)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		objs = append(objs, parsed...)
	}
	return objs, out
}

// Sets synthesizes the defaults with --set arguments.
func Sets(t testing.TB, sets ...string) Objects {
	t.Helper()
	objs, _ := Synth(t, nil, sets...)
	return objs
}
