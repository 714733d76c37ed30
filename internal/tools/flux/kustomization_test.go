package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

func fromYAML(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSplitKustomizations(t *testing.T) {
	objs := []*unstructured.Unstructured{
		fromYAML(t, "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}"),
		fromYAML(t, "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: k1, namespace: flux-system}\nspec: {path: ./x}"),
		// kustomize's own Kustomization kind, and older Flux versions, are applied as they come.
		fromYAML(t, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nmetadata: {name: k2}"),
		fromYAML(t, "apiVersion: kustomize.toolkit.fluxcd.io/v1beta2\nkind: Kustomization\nmetadata: {name: k3, namespace: flux-system}"),
		fromYAML(t, "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: k4, namespace: flux-system}\nspec: {path: ./y}"),
		fromYAML(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, namespace: a}"),
	}
	ks, rest := splitKustomizations(objs)
	names := func(us []*unstructured.Unstructured) (out []string) {
		for _, u := range us {
			out = append(out, u.GetName())
		}
		return out
	}
	if got, want := names(ks), []string{"k1", "k4"}; !reflect.DeepEqual(got, want) {
		t.Errorf("kustomizations = %v, want %v", got, want)
	}
	if got, want := names(rest), []string{"a", "k2", "k3", "d"}; !reflect.DeepEqual(got, want) {
		t.Errorf("rest = %v, want %v", got, want)
	}
}

func TestParseKustomization(t *testing.T) {
	u := fromYAML(t, `
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: db-init, namespace: flux-system}
spec:
  interval: 10m
  path: ./dist/flux/db-init
  prune: true
  wait: true
  dependsOn:
    - name: datastores
    - name: other
      namespace: elsewhere
  decryption: {provider: sops}
`)
	k, err := parseKustomization(u, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"flux-system/datastores", "elsewhere/other"}; !reflect.DeepEqual(k.DependsOn, want) {
		t.Errorf("dependsOn = %v, want %v", k.DependsOn, want)
	}
	if !k.Wait || !k.Prune || k.Force || k.Path != "./dist/flux/db-init" {
		t.Errorf("parsed %+v", k)
	}
	if k.Timeout != 9*time.Minute+30*time.Second {
		t.Errorf("timeout = %s, want interval less 30s", k.Timeout)
	}
	if !reflect.DeepEqual(k.Ignored, []string{"decryption"}) {
		t.Errorf("ignored = %v", k.Ignored)
	}
	// Clamped by -timeout.
	k, err = parseKustomization(u, "", time.Minute)
	if err != nil || k.Timeout != time.Minute {
		t.Errorf("clamped timeout = %v, %v", k.Timeout, err)
	}
}

func TestFluxTimeout(t *testing.T) {
	for _, tc := range []struct {
		interval, timeout string
		want              time.Duration
	}{
		{"10m", "", 9*time.Minute + 30*time.Second},
		{"10m", "2m", 2 * time.Minute},
		{"1m", "", 30 * time.Second},
		{"5m", "10s", 30 * time.Second},
		{"", "", 30 * time.Second},
	} {
		got, err := fluxTimeout(tc.interval, tc.timeout)
		if err != nil || got != tc.want {
			t.Errorf("fluxTimeout(%q, %q) = %v, %v; want %v", tc.interval, tc.timeout, got, err, tc.want)
		}
	}
	if _, err := fluxTimeout("soon", ""); err == nil {
		t.Error("bad interval accepted")
	}
}

func TestResolvePath(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	for _, d := range []string{"dist/flux", "other"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(root, "escape")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "file.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, ok := range []string{"./dist/flux", "dist/flux", "./dist/flux/../../other", "./", "/dist/flux"} {
		got, err := resolvePath(root, ok)
		if err != nil {
			t.Errorf("resolvePath(%q): %v", ok, err)
		} else if !strings.HasPrefix(got, root) {
			t.Errorf("resolvePath(%q) = %s, not under %s", ok, got, root)
		}
	}
	for path, want := range map[string]string{
		"../":                   "outside the root",
		"./dist/../../etc":      "outside the root",
		"./escape":              "outside the root",
		"./missing":             "no such file",
		"./file.yaml":           "not a directory",
		"dist/flux/../../../..": "outside the root",
	} {
		_, err := resolvePath(root, path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("resolvePath(%q) = %v, want an error with %q", path, err, want)
		}
	}
}
