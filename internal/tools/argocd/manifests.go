package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/argoproj/gitops-engine/pkg/utils/kube"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// kustomizationFiles are the names kustomize recognises, in its order.
var kustomizationFiles = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// renderDir renders DIR the way Argo CD's repo-server would: `kustomize
// build` (default options) when it holds a kustomization, otherwise a plain
// directory source (every *.yaml, *.yml and *.json file, not recursive).
// It returns the rendered YAML stream too, whose hash stands in for the Git
// revision (Argo CD names generateName hooks after it).
func renderDir(dir string) ([]*unstructured.Unstructured, []byte, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, nil, err
	}
	if !info.IsDir() {
		return nil, nil, fmt.Errorf("%s is not a directory", dir)
	}
	for _, name := range kustomizationFiles {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			return kustomizeBuild(dir)
		}
	}
	return readDirectory(dir)
}

func kustomizeBuild(dir string) ([]*unstructured.Unstructured, []byte, error) {
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	resMap, err := k.Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		return nil, nil, fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	out, err := resMap.AsYaml()
	if err != nil {
		return nil, nil, fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	objs, err := splitManifests(out)
	if err != nil {
		return nil, nil, fmt.Errorf("kustomize build %s: %w", dir, err)
	}
	return objs, out, nil
}

func readDirectory(dir string) ([]*unstructured.Unstructured, []byte, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".yaml", ".yml", ".json":
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	var all []*unstructured.Unstructured
	var stream []byte
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, nil, err
		}
		objs, err := splitManifests(data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		all = append(all, objs...)
		stream = append(stream, data...)
		stream = append(stream, '\n')
	}
	return all, stream, nil
}

// splitManifests parses a multi-document YAML (or JSON) stream, expanding
// v1 Lists into their items and dropping empty documents.
func splitManifests(data []byte) ([]*unstructured.Unstructured, error) {
	docs, err := kube.SplitYAML(data)
	if err != nil {
		return nil, err
	}
	var out []*unstructured.Unstructured
	for _, obj := range docs {
		if obj == nil || len(obj.Object) == 0 {
			continue
		}
		if obj.IsList() {
			err := obj.EachListItem(func(o runtime.Object) error {
				u, ok := o.(*unstructured.Unstructured)
				if !ok {
					return fmt.Errorf("list item of unexpected type %T", o)
				}
				out = append(out, u)
				return nil
			})
			if err != nil {
				return nil, err
			}
			continue
		}
		if obj.GetKind() == "" || obj.GetAPIVersion() == "" {
			return nil, fmt.Errorf("document without apiVersion/kind (name %q)", obj.GetName())
		}
		out = append(out, obj)
	}
	return out, nil
}

// revisionOf stands in for the commit SHA Argo CD would sync to.
func revisionOf(stream []byte) string {
	sum := sha256.Sum256(stream)
	return hex.EncodeToString(sum[:])[:40]
}

// dedupTargets does what Argo CD's controller does to the rendered targets
// before comparing: cluster-scoped objects lose any namespace, namespaced
// ones without one get the destination namespace, and of repeated objects
// the last wins (reported as a warning).
func dedupTargets(objs []*unstructured.Unstructured, destNamespace string, info kube.ResourceInfoProvider) ([]*unstructured.Unstructured, []string) {
	type entry struct {
		key   kube.ResourceKey
		objs  []*unstructured.Unstructured
		first int
	}
	byKey := map[kube.ResourceKey]*entry{}
	var order []*entry
	for i, obj := range objs {
		if kube.IsNamespacedOrUnknown(info, obj.GroupVersionKind().GroupKind()) {
			if obj.GetNamespace() == "" {
				obj.SetNamespace(destNamespace)
			}
		} else {
			obj.SetNamespace("")
		}
		key := kube.GetResourceKey(obj)
		if key.Name == "" && obj.GetGenerateName() != "" {
			key.Name = fmt.Sprintf("%s%d", obj.GetGenerateName(), i)
		}
		e, ok := byKey[key]
		if !ok {
			e = &entry{key: key, first: i}
			byKey[key] = e
			order = append(order, e)
		}
		e.objs = append(e.objs, obj)
	}
	var warnings []string
	out := make([]*unstructured.Unstructured, 0, len(order))
	for _, e := range order {
		if len(e.objs) > 1 {
			warnings = append(warnings, fmt.Sprintf("%s appears %d times among the manifests; the last one is used", refOfKey(e.key), len(e.objs)))
		}
		out = append(out, e.objs[len(e.objs)-1])
	}
	return out, warnings
}
