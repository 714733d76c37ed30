package clusterdiff

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"caracal.dev/caracal-cdk8s/internal/diff"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
)

// Diff compares every object with the cluster, in the order given, then
// looks for what the sync would prune. An error means the diff could not
// be made; what the sync would fail on is in the Report.
func (c *Cluster) Diff(ctx context.Context, objs []Object) (*Report, error) {
	r := &Report{Context: c.Context, Server: c.Server}
	for _, o := range objs {
		if err := c.diffObject(ctx, o, r); err != nil {
			return nil, err
		}
	}
	if err := c.prune(ctx, objs, r); err != nil {
		return nil, err
	}
	r.sort()
	return r, nil
}

// resource is the client of the object's resource, in its namespace.
func (c *Cluster) resource(m *meta.RESTMapping, namespace string) dynamic.ResourceInterface {
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		return c.dyn.Resource(m.Resource).Namespace(namespace)
	}
	return c.dyn.Resource(m.Resource)
}

// mapping finds the object's resource; nil, with no error, when the
// cluster does not serve its kind.
func (c *Cluster) mapping(u *unstructured.Unstructured) (*meta.RESTMapping, error) {
	gvk := u.GroupVersionKind()
	m, err := c.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if meta.IsNoMatchError(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read the cluster's API resources: %v", err)
	}
	return m, nil
}

func (c *Cluster) diffObject(ctx context.Context, o Object, r *Report) error {
	e := Entry{ID: ID(o.Unstructured), File: o.File}
	m, err := c.mapping(o.Unstructured)
	if err != nil {
		return err
	}
	if m == nil {
		gvk := o.GroupVersionKind()
		e.Notes = []string{fmt.Sprintf("%s (%s) is not served by the cluster: install its CRD (or the operator that brings it) first, or turn off what needs it", gvk.Kind, gvk.GroupVersion())}
		r.Failed = append(r.Failed, e)
		return nil
	}
	res := c.resource(m, o.GetNamespace())
	live, err := res.Get(ctx, o.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		live = nil
	} else if err != nil {
		return readError("cannot read "+e.ID, err)
	}
	result, err := c.dryRun(ctx, res, o)
	r.addWarnings(e.ID, o.GetKind() == "Secret", c.warnings.take())
	if err != nil {
		return r.refused(e, o, live, err)
	}
	if live == nil {
		r.Created = append(r.Created, e)
		return nil
	}
	if e.Fields = liveChanges(live.Object, result.Object); len(e.Fields) > 0 {
		r.Changed = append(r.Changed, e)
	} else {
		r.Unchanged++
	}
	return nil
}

// dryRun server-side applies the object with dryRun=All: admission and
// validation run, nothing is stored. Force takes the fields other
// managers own, as Flux and Argo CD's server-side apply do.
func (c *Cluster) dryRun(ctx context.Context, res dynamic.ResourceInterface, o Object) (*unstructured.Unstructured, error) {
	body, err := o.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", ID(o.Unstructured), err)
	}
	force := true
	return res.Patch(ctx, o.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{
		DryRun:       []string{metav1.DryRunAll},
		FieldManager: c.manager,
		Force:        &force,
	})
}

// refused records a refused dry run, or returns the error that stops the
// diff.
func (r *Report) refused(e Entry, o Object, live *unstructured.Unstructured, err error) error {
	secret := o.GetKind() == "Secret"
	switch classify(err, live != nil) {
	case noNamespace:
		if r.Unchecked == nil {
			r.Unchecked = map[string]int{}
		}
		r.Unchecked[o.GetNamespace()]++
		r.Created = append(r.Created, e)
	case immutable:
		e.Fields = wantedChanges(live.Object, o.Object)
		e.Notes = append(refusedBy(err, secret), replaceAdvice(o.GetKind(), o.GetNamespace(), o.GetName(), e.Fields)...)
		r.Failed = append(r.Failed, e)
	case refused:
		e.Notes = refusedBy(err, secret)
		r.Failed = append(r.Failed, e)
	default:
		msg := fmt.Sprintf("cannot dry-run %s: %s", e.ID, strings.Join(refusal(err, secret), "; "))
		if apierrors.IsForbidden(err) {
			// A server-side apply of an object that does not exist is
			// authorized as a create, dry run or not.
			msg += "\n" + permissions
		}
		return errors.New(msg)
	}
	return nil
}

// permissions are what diff --cluster needs, said when one is missing.
const permissions = "diff --cluster needs get and list, and for its dry runs (which store nothing) patch, and create for objects not in the cluster yet."

// refusedBy is the server's refusal, as notes under the object.
func refusedBy(err error, secret bool) []string {
	var out []string
	for _, line := range refusal(err, secret) {
		out = append(out, "the API server refuses it: "+line)
	}
	return out
}

// readError is a failed GET or LIST, with the permissions needed if it
// was refused.
func readError(what string, err error) error {
	if apierrors.IsForbidden(err) {
		return fmt.Errorf("%s: %v\n%s", what, err, permissions)
	}
	return fmt.Errorf("%s: %v", what, err)
}

// replaceAdvice says what a user must do for an immutable change.
func replaceAdvice(kind, namespace, name string, fields []diff.Field) []string {
	del := "kubectl delete " + strings.ToLower(kind) + " " + name
	if namespace != "" {
		del += " --namespace " + namespace
	}
	var out []string
	if paths := diff.ImmutablePaths(kind, fields); len(paths) > 0 {
		out = append(out, strings.Join(paths, ", ")+" cannot change in place.")
	}
	switch kind {
	case "StatefulSet":
		out = append(out, "To change it: "+del+" --cascade=orphan (its pods and volumes stay), then sync; the new StatefulSet adopts the pods.")
		for _, f := range fields {
			if strings.HasPrefix(f.Path, "spec.volumeClaimTemplates") {
				out = append(out, "A claim template applies to new claims only: resize the existing PersistentVolumeClaims themselves (kubectl patch pvc), if their StorageClass allows expansion.")
				break
			}
		}
	case "Job":
		out = append(out, "To change it: "+del+" (a Job runs once; the new one runs again), then sync.")
	default:
		out = append(out, "To change it, the object must be replaced: "+del+", then sync.")
	}
	// Both delete the object and what it owns: pods restart.
	return append(out, "Argo CD's Force=true,Replace=true sync options and Flux's spec.force: true delete and recreate it instead, its pods too.")
}
