package namespace_test

import (
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/namespace"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/constructs-go/constructs/v10"
)

func TestNamespaceEnforcesRestricted(t *testing.T) {
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		namespace.NewNamespace(scope, "ns", kube.Release{Name: "caracal", Namespace: "payments", Version: "0.3.0", Annotations: map[string]string{"a": "b"}})
	})
	ns := objs.Must(t, "Namespace", "payments")
	for k, v := range namespace.PodSecurityLabels {
		if ns.Str(`metadata.labels."`+k+`"`) != v {
			t.Errorf("%s: %q", k, ns.Str(`metadata.labels."`+k+`"`))
		}
	}
	if ns.Has("metadata.namespace") || ns.Str("metadata.annotations.a") != "b" {
		t.Errorf("namespace metadata: %v", ns["metadata"])
	}
	for _, p := range testkit.LabelProblems(ns) {
		t.Error(p)
	}
}
