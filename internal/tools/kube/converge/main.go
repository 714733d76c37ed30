// Command converge proves that the synthesized output works, not only that
// an API server accepts it: `converge run` starts a simulated three-zone
// cluster (real etcd, kube-apiserver, kube-controller-manager and
// kube-scheduler, kwok for the kubelets) and syncs each output with Argo
// CD's and Flux's own engines, then checks what came of it. `converge e2e`
// applies each output to an API server alone: what it admits, and whether
// an upgrade applies in place.
//
// It is built from the same pinned module as the cluster binaries, so it
// shares their client libraries. The Makefile passes every binary's path;
// see `make converge` and `make sim-cluster`.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"
)

func main() {
	// client-go logs through klog: a watch that ends with its run is no
	// news.
	klog.SetLogger(logr.Discard())
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: converge run|e2e|up|exec [flags] [DIR... | -- COMMAND...]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "up":
		err = upCmd(os.Args[2:])
	case "run":
		err = runCmd(os.Args[2:])
	case "e2e":
		err = e2eCmd(os.Args[2:])
	case "exec":
		err = execCmd(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "converge:", err)
		os.Exit(1)
	}
}

// binaryFlags registers the paths of the cluster's programs.
func binaryFlags(fs *flag.FlagSet) *binaries {
	b := &binaries{}
	fs.StringVar(&b.etcd, "etcd", "etcd", "etcd binary")
	fs.StringVar(&b.apiserver, "kube-apiserver", "kube-apiserver", "kube-apiserver binary")
	fs.StringVar(&b.controllerManager, "kube-controller-manager", "kube-controller-manager", "kube-controller-manager binary")
	fs.StringVar(&b.scheduler, "kube-scheduler", "kube-scheduler", "kube-scheduler binary")
	fs.StringVar(&b.kwok, "kwok", "kwok", "kwok binary")
	fs.StringVar(&b.kubectl, "kubectl", "kubectl", "kubectl binary")
	return b
}

// poolVolumes is how many volumes of 100Gi each zone has, for a cluster
// not made for one output.
const poolVolumes = 12

// simulated starts a cluster with three nodes and a pool of volumes in
// dir (a new temporary one when empty).
func simulated(ctx context.Context, bin binaries, dir string) (*cluster, error) {
	if dir == "" {
		d, err := os.MkdirTemp("", "caracal-sim-")
		if err != nil {
			return nil, err
		}
		dir = d
	}
	c, err := startCluster(bin, dir, true)
	if err != nil {
		return c, err
	}
	if err := c.addNodes(ctx, zones, plainNodes); err != nil {
		return c, err
	}
	var pool []claim
	for i := 0; i < poolVolumes; i++ {
		pool = append(pool, claim{size: mustQuantity("100Gi")})
	}
	return c, c.addStorage(ctx, pool)
}

// execCmd runs a command against a fresh simulated cluster (its
// kubeconfig in KUBECONFIG, ARGOCD_SYNC_KUBECONFIG and
// FLUX_SYNC_KUBECONFIG, which the engines' own cluster tests read), then
// stops the cluster, and exits as the command did.
func execCmd(args []string) error {
	fs := flag.NewFlagSet("exec", flag.ContinueOnError)
	bin := binaryFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return fmt.Errorf("usage: converge exec [binaries] -- COMMAND [ARG...]")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := simulated(ctx, *bin, "")
	if c != nil {
		defer os.RemoveAll(c.dir)
		defer c.stop()
	}
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, fs.Arg(0), fs.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), "KUBECONFIG="+c.kubeconfig, "ARGOCD_SYNC_KUBECONFIG="+c.kubeconfig, "FLUX_SYNC_KUBECONFIG="+c.kubeconfig)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %w", strings.Join(fs.Args(), " "), err)
	}
	return nil
}

// upCmd starts a simulated cluster with three nodes and a pool of volumes,
// prints its kubeconfig and keeps it running until interrupted: for
// trying things by hand.
func upCmd(args []string) error {
	fs := flag.NewFlagSet("up", flag.ContinueOnError)
	bin := binaryFlags(fs)
	dir := fs.String("dir", "", "directory for the cluster's data and logs (default: a new temporary one)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	c, err := simulated(ctx, *bin, *dir)
	if c != nil {
		defer c.stop()
	}
	if err != nil {
		return err
	}
	fmt.Printf("simulated cluster ready: %d nodes in zones %v, a default StorageClass %q (WaitForFirstConsumer) with %d volumes per zone\n", len(zones), zones, defaultStorageClass, poolVolumes)
	fmt.Printf("kubeconfig: %s\nlogs: %s\nstop with Ctrl-C\n", c.kubeconfig, c.dir)
	select {
	case <-ctx.Done():
	case <-c.exited():
		return c.crashed()
	}
	return nil
}
