package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"caracal.dev/caracal-cdk8s/internal/clusterdiff"
	"caracal.dev/caracal-cdk8s/internal/jsiienv"
	"caracal.dev/caracal-cdk8s/internal/synth"
	"caracal.dev/caracal-cdk8s/internal/values"
)

// Exit codes of diff --cluster, as kubectl diff's: 0 no change, 1 a sync
// would change something (or fail on it), more than 1 no diff was made.
const (
	ExitChanges      = 1
	ExitClusterError = 3 // the kubeconfig, the cluster or the synthesis failed
)

// checkClusterFlags refuses the cluster flags without --cluster, and
// --out with it: either would be silently ignored.
func checkClusterFlags(o *synthOptions, stderr io.Writer) int {
	c := o.cluster
	switch {
	case !c.enabled && (c.Kubeconfig != "" || c.Context != "" || c.FieldManager != ""):
		fmt.Fprintln(stderr, "error: --kubeconfig, --context and --field-manager go with diff --cluster")
		return ExitInvalid
	case c.enabled && o.out != "":
		fmt.Fprintln(stderr, "error: diff --cluster compares with the cluster, not with --out; drop one of them")
		return ExitInvalid
	}
	return ExitOK
}

// runClusterDiff synthesizes in memory and compares with the cluster,
// without writing to it or to any file.
func runClusterDiff(o *synthOptions, stdout, stderr io.Writer) int {
	objs, err := clusterObjects(o)
	if err != nil {
		return clusterFailure(stderr, err)
	}
	cluster, err := clusterdiff.Connect(o.cluster.Config)
	if err != nil {
		return clusterFailure(stderr, err)
	}
	rep, err := cluster.Diff(context.Background(), objs)
	if err != nil {
		return clusterFailure(stderr, err)
	}
	rep.Write(stdout)
	for _, w := range rep.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if ew, ok := stdout.(*errWriter); ok && ew.err != nil {
		return ExitClusterError // Main says why
	}
	if rep.HasChanges() {
		return ExitChanges
	}
	return ExitOK
}

// clusterObjects loads the values and synthesizes the objects a sync
// applies.
func clusterObjects(o *synthOptions) ([]clusterdiff.Object, error) {
	if err := checkInputs(o.files, true); err != nil {
		return nil, err
	}
	v, err := values.Load(o.files, o.sets)
	if err != nil {
		return nil, err
	}
	files, err := synth.Synthesize(v)
	if err != nil {
		return nil, err
	}
	return clusterdiff.Objects(files)
}

// clusterFailure reports why no diff was made: invalid values exit 2, as
// everywhere; anything else 3, never 1, which means changes.
func clusterFailure(stderr io.Writer, err error) int {
	var verr *values.Error
	if errors.As(err, &verr) {
		return report(stderr, err)
	}
	if runtimeGone(err) {
		jsiienv.AwaitSignal(time.Second) // as report does
	}
	fmt.Fprintf(stderr, "error: %v\nNo diff was made.\n", err)
	return ExitClusterError
}
