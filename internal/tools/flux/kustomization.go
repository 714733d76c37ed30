package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/fluxcd/cli-utils/pkg/object"
)

const (
	// fluxGroup is the API group of Flux Kustomizations; it is also the
	// prefix of the owner labels and of the per-object annotations.
	fluxGroup = "kustomize.toolkit.fluxcd.io"
	// fluxAPIVersion is the only Kustomization version this tool acts on.
	fluxAPIVersion = fluxGroup + "/v1"
	// fieldManager is kustomize-controller's server-side apply field manager.
	fieldManager = "kustomize-controller"

	// rootName and rootNamespace name the Kustomization that stands for the
	// user's root (the one `flux bootstrap` would create).
	rootName      = "flux-system"
	rootNamespace = "flux-system"
)

// kustomization is what this tool reads of a Flux Kustomization: the fields
// kustomize-controller acts on when it builds, applies, prunes and waits.
type kustomization struct {
	Name      string
	Namespace string
	Path      string
	DependsOn []string // "namespace/name"
	Wait      bool
	Prune     bool
	Force     bool
	Suspend   bool
	// Timeout is Flux's GetTimeout(): spec.timeout, else spec.interval
	// less 30s, never under 30s.
	Timeout time.Duration
	// HealthChecks are waited for when Wait is off.
	HealthChecks object.ObjMetadataSet
	// Ignored lists spec fields that kustomize-controller honours and this
	// tool does not.
	Ignored []string

	// obj is the Kustomization as built; Flux's generator reads spec
	// fields such as targetNamespace, patches, images and components
	// from it.
	obj *unstructured.Unstructured
}

func (k *kustomization) key() string { return k.Namespace + "/" + k.Name }

// isFluxKustomization reports whether o is a Flux Kustomization that this
// tool reconciles itself instead of applying it.
func isFluxKustomization(o *unstructured.Unstructured) bool {
	return o.GetKind() == "Kustomization" && o.GetAPIVersion() == fluxAPIVersion
}

// isFluxSource reports whether o is a Flux source (GitRepository,
// OCIRepository, Bucket...): -root stands for it, and the cluster has no
// Flux CRDs, so it is not applied.
func isFluxSource(o *unstructured.Unstructured) bool {
	return strings.HasPrefix(o.GetAPIVersion(), "source.toolkit.fluxcd.io/")
}

// splitKustomizations separates the Flux Kustomizations of a build from the
// objects to apply. Order is preserved in both.
func splitKustomizations(objects []*unstructured.Unstructured) (kustomizations, rest []*unstructured.Unstructured) {
	for _, o := range objects {
		if isFluxKustomization(o) {
			kustomizations = append(kustomizations, o)
		} else {
			rest = append(rest, o)
		}
	}
	return kustomizations, rest
}

// rootKustomization stands for the user's root Kustomization: -path, with
// wait and prune on, as `flux bootstrap` sets them.
func rootKustomization(path string, timeout time.Duration) *kustomization {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(fluxAPIVersion)
	u.SetKind("Kustomization")
	u.SetName(rootName)
	u.SetNamespace(rootNamespace)
	_ = unstructured.SetNestedField(u.Object, path, "spec", "path")
	_ = unstructured.SetNestedField(u.Object, true, "spec", "prune")
	_ = unstructured.SetNestedField(u.Object, true, "spec", "wait")
	return &kustomization{
		Name:      rootName,
		Namespace: rootNamespace,
		Path:      path,
		Wait:      true,
		Prune:     true,
		Timeout:   timeout,
		obj:       u,
	}
}

// supportedSpec lists the spec fields this tool honours, directly or through
// Flux's kustomize generator (which reads the Kustomization itself).
var supportedSpec = map[string]bool{
	"path": true, "dependsOn": true, "wait": true, "timeout": true,
	"interval": true, "retryInterval": true, "prune": true, "force": true,
	"suspend": true, "healthChecks": true, "commonMetadata": true,
	"postBuild": true, "sourceRef": true, "deletionPolicy": true,
	// Read by the generator:
	"targetNamespace": true, "namePrefix": true, "nameSuffix": true,
	"patches": true, "images": true, "components": true,
	"ignoreMissingComponents": true, "buildMetadata": true,
}

// parseKustomization reads a Flux Kustomization. defaultNamespace is used
// when the object has none (the namespace it would be created in).
func parseKustomization(u *unstructured.Unstructured, defaultNamespace string, maxTimeout time.Duration) (*kustomization, error) {
	u = u.DeepCopy()
	if u.GetNamespace() == "" {
		u.SetNamespace(defaultNamespace)
	}
	k := &kustomization{Name: u.GetName(), Namespace: u.GetNamespace(), obj: u}
	if k.Name == "" {
		return nil, fmt.Errorf("a Kustomization has no metadata.name")
	}
	r := specReader{where: fmt.Sprintf("Kustomization %s", k.key())}
	spec, found, err := unstructured.NestedMap(u.Object, "spec")
	if err != nil || !found {
		return nil, fmt.Errorf("%s: no spec", r.where)
	}
	r.spec = spec
	k.Ignored = ignoredSpec(spec)
	if err := r.readScalars(k, maxTimeout); err != nil {
		return nil, err
	}
	deps, ignored, err := r.dependsOn(k.Namespace)
	if err != nil {
		return nil, err
	}
	k.DependsOn = deps
	k.Ignored = append(k.Ignored, ignored...)
	if k.HealthChecks, err = r.healthChecks(); err != nil {
		return nil, err
	}
	return k, nil
}

// ignoredSpec lists, sorted, the spec fields this tool does not honour.
func ignoredSpec(spec map[string]any) []string {
	var ignored []string
	for field := range spec {
		if !supportedSpec[field] {
			ignored = append(ignored, field)
		}
	}
	sort.Strings(ignored)
	return ignored
}

// specReader reads the fields of one Kustomization's spec; its errors name
// the Kustomization (where) and the field.
type specReader struct {
	where string
	spec  map[string]any
}

func (r specReader) str(field string) (string, error) {
	v, _, err := unstructured.NestedString(r.spec, field)
	if err != nil {
		return "", fmt.Errorf("%s: spec.%s: %w", r.where, field, err)
	}
	return v, nil
}

func (r specReader) boolean(field string) (bool, error) {
	v, _, err := unstructured.NestedBool(r.spec, field)
	if err != nil {
		return false, fmt.Errorf("%s: spec.%s: %w", r.where, field, err)
	}
	return v, nil
}

// readScalars reads the path, the switches and the timeout, capped at
// maxTimeout when that is set.
func (r specReader) readScalars(k *kustomization, maxTimeout time.Duration) error {
	var err error
	if k.Path, err = r.str("path"); err != nil {
		return err
	}
	if k.Path == "" {
		// Flux builds the artifact's root when spec.path is empty.
		k.Path = "./"
	}
	for _, f := range []struct {
		name string
		dst  *bool
	}{{"wait", &k.Wait}, {"prune", &k.Prune}, {"force", &k.Force}, {"suspend", &k.Suspend}} {
		if *f.dst, err = r.boolean(f.name); err != nil {
			return err
		}
	}

	interval, err := r.str("interval")
	if err != nil {
		return err
	}
	timeout, err := r.str("timeout")
	if err != nil {
		return err
	}
	k.Timeout, err = fluxTimeout(interval, timeout)
	if err != nil {
		return fmt.Errorf("%s: %w", r.where, err)
	}
	if maxTimeout > 0 && k.Timeout > maxTimeout {
		k.Timeout = maxTimeout
	}
	return nil
}

// dependsOn reads spec.dependsOn as "namespace/name" keys, a dependency
// without a namespace being in namespace. ignored lists the readyExpr
// fields, which this tool does not evaluate.
func (r specReader) dependsOn(namespace string) (deps, ignored []string, err error) {
	list, _, err := unstructured.NestedSlice(r.spec, "dependsOn")
	if err != nil {
		return nil, nil, fmt.Errorf("%s: spec.dependsOn: %w", r.where, err)
	}
	for i, d := range list {
		m, ok := d.(map[string]any)
		if !ok {
			return nil, nil, fmt.Errorf("%s: spec.dependsOn[%d] is not an object", r.where, i)
		}
		name, _ := m["name"].(string)
		ns, _ := m["namespace"].(string)
		if name == "" {
			return nil, nil, fmt.Errorf("%s: spec.dependsOn[%d] has no name", r.where, i)
		}
		if ns == "" {
			ns = namespace
		}
		if _, ok := m["readyExpr"]; ok {
			ignored = append(ignored, fmt.Sprintf("dependsOn[%d].readyExpr", i))
		}
		deps = append(deps, ns+"/"+name)
	}
	return deps, ignored, nil
}

// healthChecks reads spec.healthChecks, the objects waited for when wait
// is off.
func (r specReader) healthChecks() (object.ObjMetadataSet, error) {
	list, _, err := unstructured.NestedSlice(r.spec, "healthChecks")
	if err != nil {
		return nil, fmt.Errorf("%s: spec.healthChecks: %w", r.where, err)
	}
	var checks object.ObjMetadataSet
	for i, c := range list {
		m, ok := c.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s: spec.healthChecks[%d] is not an object", r.where, i)
		}
		apiVersion, _ := m["apiVersion"].(string)
		kind, _ := m["kind"].(string)
		name, _ := m["name"].(string)
		ns, _ := m["namespace"].(string)
		if apiVersion == "" {
			apiVersion = "apps/v1" // as kustomize-controller, for v1beta1 objects
		}
		gv, err := schema.ParseGroupVersion(apiVersion)
		if err != nil || kind == "" || name == "" {
			return nil, fmt.Errorf("%s: spec.healthChecks[%d] needs apiVersion, kind and name", r.where, i)
		}
		checks = append(checks, object.ObjMetadata{
			Namespace: ns, Name: name, GroupKind: schema.GroupKind{Group: gv.Group, Kind: kind},
		})
	}
	return checks, nil
}

// fluxTimeout is kustomize-controller's GetTimeout: spec.timeout if set,
// else spec.interval less 30 seconds; never under 30 seconds.
func fluxTimeout(interval, timeout string) (time.Duration, error) {
	var d time.Duration
	if interval != "" {
		i, err := time.ParseDuration(interval)
		if err != nil {
			return 0, fmt.Errorf("spec.interval: %w", err)
		}
		d = i - 30*time.Second
	}
	if timeout != "" {
		t, err := time.ParseDuration(timeout)
		if err != nil {
			return 0, fmt.Errorf("spec.timeout: %w", err)
		}
		d = t
	}
	if d < 30*time.Second {
		d = 30 * time.Second
	}
	return d, nil
}

// resolvePath joins a Kustomization path to the repository root and refuses
// one that leaves it, before or after following symbolic links. Like
// kustomize-controller, a leading "/" means the root.
func resolvePath(root, path string) (string, error) {
	root, err := filepath.Abs(root)
	if err != nil {
		return "", err
	}
	joined := filepath.Join(root, path)
	if !within(root, joined) {
		return "", fmt.Errorf("path %q is outside the root %s", path, root)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", err
	}
	real, err := filepath.EvalSymlinks(joined)
	if err != nil {
		return "", fmt.Errorf("path %q: %w", path, err)
	}
	if !within(realRoot, real) {
		return "", fmt.Errorf("path %q resolves to %s, outside the root %s", path, real, realRoot)
	}
	info, err := os.Stat(real)
	if err != nil {
		return "", err
	}
	if !info.IsDir() {
		return "", fmt.Errorf("path %q is not a directory", path)
	}
	return joined, nil
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	if err != nil {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
