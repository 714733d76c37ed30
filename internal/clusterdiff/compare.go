package clusterdiff

import (
	"fmt"
	"strconv"

	"caracal.dev/caracal-cdk8s/internal/diff"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// lastApplied is kubectl's (and Argo CD's) client-side apply record: a
// copy of the object as last applied, a Secret's data included. It is
// never compared, so never shown.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// serverFields are what the server keeps on an object and no sync sets:
// bookkeeping (generation is bumped by the dry run itself when the spec
// changes), and status, which controllers write.
var serverFields = [][]string{
	{"metadata", "managedFields"},
	{"metadata", "resourceVersion"},
	{"metadata", "generation"},
	{"metadata", "uid"},
	{"metadata", "creationTimestamp"},
	{"metadata", "selfLink"},
	{"status"},
}

// strip returns a copy of obj without the server's bookkeeping. Defaults
// stay: live and dry-run objects both come from the server, so both have
// them, and a changed default is a real change.
func strip(obj map[string]any) map[string]any {
	u := (&unstructured.Unstructured{Object: obj}).DeepCopy()
	for _, f := range serverFields {
		unstructured.RemoveNestedField(u.Object, f...)
	}
	if ann := u.GetAnnotations(); ann != nil {
		delete(ann, lastApplied)
		if len(ann) == 0 {
			unstructured.RemoveNestedField(u.Object, "metadata", "annotations")
		} else {
			u.SetAnnotations(ann)
		}
	}
	return u.Object
}

// changes lists the fields that differ between two versions of one
// object, as internal/diff shows them (a Secret's values redacted).
func changes(before, after map[string]any) []diff.Field {
	c := diff.Compare([]diff.Object{{Value: before}}, []diff.Object{{Value: after}})
	if len(c) == 0 {
		return nil
	}
	return c[0].Fields
}

// liveChanges compares the live object with the dry run's result.
func liveChanges(live, dryRun map[string]any) []diff.Field {
	return changes(strip(live), strip(dryRun))
}

// wantedChanges compares the live object with the synthesized one where
// the dry run cannot (the server refused it): only the fields the output
// sets, so the server's defaults do not show as removals.
func wantedChanges(live, ours map[string]any) []diff.Field {
	projected, _ := project(strip(live), ours).(map[string]any)
	return changes(projected, ours)
}

// project keeps of live only what ours sets. List items are paired as
// internal/diff addresses them (by name, else by index); a live item with
// no partner stays whole, as the sync would remove it. A quantity the
// server wrote in its canonical form ("2" for "2000m") reads as ours.
func project(live, ours any) any {
	switch o := ours.(type) {
	case map[string]any:
		l, ok := live.(map[string]any)
		if !ok {
			return live
		}
		out := map[string]any{}
		for k, v := range o {
			if lv, ok := l[k]; ok && quantityMaps[k] {
				out[k] = projectQuantities(lv, v)
			} else if ok {
				out[k] = project(lv, v)
			}
		}
		return out
	case []any:
		l, ok := live.([]any)
		if !ok {
			return live
		}
		partners := map[string]any{}
		for i, item := range o {
			partners[itemKey(item, i)] = item
		}
		out := make([]any, len(l))
		for i, item := range l {
			if p, ok := partners[itemKey(item, i)]; ok {
				out[i] = project(item, p)
			} else {
				out[i] = item
			}
		}
		return out
	default:
		return live
	}
}

// quantityMaps are the fields that map names to quantities (a
// container's or a claim's requests and limits), which the server
// rewrites in canonical form.
var quantityMaps = map[string]bool{"requests": true, "limits": true}

// projectQuantities is project for a map of quantities: an amount equal
// to ours, however written, reads as ours.
func projectQuantities(live, ours any) any {
	l, ok1 := live.(map[string]any)
	o, ok2 := ours.(map[string]any)
	if !ok1 || !ok2 {
		return project(live, ours)
	}
	out := map[string]any{}
	for k, ov := range o {
		if lv, ok := l[k]; ok && equalQuantity(lv, ov) {
			out[k] = ov
		} else if ok {
			out[k] = lv
		}
	}
	return out
}

func equalQuantity(a, b any) bool {
	qa, err1 := toQuantity(a)
	qb, err2 := toQuantity(b)
	return err1 == nil && err2 == nil && qa.Cmp(qb) == 0
}

func toQuantity(v any) (resource.Quantity, error) {
	switch t := v.(type) {
	case string:
		return resource.ParseQuantity(t)
	case int64:
		return *resource.NewQuantity(t, resource.DecimalSI), nil
	}
	return resource.Quantity{}, fmt.Errorf("not a quantity")
}

// itemKey addresses a list item by its name (or metadata.name, for a
// volume claim template), else by its index.
func itemKey(item any, i int) string {
	if m, ok := item.(map[string]any); ok {
		if n, ok := m["name"].(string); ok {
			return "name:" + n
		}
		if n, _, _ := unstructured.NestedString(m, "metadata", "name"); n != "" {
			return "name:" + n
		}
	}
	return "index:" + strconv.Itoa(i)
}
