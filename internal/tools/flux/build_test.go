package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBuildPlainFolder(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"dist/a.k8s.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n",
		"dist/b.yaml":     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: x}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n",
		"dist/notes.txt":  "not a manifest",
	})
	objs, err := build(context.Background(), nil, root, rootKustomization("./dist", 0))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range objs {
		names = append(names, o.GetKind()+"/"+o.GetName())
	}
	sort.Strings(names)
	if want := []string{"ConfigMap/a", "ConfigMap/b", "Namespace/x"}; !reflect.DeepEqual(names, want) {
		t.Errorf("built %v, want %v", names, want)
	}
	// The generated kustomization.yaml stays in the copy.
	if _, err := os.Stat(filepath.Join(root, "dist", "kustomization.yaml")); !os.IsNotExist(err) {
		t.Errorf("the user's folder was written to: %v", err)
	}
}

func TestBuildReferencesInsideRoot(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"base/cm.yaml":                 "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: base}\n",
		"dist/flux/kustomization.yaml": "resources: [../../base/cm.yaml]\nnamespace: ns\n",
	})
	k, err := parseKustomization(fromYAML(t, `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: s, namespace: flux-system}
spec: {path: ./dist/flux, targetNamespace: target, namePrefix: p-}
`), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := build(context.Background(), nil, root, k)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 1 || objs[0].GetName() != "p-base" || objs[0].GetNamespace() != "target" {
		t.Fatalf("built %v", objs)
	}
	// The generator's rewrite of kustomization.yaml stays in memory.
	if data, _ := os.ReadFile(filepath.Join(root, "dist/flux/kustomization.yaml")); string(data) != "resources: [../../base/cm.yaml]\nnamespace: ns\n" {
		t.Errorf("the user's kustomization.yaml was written to: %q", data)
	}
}

func TestBuildRefusesOutsideRoot(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "repo")
	writeFiles(t, parent, map[string]string{
		"secret.yaml":                       "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: outside}\n",
		"repo/dist/kustomization.yaml":      "resources: [../../secret.yaml]\n",
		"repo/other/kustomization.yaml":     "resources: [../link/secret.yaml]\n",
		"repo/fine/cm.yaml":                 "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fine}\n",
		"repo/fine/sub/kustomization.yaml":  "resources: [../cm.yaml]\n",
		"repo/fine/sub2/kustomization.yaml": "resources: [../sub]\n",
	})
	if err := os.Symlink(parent, filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"./dist", "./other", "../"} {
		k := rootKustomization(path, 0)
		if _, err := build(context.Background(), nil, root, k); err == nil {
			t.Errorf("build of %s read outside the root", path)
		} else if testing.Verbose() {
			t.Logf("%s: %v", path, err)
		}
	}
	if _, err := build(context.Background(), nil, root, rootKustomization("./fine/sub2", 0)); err != nil {
		t.Errorf("build inside the root: %v", err)
	}
}

func TestBuildPostBuildSubstitute(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"app/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x}\ndata:\n  env: ${cluster_env}\n  keep: ${missing:=default}\n",
	})
	k, err := parseKustomization(fromYAML(t, `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: s, namespace: flux-system}
spec: {path: ./app, postBuild: {substitute: {cluster_env: prod}}}
`), "", 0)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := build(context.Background(), nil, root, k)
	if err != nil {
		t.Fatal(err)
	}
	data := objs[0].Object["data"].(map[string]any)
	if data["env"] != "prod" || data["keep"] != "default" {
		t.Errorf("data = %v", data)
	}
}

func TestPrinterMasksSecrets(t *testing.T) {
	var b strings.Builder
	p := &printer{w: &b}
	p.maskSecrets(nil)
	p.maskSecrets(objsFromYAML(t,
		"apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {password: hunter2-long}\ndata: {token: c2VjcmV0LXRva2Vu}\n"))
	p.linef("error: %s and %s and %s", "hunter2-long", "c2VjcmV0LXRva2Vu", "secret-token")
	if out := b.String(); strings.Contains(out, "hunter2") || strings.Contains(out, "secret-token") || strings.Contains(out, "c2VjcmV0") {
		t.Errorf("printed a secret: %s", out)
	}
}
