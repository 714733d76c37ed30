package namespace_test

import (
	"fmt"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/namespace"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
)

var release = kube.Release{Name: "caracal", Namespace: "payments", Version: "0.3.0", Annotations: map[string]string{"a": "b"}}

type metadata struct {
	Name        string            `json:"name"`
	Namespace   *string           `json:"namespace"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

// build adds the Namespace to a chart of its own.
func build(p namespace.Props) *namespace.Namespace {
	return namespace.NewNamespace(manifest.Chart(), "ns", p)
}

func TestNamespaceEnforcesRestricted(t *testing.T) {
	ns := build(namespace.Props{Release: release})
	var got struct {
		Kind     string   `json:"kind"`
		Metadata metadata `json:"metadata"`
	}
	manifest.Decode(t, ns.Namespace, &got)
	m := got.Metadata
	if got.Kind != "Namespace" || m.Name != "payments" || m.Namespace != nil {
		t.Errorf("%s %q in namespace %v, want the cluster-scoped Namespace payments", got.Kind, m.Name, m.Namespace)
	}
	for k, v := range kube.Merge(namespace.PodSecurityLabels, release.Labels(namespace.Component)) {
		if m.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, m.Labels[k], v)
		}
	}
	if m.Annotations["a"] != "b" {
		t.Errorf("the release's annotations: %v", m.Annotations)
	}
	if ns.Node().Id() == nil || *ns.Node().Id() != "ns" {
		t.Error("the construct is the child scope named by its id")
	}
}

func TestNamespaceErrors(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		change     func(*kube.Release)
	}{
		{"no release name", "namespace: Props.Release.Name is empty", func(r *kube.Release) { r.Name = "" }},
		{"no namespace", "namespace: Props.Release.Namespace is empty", func(r *kube.Release) { r.Namespace = "" }},
		{"not a DNS label", `namespace: Props.Release.Namespace "Pay.ments" is not a DNS label`, func(r *kube.Release) { r.Namespace = "Pay.ments" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := release
			tc.change(&r)
			defer func() {
				if got := fmt.Sprint(recover()); !strings.Contains(got, tc.want) {
					t.Errorf("panic %q, want %q", got, tc.want)
				}
			}()
			build(namespace.Props{Release: r})
		})
	}
}
