package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// TestCluster syncs testdata/repo to a real cluster: the one whose
// kubeconfig FLUX_SYNC_KUBECONFIG names (e.g. from `make sim-cluster`).
// Without it the test is skipped.
func TestCluster(t *testing.T) {
	kubeconfig := os.Getenv("FLUX_SYNC_KUBECONFIG")
	if kubeconfig == "" {
		t.Skip("FLUX_SYNC_KUBECONFIG is not set")
	}
	root := t.TempDir()
	if err := os.CopyFS(root, os.DirFS("testdata/repo")); err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	// A namespace left by an earlier run must be gone first: one that
	// terminates is never Current.
	deleteNamespace(t, kubeconfig, "flux-sync-fixture", true)
	t.Cleanup(func() { deleteNamespace(t, kubeconfig, "flux-sync-fixture", false) })

	sync := func(extra ...string) (int, string) {
		t.Helper()
		var out, errOut strings.Builder
		args := append([]string{"-kubeconfig", kubeconfig, "-root", root, "-path", "./deploy/flux",
			"-state", state, "-timeout", "2m", "-poll", "1s"}, extra...)
		code := run(args, &out, &errOut)
		t.Logf("flux-sync %s: exit %d\n%s%s", strings.Join(extra, " "), code, out.String(), errOut.String())
		return code, out.String()
	}
	inOrder := func(out string, lines ...string) {
		t.Helper()
		at := 0
		for _, l := range lines {
			i := strings.Index(out[at:], l)
			if i < 0 {
				t.Errorf("output lacks %q after position %d", l, at)
				return
			}
			at += i + len(l)
		}
	}

	// Install: the app stage, then the Job stage.
	code, out := sync()
	if code != 0 {
		t.Fatalf("first sync: exit %d", code)
	}
	inOrder(out,
		"flux: flux-system: Namespace flux-sync-fixture created\n",
		"flux: fixture-app: ConfigMap flux-sync-fixture/fixture-config created\n",
		"flux: fixture-app: apps/Deployment flux-sync-fixture/fixture-web created\n",
		"flux: fixture-app: Ready in ",
		"flux: fixture-jobs: reconciling ./deploy/jobs",
		"flux: fixture-jobs: batch/Job flux-sync-fixture/fixture-migrate created\n",
		"flux: fixture-jobs: Ready in ",
		"flux: all Kustomizations Ready in ")
	if !strings.Contains(out, "flux: flux-system: source.toolkit.fluxcd.io/GitRepository flux-system/flux-system not applied: a Flux source, which -root stands for\n") {
		t.Error("the GitRepository was not set aside")
	}
	if !strings.Contains(out, "flux: fixture-jobs: waiting for dependencies fixture-app\n") {
		t.Error("the Job stage did not wait for the app stage")
	}
	if strings.Contains(out, "fixture-password-value") {
		t.Error("a Secret's value was printed")
	}

	// Re-sync: nothing to change; the IfNotPresent Secret is skipped.
	code, out = sync("-expect-no-change")
	if code != 0 || !strings.HasSuffix(out, "flux: nothing to change\n") {
		t.Errorf("re-sync: exit %d", code)
	}
	if !strings.Contains(out, "flux: fixture-app: Secret flux-sync-fixture/fixture-secret skipped\n") {
		t.Error("the IfNotPresent Secret was not skipped")
	}

	// Upgrade: the Job stage and the ConfigMap are gone, the image changed.
	stages := filepath.Join(root, "deploy/flux/stages.yaml")
	data, err := os.ReadFile(stages)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(data), "\n---\n")
	write(t, stages, first+"\n")
	app := filepath.Join(root, "deploy/app/app.yaml")
	data, err = os.ReadFile(app)
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(string(data), "---\n")
	text := strings.Join(docs[1:], "---\n") // the ConfigMap is the first document
	text = regexp.MustCompile(`(?s)\s+envFrom:.*fixture-config`).ReplaceAllString(text, "")
	write(t, app, strings.ReplaceAll(text, "web:1.0", "web:2.0"))

	code, out = sync("-expect-no-change")
	if code != 1 {
		t.Errorf("upgrade with -expect-no-change: exit %d, want 1", code)
	}
	for _, line := range []string{
		"flux: fixture-app: apps/Deployment flux-sync-fixture/fixture-web configured\n",
		"flux: fixture-app: ConfigMap flux-sync-fixture/fixture-config deleted\n",
		"flux: fixture-jobs: batch/Job flux-sync-fixture/fixture-migrate deleted\n",
		"flux: changed: configured apps/Deployment flux-sync-fixture/fixture-web\n",
		"flux: changed: deleted ConfigMap flux-sync-fixture/fixture-config\n",
		"flux: changed: deleted batch/Job flux-sync-fixture/fixture-migrate\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q", line)
		}
	}
	if _, err := os.Stat(filepath.Join(state, "flux-system_fixture-jobs.json")); !os.IsNotExist(err) {
		t.Errorf("the removed Kustomization's inventory is still there: %v", err)
	}
	if code, _ := sync("-expect-no-change"); code != 0 {
		t.Errorf("re-sync after the upgrade: exit %d", code)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func deleteNamespace(t *testing.T, kubeconfig, name string, wait bool) {
	t.Helper()
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if err := client.IgnoreNotFound(c.Delete(ctx, ns)); err != nil {
		t.Fatal(err)
	}
	for wait {
		err := c.Get(ctx, client.ObjectKeyFromObject(ns), ns)
		if apierrors.IsNotFound(err) {
			return
		}
		if err != nil {
			t.Fatalf("waiting for namespace %s to go: %v", name, err)
		}
		time.Sleep(500 * time.Millisecond)
	}
}
