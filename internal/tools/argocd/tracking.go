package main

import (
	"fmt"
	"strings"

	"github.com/argoproj/gitops-engine/pkg/utils/kube"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// Resource tracking as Argo CD 3.x does it by default ("annotation" tracking
// method): the repo-server stamps every rendered manifest, except
// CustomResourceDefinitions, with
//
//	argocd.argoproj.io/tracking-id: <app>:<group>/<kind>:<namespace>/<name>
//
// and the controller treats a live object as belonging to the application
// when that annotation names the application. The app.kubernetes.io/instance
// label is left alone.
const (
	trackingAnnotation = "argocd.argoproj.io/tracking-id"
	// installationIDAnnotation is only written by Argo CD when an
	// installation ID is configured; we run without one, so a live object that
	// carries it belongs to some other Argo CD.
	installationIDAnnotation = "argocd.argoproj.io/installation-id"
	// appInstanceLabel is Argo CD's default application instance label key;
	// only read, for the diff normalisation Argo CD applies with it.
	appInstanceLabel = "app.kubernetes.io/instance"
	// ssaManager is the field manager Argo CD's controller applies with.
	ssaManager = "argocd-controller"
)

// trackingValue is the parsed form of a tracking-id annotation.
type trackingValue struct {
	App       string
	Group     string
	Kind      string
	Namespace string
	Name      string
}

func (v trackingValue) String() string {
	return fmt.Sprintf("%s:%s/%s:%s/%s", v.App, v.Group, v.Kind, v.Namespace, v.Name)
}

// parseTrackingValue parses "<app>:<group>/<kind>:<namespace>/<name>".
func parseTrackingValue(s string) (trackingValue, bool) {
	parts := strings.SplitN(s, ":", 3)
	if len(parts) != 3 {
		return trackingValue{}, false
	}
	gk := strings.Split(parts[1], "/")
	nn := strings.Split(parts[2], "/")
	if len(gk) != 2 || len(nn) != 2 {
		return trackingValue{}, false
	}
	return trackingValue{App: parts[0], Group: gk[0], Kind: gk[1], Namespace: nn[0], Name: nn[1]}, true
}

// trackingValueFor is the tracking value Argo CD derives for a manifest:
// the object's own namespace, or the Application's destination namespace
// when the manifest has none (cluster-scoped objects included).
func trackingValueFor(obj *unstructured.Unstructured, app, destNamespace string) trackingValue {
	ns := obj.GetNamespace()
	if ns == "" {
		ns = destNamespace
	}
	gvk := obj.GroupVersionKind()
	return trackingValue{App: app, Group: gvk.Group, Kind: gvk.Kind, Namespace: ns, Name: obj.GetName()}
}

// setTracking stamps the tracking annotation on every target except CRDs
// (Argo CD's repo-server skips those too; the controller finds live CRDs by
// name instead).
func setTracking(objs []*unstructured.Unstructured, app, destNamespace string) {
	for _, obj := range objs {
		if kube.IsCRD(obj) {
			continue
		}
		annotations := obj.GetAnnotations()
		if annotations == nil {
			annotations = map[string]string{}
		}
		delete(annotations, installationIDAnnotation)
		annotations[trackingAnnotation] = trackingValueFor(obj, app, destNamespace).String()
		obj.SetAnnotations(annotations)
	}
}

// trackedApp returns the application named by a live object's tracking
// annotation, or "" when it has none (or one Argo CD would not accept).
func trackedApp(obj *unstructured.Unstructured) string {
	v, ok := trackedValue(obj)
	if !ok {
		return ""
	}
	return v.App
}

func trackedValue(obj *unstructured.Unstructured) (trackingValue, bool) {
	annotations := obj.GetAnnotations()
	if annotations[installationIDAnnotation] != "" {
		return trackingValue{}, false
	}
	raw, ok := annotations[trackingAnnotation]
	if !ok {
		return trackingValue{}, false
	}
	return parseTrackingValue(raw)
}

// selfReferenced reports whether the live object really is the one the
// tracking value describes, so that copies of the annotation (a controller
// copying annotations onto its children, say) do not count as managed.
func selfReferenced(live *unstructured.Unstructured, v trackingValue) bool {
	gvk := live.GroupVersionKind()
	return (live.GetNamespace() == v.Namespace || live.GetNamespace() == "") &&
		live.GetName() == v.Name && gvk.Group == v.Group && gvk.Kind == v.Kind
}

// isSelfReferencedObj mirrors the Argo CD controller's resource filter: a
// live object is synced (or pruned) by this app only when it is the very
// object that target or its own tracking annotation names.
func isSelfReferencedObj(live, target *unstructured.Unstructured, app string) bool {
	if live == nil {
		return true
	}
	if target != nil {
		return selfReferenced(live, trackingValueFor(target, app, ""))
	}
	if v, ok := trackedValue(live); ok {
		return selfReferenced(live, v)
	}
	return true
}

// normalizeTracking is what Argo CD's resource tracking does to a
// target/live pair before diffing: when the live object carries the
// instance label, the live tracking annotation is taken from the target and
// a label the target does not set is dropped from live.
func normalizeTracking(target, live *unstructured.Unstructured) {
	if target == nil || live == nil || kube.IsCRD(live) {
		return
	}
	if live.GetLabels()[appInstanceLabel] == "" {
		return
	}
	annotations := live.GetAnnotations()
	if annotations == nil {
		annotations = map[string]string{}
	}
	if v, ok := target.GetAnnotations()[trackingAnnotation]; ok {
		annotations[trackingAnnotation] = v
	} else {
		delete(annotations, trackingAnnotation)
	}
	live.SetAnnotations(annotations)
	if target.GetLabels()[appInstanceLabel] == "" {
		labels := live.GetLabels()
		delete(labels, appInstanceLabel)
		live.SetLabels(labels)
	}
}
