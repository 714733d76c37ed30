package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"

	generator "github.com/fluxcd/pkg/kustomize"
	securefs "github.com/fluxcd/pkg/kustomize/filesys"
	ssautil "github.com/fluxcd/pkg/ssa/utils"
)

// build renders a Kustomization as kustomize-controller does: Flux's
// generator writes a kustomization.yaml if the folder has none (and applies
// spec fields such as targetNamespace, patches and images to it), then
// Flux's kustomize build runs on a file system that refuses anything
// outside the root, and then the post-build variable substitutions.
//
// kustomize-controller does this in a fresh copy of the artifact; here the
// generated kustomization.yaml goes to Flux's in-memory layer over the
// repository instead, so that the user's folder is never written to and
// nothing is copied.
func build(ctx context.Context, kube client.Client, root string, k *kustomization) ([]*unstructured.Unstructured, error) {
	dirPath, err := resolvePath(root, k.Path)
	if err != nil {
		return nil, err
	}
	// The secure file system compares real paths.
	if root, err = filepath.EvalSymlinks(root); err != nil {
		return nil, err
	}
	if dirPath, err = filepath.EvalSymlinks(dirPath); err != nil {
		return nil, err
	}

	manifest, kfile, _, err := generator.NewGenerator(root, *k.obj).GenerateManifest(dirPath)
	if err != nil {
		return nil, fmt.Errorf("generate kustomization.yaml: %w", err)
	}
	disk, err := securefs.MakeFsOnDiskSecure(root)
	if err != nil {
		return nil, err
	}
	fs := securefs.MakeFsInMemory(disk)
	if err := fs.WriteFile(kfile, manifest); err != nil {
		return nil, err
	}
	// Remote bases are refused: the artifact is all there is.
	resMap, err := generator.Build(fs, dirPath)
	if err != nil {
		return nil, fmt.Errorf("kustomize build failed: %w", err)
	}

	_, postBuild, _ := unstructured.NestedMap(k.obj.Object, "spec", "postBuild")
	always, _, _ := unstructured.NestedString(k.obj.Object, "spec", "postBuild", "substituteStrategy")
	for _, res := range resMap.Resources() {
		if res.GetName() == "" || res.GetKind() == "" || res.GetApiVersion() == "" {
			return nil, fmt.Errorf("failed to decode Kubernetes apiVersion, kind and name from: %v", res.CurId())
		}
		if postBuild {
			out, err := generator.SubstituteVariables(ctx, kube, *k.obj, res,
				generator.SubstituteWithStrict(true), // Flux's StrictPostBuildSubstitutions default
				generator.SubstituteWithAlways(always == "Always"))
			if err != nil {
				return nil, fmt.Errorf("post build failed for '%s/%s': %w", res.GetGvk(), res.GetName(), err)
			}
			if out != nil {
				if _, err := resMap.Replace(res); err != nil {
					return nil, err
				}
			}
		}
	}
	yaml, err := resMap.AsYaml()
	if err != nil {
		return nil, fmt.Errorf("kustomize build failed: %w", err)
	}
	return ssautil.ReadObjects(bytes.NewReader(yaml))
}
