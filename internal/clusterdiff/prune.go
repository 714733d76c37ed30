package clusterdiff

import (
	"context"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// identityLabels are the recommended labels that tell one install from
// another. The version and the component are left out: an object of an
// older version, or of a component turned off, is exactly what a sync
// prunes.
var identityLabels = []string{
	"app.kubernetes.io/name",
	"app.kubernetes.io/instance",
	"app.kubernetes.io/part-of",
	"app.kubernetes.io/managed-by",
}

// pruneSelector is the identity labels that every object of the output
// carries, each with one value; nil without an instance and a manager,
// which alone could match another install's objects.
func pruneSelector(objs []Object) labels.Set {
	sel := labels.Set{}
	for _, key := range identityLabels {
		value, same := "", true
		for i, o := range objs {
			v, ok := o.GetLabels()[key]
			if !ok || (i > 0 && v != value) {
				same = false
				break
			}
			value = v
		}
		if same && value != "" {
			sel[key] = value
		}
	}
	if sel["app.kubernetes.io/instance"] == "" || sel["app.kubernetes.io/managed-by"] == "" {
		return nil
	}
	return sel
}

// prune lists the objects that carry the output's labels, of the kinds
// the output has, in its namespaces (cluster-scoped kinds everywhere),
// and that the output does not have. Objects a controller owns (a
// CronJob's Jobs) are the cluster's own, never the sync's to prune.
func (c *Cluster) prune(ctx context.Context, objs []Object, r *Report) error {
	sel := pruneSelector(objs)
	if sel == nil {
		r.PruneNote = "not checked: the output's objects share no app.kubernetes.io/instance and managed-by labels"
		return nil
	}
	r.Selector = sel.String()
	ours := map[string]bool{}
	var kinds []schema.GroupVersionKind
	seenKind := map[schema.GroupKind]bool{}
	namespaces := map[string]bool{}
	for _, o := range objs {
		gvk := o.GroupVersionKind()
		ours[key(gvk.GroupKind(), o.GetNamespace(), o.GetName())] = true
		if !seenKind[gvk.GroupKind()] {
			seenKind[gvk.GroupKind()] = true
			kinds = append(kinds, gvk)
		}
		if ns := o.GetNamespace(); ns != "" {
			namespaces[ns] = true
		}
	}
	for _, gvk := range kinds {
		items, err := c.listKind(ctx, gvk, sortedKeys(namespaces), r.Selector)
		if err != nil {
			return err
		}
		for _, u := range items {
			if ours[key(gvk.GroupKind(), u.GetNamespace(), u.GetName())] || len(u.GetOwnerReferences()) > 0 || u.GetDeletionTimestamp() != nil {
				continue
			}
			e := Entry{ID: ID(&u)}
			if pruneDisabled(u.GetAnnotations()) {
				r.Kept = append(r.Kept, e)
			} else {
				r.Pruned = append(r.Pruned, e)
			}
		}
	}
	return nil
}

// listKind lists the objects of a kind that match the selector: in each
// namespace for a namespaced kind, else in the whole cluster. A kind the
// cluster does not serve has none (its objects are reported as failing).
func (c *Cluster) listKind(ctx context.Context, gvk schema.GroupVersionKind, namespaces []string, selector string) ([]unstructured.Unstructured, error) {
	probe := &unstructured.Unstructured{}
	probe.SetGroupVersionKind(gvk)
	m, err := c.mapping(probe)
	if err != nil || m == nil {
		return nil, err
	}
	if m.Scope.Name() != meta.RESTScopeNameNamespace {
		namespaces = []string{""}
	}
	var out []unstructured.Unstructured
	for _, ns := range namespaces {
		opts := metav1.ListOptions{LabelSelector: selector, Limit: 500}
		for {
			list, err := c.resource(m, ns).List(ctx, opts)
			if err != nil {
				return nil, readError("cannot list "+m.Resource.GroupResource().String(), err)
			}
			out = append(out, list.Items...)
			if opts.Continue = list.GetContinue(); opts.Continue == "" {
				break
			}
		}
	}
	return out, nil
}

// pruneDisabled reports the annotations by which Argo CD and Flux leave
// an object in place when it leaves the output.
func pruneDisabled(ann map[string]string) bool {
	if ann["kustomize.toolkit.fluxcd.io/prune"] == "disabled" {
		return true
	}
	for _, opt := range strings.Split(ann["argocd.argoproj.io/sync-options"], ",") {
		if strings.TrimSpace(opt) == "Prune=false" {
			return true
		}
	}
	return false
}

func key(gk schema.GroupKind, namespace, name string) string {
	return gk.String() + "/" + namespace + "/" + name
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
