package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argoproj/gitops-engine/pkg/sync/syncwaves"
	"github.com/argoproj/gitops-engine/pkg/utils/kube"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func keysOf(objs []*unstructured.Unstructured) []string {
	var out []string
	for _, o := range objs {
		k := kube.GetResourceKey(o)
		out = append(out, refOfKey(k))
	}
	return out
}

func TestRenderKustomizeDir(t *testing.T) {
	objs, stream, err := renderDir("testdata/waves")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(keysOf(objs), "\n")
	want := strings.Join([]string{
		"/Namespace argocd-fixture",
		"/ConfigMap argocd-fixture/settings",
		"apps/Deployment argocd-fixture/web",
		"batch/Job argocd-fixture/migrate",
	}, "\n")
	if got != want {
		t.Fatalf("objects:\n%s\nwant:\n%s", got, want)
	}
	waves := map[string]int{}
	for _, o := range objs {
		waves[o.GetKind()] = syncwaves.Wave(o)
	}
	if waves["ConfigMap"] != 0 || waves["Deployment"] != 1 || waves["Job"] != 2 || waves["Namespace"] != -1 {
		t.Errorf("waves = %v", waves)
	}
	if len(stream) == 0 || len(revisionOf(stream)) != 40 {
		t.Errorf("revision %q from %d bytes", revisionOf(stream), len(stream))
	}
	// The same manifests give the same revision (hook names depend on it).
	_, again, _ := renderDir("testdata/waves")
	if revisionOf(again) != revisionOf(stream) {
		t.Error("revision is not stable")
	}
}

func TestRenderPlainDir(t *testing.T) {
	objs, _, err := renderDir("testdata/plain")
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(keysOf(objs), "\n")
	want := strings.Join([]string{
		"/Namespace plain",
		"/Secret plain/creds",
		"/ConfigMap plain/from-list",
		"/ConfigMap plain/from-list-2",
	}, "\n")
	if got != want {
		t.Fatalf("objects:\n%s\nwant:\n%s", got, want)
	}
}

func TestRenderErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x.yaml"), []byte("metadata:\n  name: nokind\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := renderDir(dir); err == nil || !strings.Contains(err.Error(), "x.yaml") {
		t.Errorf("want an error naming x.yaml, got %v", err)
	}
	if _, _, err := renderDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("want an error for a missing directory")
	}
	kdir := t.TempDir()
	if err := os.WriteFile(filepath.Join(kdir, "kustomization.yaml"), []byte("resources: [nothere.yaml]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := renderDir(kdir); err == nil || !strings.Contains(err.Error(), "kustomize build") {
		t.Errorf("want a kustomize error, got %v", err)
	}
}

// fakeScope says which kinds are namespaced, as the cluster cache would.
type fakeScope map[string]bool

func (f fakeScope) IsNamespaced(gk schema.GroupKind) (bool, error) {
	return f[gk.Kind], nil
}

func TestDedupTargets(t *testing.T) {
	mk := func(kind, ns, name, value string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		u.SetAPIVersion("v1")
		u.SetKind(kind)
		u.SetNamespace(ns)
		u.SetName(name)
		u.SetLabels(map[string]string{"v": value})
		return u
	}
	objs := []*unstructured.Unstructured{
		mk("ConfigMap", "a", "x", "first"),
		mk("Namespace", "a", "a", ""),
		mk("ConfigMap", "", "y", ""),
		mk("ConfigMap", "a", "x", "second"),
	}
	out, warnings := dedupTargets(objs, "dest", fakeScope{"ConfigMap": true})
	if got := strings.Join(keysOf(out), ","); got != "/ConfigMap a/x,/Namespace a,/ConfigMap dest/y" {
		t.Errorf("targets %s", got)
	}
	if out[0].GetLabels()["v"] != "second" {
		t.Error("the last of repeated objects must win")
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "/ConfigMap a/x appears 2 times") {
		t.Errorf("warnings %q", warnings)
	}
}
