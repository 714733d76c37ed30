package main

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// These tests sync the fixtures in testdata/ to a real (simulated) cluster:
//
//	make sim-cluster   # prints the kubeconfig path
//	ARGOCD_SYNC_KUBECONFIG=/tmp/caracal-sim-.../kubeconfig go test ./...
//
// Without ARGOCD_SYNC_KUBECONFIG they are skipped.
const kubeconfigEnv = "ARGOCD_SYNC_KUBECONFIG"

func clusterKubeconfig(t *testing.T) string {
	t.Helper()
	kc := os.Getenv(kubeconfigEnv)
	if kc == "" {
		t.Skipf("%s not set: no cluster to sync to", kubeconfigEnv)
	}
	return kc
}

func clientset(t *testing.T, kubeconfig string) *kubernetes.Clientset {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// deleteNamespace removes a fixture's namespace left by an earlier run and
// waits until it is gone, so that every run starts from nothing.
func deleteNamespace(t *testing.T, cs *kubernetes.Clientset, name string) {
	t.Helper()
	ctx := context.Background()
	err := cs.CoreV1().Namespaces().Delete(ctx, name, metav1.DeleteOptions{})
	if apierrors.IsNotFound(err) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if _, err := cs.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{}); apierrors.IsNotFound(err) {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("namespace %s is still there", name)
}

// syncFixture runs the tool as the orchestrator would and returns its exit
// status and output lines.
func syncFixture(t *testing.T, kubeconfig string, args ...string) (int, []string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"-kubeconfig", kubeconfig}, args...), &stdout, &stderr)
	t.Logf("argocd-sync %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
	lines := strings.Split(strings.TrimRight(stdout.String(), "\n"), "\n")
	for _, l := range lines {
		if !strings.HasPrefix(l, "argocd: ") {
			t.Errorf("line without the argocd: prefix: %q", l)
		}
	}
	return code, lines
}

func requireLines(t *testing.T, lines []string, want ...string) {
	t.Helper()
	out := strings.Join(lines, "\n")
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
}

func lastLine(lines []string) string {
	return lines[len(lines)-1]
}

func TestClusterWaves(t *testing.T) {
	kc := clusterKubeconfig(t)
	cs := clientset(t, kc)
	deleteNamespace(t, cs, "argocd-fixture")
	args := []string{"-dir", "testdata/waves", "-app", "argocd-fixture", "-timeout", "2m"}

	code, lines := syncFixture(t, kc, args...)
	if code != 0 {
		t.Fatalf("first sync exit %d", code)
	}
	requireLines(t, lines,
		"argocd: wave -1: /Namespace argocd-fixture created",
		"argocd: wave 0: /ConfigMap argocd-fixture/settings created",
		"argocd: wave 1: apps/Deployment argocd-fixture/web created",
		"argocd: wave 1: apps/Deployment argocd-fixture/web Healthy",
		"argocd: wave 2: batch/Job argocd-fixture/migrate created (hook Sync)",
		"argocd: wave 2: batch/Job argocd-fixture/migrate Succeeded",
		"argocd: sync Succeeded in ",
		"argocd: app health Healthy",
	)
	// The waves ran in order.
	order := []string{"/ConfigMap argocd-fixture/settings created", "apps/Deployment argocd-fixture/web created", "apps/Deployment argocd-fixture/web Healthy", "batch/Job argocd-fixture/migrate created"}
	pos := -1
	for _, o := range order {
		i := strings.Index(strings.Join(lines, "\n"), o)
		if i < pos {
			t.Errorf("%q came before the wave it follows", o)
		}
		pos = i
	}
	cm, err := cs.CoreV1().ConfigMaps("argocd-fixture").Get(context.Background(), "settings", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := cm.Annotations[trackingAnnotation]; got != "argocd-fixture:/ConfigMap:argocd-fixture/settings" {
		t.Errorf("tracking-id %q", got)
	}
	managedBy := ""
	for _, f := range cm.ManagedFields {
		managedBy += f.Manager + "/" + string(f.Operation) + " "
	}
	if !strings.Contains(managedBy, "argocd-controller/Apply") {
		t.Errorf("not server-side applied by argocd-controller: %s", managedBy)
	}

	// The re-sync check: nothing differs, nothing is created.
	code, lines = syncFixture(t, kc, append(args, "-expect-in-sync")...)
	if code != 0 {
		t.Fatalf("re-sync exit %d", code)
	}
	requireLines(t, lines, "argocd: wave 2: batch/Job argocd-fixture/migrate re-applied (hook Sync)")
	if got := lastLine(lines); got != "argocd: in sync, nothing to change" {
		t.Errorf("last line %q", got)
	}

	// A change made behind Argo CD's back is OutOfSync, named by path, and
	// the sync puts it back.
	cm.Data["greeting"] = "changed by hand"
	if _, err := cs.CoreV1().ConfigMaps("argocd-fixture").Update(context.Background(), cm, metav1.UpdateOptions{FieldManager: "kubectl-edit"}); err != nil {
		t.Fatal(err)
	}
	code, lines = syncFixture(t, kc, append(args, "-expect-in-sync")...)
	if code != 1 {
		t.Errorf("drifted re-sync exit %d, want 1", code)
	}
	requireLines(t, lines,
		"argocd: OutOfSync /ConfigMap argocd-fixture/settings: data.greeting",
		"argocd: wave 0: /ConfigMap argocd-fixture/settings configured",
		"argocd: not in sync: 1 OutOfSync",
	)
	code, lines = syncFixture(t, kc, append(args, "-expect-in-sync")...)
	if code != 0 || lastLine(lines) != "argocd: in sync, nothing to change" {
		t.Errorf("after repair: exit %d, last line %q", code, lastLine(lines))
	}
}

func TestClusterHookRerun(t *testing.T) {
	kc := clusterKubeconfig(t)
	cs := clientset(t, kc)
	deleteNamespace(t, cs, "argocd-fixture-rerun")
	args := []string{"-dir", "testdata/hook-rerun", "-app", "argocd-fixture-rerun", "-timeout", "2m"}
	if code, _ := syncFixture(t, kc, args...); code != 0 {
		t.Fatalf("first sync exit %d", code)
	}
	code, lines := syncFixture(t, kc, append(args, "-expect-in-sync")...)
	if code != 1 {
		t.Errorf("exit %d: a BeforeHookCreation hook re-runs on every sync", code)
	}
	requireLines(t, lines,
		"argocd: wave 1: batch/Job argocd-fixture-rerun/migrate created (hook Sync)",
		"argocd: not in sync: created batch/Job argocd-fixture-rerun/migrate",
	)
}

func TestClusterBlockedWave(t *testing.T) {
	kc := clusterKubeconfig(t)
	cs := clientset(t, kc)
	deleteNamespace(t, cs, "argocd-fixture-blocked")
	// The timeout counts from the start, cache sync included, which a loaded
	// machine stretches: 30s leaves room for several "waiting" lines, one
	// every 5s without other output.
	code, lines := syncFixture(t, kc, "-dir", "testdata/blocked", "-app", "argocd-fixture-blocked", "-timeout", "30s")
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	requireLines(t, lines, "argocd: waiting for wave 0: /Service argocd-fixture-blocked/lb Progressing")
	if got := lastLine(lines); !strings.HasPrefix(got, "argocd: sync timed out after 30s waiting for wave 0: /Service argocd-fixture-blocked/lb Progressing") {
		t.Errorf("last line %q", got)
	}
	if strings.Contains(strings.Join(lines, "\n"), "/ConfigMap argocd-fixture-blocked/after") {
		t.Error("wave 1 must not be applied while wave 0 is not healthy")
	}
}

func TestClusterInvalidObject(t *testing.T) {
	kc := clusterKubeconfig(t)
	cs := clientset(t, kc)
	deleteNamespace(t, cs, "argocd-fixture-invalid")
	code, lines := syncFixture(t, kc, "-dir", "testdata/invalid", "-app", "argocd-fixture-invalid", "-timeout", "1m")
	if code != 1 {
		t.Errorf("exit %d", code)
	}
	requireLines(t, lines, "argocd: wave 0: /ConfigMap argocd-fixture-invalid/first created")
	got := lastLine(lines)
	if !strings.HasPrefix(got, "argocd: sync Failed after ") || !strings.Contains(got, "in wave 1: /Service argocd-fixture-invalid/bad SyncFailed: ") {
		t.Errorf("last line %q", got)
	}
}
