package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/restmapper"
)

// dropped lists, for each object, the fields it sets that the API server
// did not store. A server drops a field whose feature is off in its
// version (alpha, or beta and off by default) with no error and no
// warning, even under --validate=strict: the field is known, only
// disabled. An object that is accepted but stored without a field it
// needs is not supported: on the oldest supported version this is what
// proves that the output needs nothing newer.
func (c *cluster) dropped(ctx context.Context, objs []*unstructured.Unstructured) ([]string, error) {
	dc, err := dynamic.NewForConfig(c.config)
	if err != nil {
		return nil, err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(c.client.Discovery()))
	var out []string
	for _, u := range objs {
		gvk := u.GroupVersionKind()
		m, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			return nil, err
		}
		live, err := dc.Resource(m.Resource).Namespace(u.GetNamespace()).Get(ctx, u.GetName(), metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			out = append(out, kind(u)+": not stored at all")
			continue
		}
		if err != nil {
			return nil, err
		}
		want := u.Object
		if u.GetKind() == "Secret" && gvk.Group == "" {
			// stringData is write-only: the server merges it into data.
			want = without(want, "stringData")
		}
		if paths := missing(want, live.Object, ""); len(paths) > 0 {
			out = append(out, fmt.Sprintf("%s: %s", kind(u), strings.Join(paths, ", ")))
		}
	}
	return out, nil
}

// missing lists the paths of want that got lacks. Only presence counts:
// the server normalizes values (quantities, defaults). A zero value
// (false, 0, "", empty) may be absent: a field that is no pointer is
// written without its zero value (a PriorityClass's globalDefault: false),
// which is the same as unset. Lists are compared item by item, in order.
func missing(want, got any, path string) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{orRoot(path)}
		}
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var out []string
		for _, k := range keys {
			if w[k] == nil {
				continue // null sets nothing
			}
			sub := k
			if path != "" {
				sub = path + "." + k
			}
			gv, ok := g[k]
			if !ok || gv == nil {
				if !zero(w[k]) {
					out = append(out, sub)
				}
				continue
			}
			out = append(out, missing(w[k], gv, sub)...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{orRoot(path)}
		}
		var out []string
		for i, x := range w {
			sub := fmt.Sprintf("%s[%d]", path, i)
			if i >= len(g) {
				out = append(out, sub)
				continue
			}
			out = append(out, missing(x, g[i], sub)...)
		}
		return out
	}
	return nil
}

// zero is whether v is the zero value of its JSON type.
func zero(v any) bool {
	switch t := v.(type) {
	case bool:
		return !t
	case int64:
		return t == 0
	case float64:
		return t == 0
	case string:
		return t == ""
	case map[string]any:
		return len(t) == 0
	case []any:
		return len(t) == 0
	}
	return false
}

func orRoot(path string) string {
	if path == "" {
		return "(the object)"
	}
	return path
}

// without is m less its key k, m unchanged.
func without(m map[string]any, k string) map[string]any {
	out := make(map[string]any, len(m))
	for key, v := range m {
		if key != k {
			out[key] = v
		}
	}
	return out
}

// checkStored fails when the API server did not store every field of the
// output's objects (see dropped).
func (r *runner) checkStored(o *output) error {
	probs, err := r.current.dropped(context.Background(), o.objects)
	if err != nil {
		return err
	}
	if len(probs) > 0 {
		return fmt.Errorf("accepted, but stored without fields it sets (a feature off or unknown in this Kubernetes version?):\n%s", strings.Join(probs, "\n"))
	}
	return nil
}

// selfTestDropped applies a manifest that the API server accepts and
// stores without one of its fields: checkStored must say which.
func (r *runner) selfTestDropped(file string) error {
	if out, err := r.kubectl("apply", "--validate=strict", "--warnings-as-errors", "-f", file); err != nil {
		return fmt.Errorf("%s: %s", file, out)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	objs, err := parseManifests(data)
	if err != nil {
		return err
	}
	err = r.checkStored(&output{dir: file, objects: objs})
	if err == nil || !strings.Contains(err.Error(), "status.observedGeneration") {
		return fmt.Errorf("%s: a field the API server dropped was not noticed (%v)", file, err)
	}
	return nil
}
