package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// output is one synthesized folder: what Argo CD applies (the root
// kustomization's files) and what Flux applies (the stages in flux/).
type output struct {
	dir     string
	objects []*unstructured.Unstructured // the root's objects
	stages  []*unstructured.Unstructured // Flux Kustomizations, if any
	digest  string                       // of every file: equal outputs are proven once
	pools   []pool                       // of the cluster it is for; none: plain nodes
}

// nodePools are the pools of the cluster the output is for.
func (o *output) nodePools() []pool {
	if len(o.pools) == 0 {
		return plainNodes
	}
	return o.pools
}

// readPools reads the node pools of the cluster an output (dir) is for,
// from dir's name in poolsDir; none when there is no such file.
func readPools(poolsDir, dir string) ([]pool, error) {
	if poolsDir == "" {
		return nil, nil
	}
	path := filepath.Join(poolsDir, filepath.Base(filepath.Clean(dir))+".yaml")
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var doc struct {
		Pools []pool `json:"pools"`
	}
	if err := yaml.UnmarshalStrict(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i, p := range doc.Pools {
		if p.Name == "" {
			return nil, fmt.Errorf("%s: pool %d has no name", path, i+1)
		}
	}
	return doc.Pools, nil
}

const kustomizationFile = "kustomization.yaml"

// readOutput reads the manifests of dir (its *.yaml files but the
// kustomization) and of dir/flux.
func readOutput(dir string) (*output, error) {
	o := &output{dir: dir}
	h := sha256.New()
	read := func(folder string) ([]*unstructured.Unstructured, error) {
		files, err := filepath.Glob(filepath.Join(folder, "*.yaml"))
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		var objs []*unstructured.Unstructured
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			rel, _ := filepath.Rel(dir, f)
			fmt.Fprintf(h, "%s\n%d\n", rel, len(data))
			h.Write(data)
			if filepath.Base(f) == kustomizationFile {
				continue
			}
			parsed, err := parseManifests(data)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			objs = append(objs, parsed...)
		}
		return objs, nil
	}
	var err error
	if o.objects, err = read(dir); err != nil {
		return nil, err
	}
	if len(o.objects) == 0 {
		return nil, fmt.Errorf("%s: no objects (a wrong path, or a broken synth)", dir)
	}
	if o.stages, err = read(filepath.Join(dir, "flux")); err != nil {
		return nil, err
	}
	o.digest = hex.EncodeToString(h.Sum(nil))[:16]
	return o, nil
}

func parseManifests(data []byte) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var out []*unstructured.Unstructured
	for {
		// Unstructured decodes whole numbers as int64, as the API does.
		u := &unstructured.Unstructured{}
		if err := dec.Decode(u); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		if len(u.Object) > 0 {
			out = append(out, u)
		}
	}
}

// fluxPath is where the output's Flux stages expect it in the repository
// (spec.path of a stage, less /flux/<stage>), "" without stages.
func (o *output) fluxPath() (string, error) {
	paths := map[string]bool{}
	for _, s := range o.stages {
		p, _, _ := unstructured.NestedString(s.Object, "spec", "path")
		dir, _, _ := strings.Cut(p, "/flux/")
		paths[dir] = true
	}
	switch len(paths) {
	case 0:
		return "", nil
	case 1:
		for p := range paths {
			if !strings.HasPrefix(p, "./") || strings.Contains(p, "..") {
				return "", fmt.Errorf("the Flux stages read %q, which is no path inside a repository", p)
			}
			return p, nil
		}
	}
	return "", fmt.Errorf("the Flux stages read different folders: %v", paths)
}

// kind is how the checks name an object.
func kind(u *unstructured.Unstructured) string {
	if u.GetNamespace() == "" {
		return u.GetKind() + " " + u.GetName()
	}
	return u.GetKind() + " " + u.GetNamespace() + "/" + u.GetName()
}

// claims are the volumes the output asks for: each StatefulSet's claim
// templates times its replicas, and each standalone claim.
func (o *output) claims() ([]claim, error) {
	var out []claim
	add := func(spec map[string]any, n int) error {
		class, _, _ := unstructured.NestedString(spec, "storageClassName")
		size, _, _ := unstructured.NestedString(spec, "resources", "requests", "storage")
		q, err := resource.ParseQuantity(size)
		if err != nil {
			return fmt.Errorf("a claim of size %q: %w", size, err)
		}
		for i := 0; i < n; i++ {
			out = append(out, claim{class: class, size: q})
		}
		return nil
	}
	for _, u := range o.objects {
		switch u.GetKind() {
		case "PersistentVolumeClaim":
			spec, _, _ := unstructured.NestedMap(u.Object, "spec")
			if err := add(spec, 1); err != nil {
				return nil, fmt.Errorf("%s: %w", kind(u), err)
			}
		case "StatefulSet":
			replicas, found, _ := unstructured.NestedInt64(u.Object, "spec", "replicas")
			if !found {
				replicas = 1
			}
			templates, _, _ := unstructured.NestedSlice(u.Object, "spec", "volumeClaimTemplates")
			for _, t := range templates {
				spec, _, _ := unstructured.NestedMap(t.(map[string]any), "spec")
				if err := add(spec, int(replicas)); err != nil {
					return nil, fmt.Errorf("%s: %w", kind(u), err)
				}
			}
		}
	}
	return out, nil
}

// podSpec is the pod template of a workload, if it has one.
func podSpec(u *unstructured.Unstructured) (*corev1.PodTemplateSpec, bool) {
	var fields []string
	switch u.GetKind() {
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job":
		fields = []string{"spec", "template"}
	case "CronJob":
		fields = []string{"spec", "jobTemplate", "spec", "template"}
	default:
		return nil, false
	}
	m, found, _ := unstructured.NestedMap(u.Object, fields...)
	if !found {
		return nil, false
	}
	var t corev1.PodTemplateSpec
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, &t); err != nil {
		return nil, false
	}
	return &t, true
}

// secretRefs are the Secrets the pods read, and the keys they read, by
// namespace and name.
func (o *output) secretRefs() map[[2]string]map[string]bool {
	refs := map[[2]string]map[string]bool{}
	need := func(ns, name, key string) {
		k := [2]string{ns, name}
		if refs[k] == nil {
			refs[k] = map[string]bool{}
		}
		if key != "" {
			refs[k][key] = true
		}
	}
	for _, u := range o.objects {
		t, ok := podSpec(u)
		if !ok {
			continue
		}
		ns := u.GetNamespace()
		for _, v := range t.Spec.Volumes {
			if s := v.Secret; s != nil {
				need(ns, s.SecretName, "")
				for _, item := range s.Items {
					need(ns, s.SecretName, item.Key)
				}
			}
		}
		for _, c := range append(append([]corev1.Container{}, t.Spec.InitContainers...), t.Spec.Containers...) {
			for _, e := range c.Env {
				if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
					need(ns, e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key)
				}
			}
			for _, e := range c.EnvFrom {
				if e.SecretRef != nil {
					need(ns, e.SecretRef.Name, "")
				}
			}
		}
		for _, s := range t.Spec.ImagePullSecrets {
			need(ns, s.Name, ".dockerconfigjson")
		}
	}
	return refs
}

// userRefs are what the pods read that a user creates by hand when the
// values name it: ConfigMaps of environment variables (namespace, name),
// and PriorityClasses.
func (o *output) userRefs() (configMaps map[[2]string]bool, classes map[string]bool) {
	configMaps, classes = map[[2]string]bool{}, map[string]bool{}
	for _, u := range o.objects {
		t, ok := podSpec(u)
		if !ok {
			continue
		}
		if t.Spec.PriorityClassName != "" {
			classes[t.Spec.PriorityClassName] = true
		}
		for _, c := range append(append([]corev1.Container{}, t.Spec.InitContainers...), t.Spec.Containers...) {
			for _, e := range c.EnvFrom {
				if e.ConfigMapRef != nil {
					configMaps[[2]string{u.GetNamespace(), e.ConfigMapRef.Name}] = true
				}
			}
		}
	}
	for _, u := range o.objects {
		delete(configMaps, [2]string{u.GetNamespace(), u.GetName()})
		if u.GetKind() == "PriorityClass" {
			delete(classes, u.GetName())
		}
	}
	return configMaps, classes
}

// workload is a Deployment or StatefulSet: how many pods run, and what
// each asks for.
type workload struct {
	kind     string
	replicas int64
	cpu      resource.Quantity // of one pod
	memory   resource.Quantity
}

// workloads lists the long-running workloads of objs: an autoscaled
// Deployment runs its autoscaler's minimum.
func workloads(objs []*unstructured.Unstructured) []workload {
	minReplicas := map[string]int64{}
	for _, u := range objs {
		if u.GetKind() == "HorizontalPodAutoscaler" {
			n, _, _ := unstructured.NestedInt64(u.Object, "spec", "minReplicas")
			name, _, _ := unstructured.NestedString(u.Object, "spec", "scaleTargetRef", "name")
			minReplicas[u.GetNamespace()+"/"+name] = n
		}
	}
	var out []workload
	for _, u := range objs {
		if u.GetKind() != "Deployment" && u.GetKind() != "StatefulSet" {
			continue
		}
		t, ok := podSpec(u)
		if !ok {
			continue
		}
		w := workload{kind: u.GetKind()}
		replicas, found, _ := unstructured.NestedInt64(u.Object, "spec", "replicas")
		if !found {
			replicas = max(minReplicas[u.GetNamespace()+"/"+u.GetName()], 1)
		}
		w.replicas = replicas
		for _, c := range t.Spec.Containers {
			w.cpu.Add(*c.Resources.Requests.Cpu())
			w.memory.Add(*c.Resources.Requests.Memory())
		}
		out = append(out, w)
	}
	return out
}

// requests is what the output's long-running pods ask for in all.
func (o *output) requests() (cpu, memory resource.Quantity) {
	for _, w := range workloads(o.objects) {
		for i := int64(0); i < w.replicas; i++ {
			cpu.Add(w.cpu)
			memory.Add(w.memory)
		}
	}
	return cpu, memory
}

// fits refuses an output the simulated nodes cannot hold on two of
// three: a drain must always find room. The nodes are never shrunk to
// make an output pass, nor grown silently: their size is nodeCPU and
// nodeMemory, which the README states.
func (o *output) fits() error {
	cpu, memory := o.requests()
	nodeC, nodeM := resource.MustParse(nodeCPU), resource.MustParse(nodeMemory)
	twoC, twoM := nodeC.DeepCopy(), nodeM.DeepCopy()
	twoC.Add(nodeC)
	twoM.Add(nodeM)
	if cpu.Cmp(twoC) > 0 || memory.Cmp(twoM) > 0 {
		return fmt.Errorf("%s asks for %s CPU and %s memory: more than two of the simulated nodes (%s CPU, %s each) hold, so a drain could not finish; grow the nodes (nodeCPU and nodeMemory, and the README), never the output's tolerance", o.dir, cpu.String(), memory.String(), nodeCPU, nodeMemory)
	}
	return nil
}
