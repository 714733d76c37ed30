package flux_test

import (
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/flux"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/constructs-go/constructs/v10"
)

func TestStagesChainAndWait(t *testing.T) {
	rel := kube.Release{Name: "caracal", Namespace: "caracal", Version: "0.3.0"}
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		for _, kind := range []string{"GitRepository", "OCIRepository", "Bucket"} {
			flux.NewStage(scope, "first-"+kind, flux.StageProps{
				Release: rel, Name: "caracal-base-" + kind, Namespace: "flux-system", Path: "./dist/flux/base",
				SourceRef: flux.SourceRef{Kind: kind, Name: "caracal-deploy"}, Interval: "10m", Timeout: "15m",
			})
		}
		flux.NewStage(scope, "second", flux.StageProps{
			Release: rel, Name: "caracal-db-init", Namespace: "flux-system", Path: "./dist/flux/db-init",
			SourceRef: flux.SourceRef{Kind: "GitRepository", Name: "caracal-deploy"}, DependsOn: "caracal-base-GitRepository", Interval: "10m", Timeout: "15m",
		})
	})
	first := objs.Must(t, "Kustomization", "caracal-base-GitRepository")
	for path, want := range map[string]string{
		"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "metadata.namespace": "flux-system", "spec.path": "./dist/flux/base",
		"spec.prune": "true", "spec.wait": "true", "spec.interval": "10m", "spec.timeout": "15m",
		"spec.sourceRef.kind": "GitRepository", "spec.sourceRef.name": "caracal-deploy",
	} {
		if v, _ := first.Get(path); testkit.Sprint(v) != want {
			t.Errorf("%s = %v, want %s", path, v, want)
		}
	}
	if first.Has("spec.dependsOn") {
		t.Error("the first stage depends on nothing")
	}
	for _, kind := range []string{"OCIRepository", "Bucket"} {
		if got := objs.Must(t, "Kustomization", "caracal-base-"+kind).Str("spec.sourceRef.kind"); got != kind {
			t.Errorf("source kind %q, want %q", got, kind)
		}
	}
	second := objs.Must(t, "Kustomization", "caracal-db-init")
	if testkit.Sprint(second.MustGet(t, "spec.dependsOn")) != "[map[name:caracal-base-GitRepository]]" {
		t.Errorf("dependsOn %v", second["spec"])
	}
	for _, p := range testkit.LabelProblems(second) {
		t.Error(p)
	}
}
