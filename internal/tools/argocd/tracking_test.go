package main

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func obj(apiVersion, kind, ns, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetAPIVersion(apiVersion)
	u.SetKind(kind)
	u.SetNamespace(ns)
	u.SetName(name)
	return u
}

func TestSetTracking(t *testing.T) {
	deploy := obj("apps/v1", "Deployment", "caracal", "caracal-gateway")
	deploy.SetLabels(map[string]string{appInstanceLabel: "something-else"})
	deploy.SetAnnotations(map[string]string{"keep": "me", installationIDAnnotation: "other"})
	ns := obj("v1", "Namespace", "", "caracal")
	svc := obj("v1", "Service", "caracal", "caracal-gateway")
	crd := obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", "things.example.com")

	setTracking([]*unstructured.Unstructured{deploy, ns, svc, crd}, "caracal", "")

	cases := map[*unstructured.Unstructured]string{
		deploy: "caracal:apps/Deployment:caracal/caracal-gateway",
		ns:     "caracal:/Namespace:/caracal",
		svc:    "caracal:/Service:caracal/caracal-gateway",
	}
	for o, want := range cases {
		if got := o.GetAnnotations()[trackingAnnotation]; got != want {
			t.Errorf("%s: tracking-id %q, want %q", o.GetKind(), got, want)
		}
	}
	if _, ok := crd.GetAnnotations()[trackingAnnotation]; ok {
		t.Error("CRDs are not tracked (Argo CD's repo-server skips them)")
	}
	if deploy.GetLabels()[appInstanceLabel] != "something-else" {
		t.Error("the instance label must be left alone")
	}
	if deploy.GetAnnotations()["keep"] != "me" {
		t.Error("other annotations must be kept")
	}
	if _, ok := deploy.GetAnnotations()[installationIDAnnotation]; ok {
		t.Error("an installation-id annotation must be removed (we run without one)")
	}

	// With a destination namespace, cluster-scoped objects carry it.
	ns2 := obj("v1", "Namespace", "", "caracal")
	setTracking([]*unstructured.Unstructured{ns2}, "app", "caracal")
	if got := ns2.GetAnnotations()[trackingAnnotation]; got != "app:/Namespace:caracal/caracal" {
		t.Errorf("tracking-id %q", got)
	}
}

func TestParseTrackingValue(t *testing.T) {
	v, ok := parseTrackingValue("caracal:apps/Deployment:caracal/web")
	if !ok || v != (trackingValue{App: "caracal", Group: "apps", Kind: "Deployment", Namespace: "caracal", Name: "web"}) {
		t.Errorf("parsed %+v %v", v, ok)
	}
	if v.String() != "caracal:apps/Deployment:caracal/web" {
		t.Errorf("round trip %q", v.String())
	}
	for _, bad := range []string{"", "caracal", "caracal:apps/Deployment", "caracal:Deployment:caracal/web", "caracal:apps/Deployment:web"} {
		if _, ok := parseTrackingValue(bad); ok {
			t.Errorf("%q should not parse", bad)
		}
	}
}

func TestManagedAndSelfReferenced(t *testing.T) {
	live := obj("apps/v1", "Deployment", "caracal", "web")
	if trackedApp(live) != "" {
		t.Error("untracked object")
	}
	live.SetAnnotations(map[string]string{trackingAnnotation: "caracal:apps/Deployment:caracal/web"})
	if trackedApp(live) != "caracal" {
		t.Error("tracked object not recognised")
	}
	if !isSelfReferencedObj(live, nil, "caracal") {
		t.Error("an object its own annotation names is managed")
	}
	// A ReplicaSet that copied its Deployment's annotation is not.
	copyRS := obj("apps/v1", "ReplicaSet", "caracal", "web-123")
	copyRS.SetAnnotations(live.GetAnnotations())
	if isSelfReferencedObj(copyRS, nil, "caracal") {
		t.Error("a copied annotation must not make an object managed")
	}
	// With a target, the target decides.
	if !isSelfReferencedObj(live, obj("apps/v1", "Deployment", "caracal", "web"), "caracal") {
		t.Error("live matching its target")
	}
	if !isSelfReferencedObj(nil, live, "caracal") {
		t.Error("no live object: always synced")
	}
	other := live.DeepCopy()
	other.SetAnnotations(map[string]string{trackingAnnotation: "caracal:apps/Deployment:caracal/web", installationIDAnnotation: "x"})
	if trackedApp(other) != "" {
		t.Error("an object of another Argo CD installation is not ours")
	}
}

func TestNormalizeTracking(t *testing.T) {
	target := obj("v1", "ConfigMap", "a", "x")
	target.SetAnnotations(map[string]string{trackingAnnotation: "new:/ConfigMap:a/x"})
	live := obj("v1", "ConfigMap", "a", "x")
	live.SetAnnotations(map[string]string{trackingAnnotation: "old:/ConfigMap:a/x"})
	live.SetLabels(map[string]string{appInstanceLabel: "old"})
	normalizeTracking(target, live)
	if live.GetAnnotations()[trackingAnnotation] != "new:/ConfigMap:a/x" {
		t.Error("live tracking annotation should be taken from the target")
	}
	if _, ok := live.GetLabels()[appInstanceLabel]; ok {
		t.Error("an instance label the target lacks is dropped from live")
	}
	// Without the label on live, nothing changes.
	live2 := obj("v1", "ConfigMap", "a", "x")
	live2.SetAnnotations(map[string]string{trackingAnnotation: "old:/ConfigMap:a/x"})
	normalizeTracking(target, live2)
	if live2.GetAnnotations()[trackingAnnotation] != "old:/ConfigMap:a/x" {
		t.Error("live without instance label must not be normalised")
	}
}
