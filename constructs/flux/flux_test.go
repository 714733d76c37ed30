package flux_test

import (
	"fmt"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/flux"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
)

// stage is a complete first stage: each refusal case spoils one field.
func stage(name string) flux.StageProps {
	return flux.StageProps{
		Release: kube.Release{Name: "caracal", Namespace: "caracal", Version: "0.3.0"},
		Name:    name, Namespace: "flux-system", Path: "./dist/flux/" + name,
		SourceRef: flux.SourceRef{Kind: "GitRepository", Name: "caracal-deploy"}, Interval: "10m", Timeout: "15m",
	}
}

type kustomization struct {
	APIVersion string
	Kind       string
	Metadata   struct {
		Name, Namespace string
		Labels          map[string]string
	}
	Spec struct {
		Path, Interval string
		Timeout        *string
		Prune, Wait    bool
		SourceRef      struct{ Kind, Name string }
		DependsOn      []struct{ Name string }
	}
}

func decode(t *testing.T, s *flux.Stage) kustomization {
	t.Helper()
	var k kustomization
	manifest.Decode(t, s.Kustomization, &k)
	return k
}

func TestStagesChainAndWait(t *testing.T) {
	c := manifest.Chart()
	first := decode(t, flux.NewStage(c, "base", stage("base")))
	p := stage("db-init")
	p.DependsOn = "base"
	second := decode(t, flux.NewStage(c, "db-init", p))

	s := first.Spec
	if first.APIVersion != "kustomize.toolkit.fluxcd.io/v1" || first.Kind != "Kustomization" || first.Metadata.Name != "base" || first.Metadata.Namespace != "flux-system" {
		t.Errorf("%s %s %s/%s", first.APIVersion, first.Kind, first.Metadata.Namespace, first.Metadata.Name)
	}
	// Pruned, and Ready only once its objects are: the next stage waits.
	if s.Path != "./dist/flux/base" || !s.Prune || !s.Wait || s.Interval != "10m" || s.Timeout == nil || *s.Timeout != "15m" {
		t.Errorf("spec %+v", s)
	}
	if s.SourceRef.Kind != "GitRepository" || s.SourceRef.Name != "caracal-deploy" || len(s.DependsOn) != 0 {
		t.Errorf("the first stage reads %+v and depends on %v", s.SourceRef, s.DependsOn)
	}
	if len(second.Spec.DependsOn) != 1 || second.Spec.DependsOn[0].Name != "base" {
		t.Errorf("the second stage depends on %v", second.Spec.DependsOn)
	}
	if l := second.Metadata.Labels; l["app.kubernetes.io/component"] != flux.Component || l["app.kubernetes.io/instance"] != "caracal" {
		t.Errorf("labels %v", l)
	}
}

func TestStageSourceKinds(t *testing.T) {
	c := manifest.Chart()
	for _, kind := range []string{"GitRepository", "OCIRepository", "Bucket"} {
		p := stage(strings.ToLower(kind))
		p.SourceRef.Kind = kind
		if got := decode(t, flux.NewStage(c, kind, p)).Spec.SourceRef.Kind; got != kind {
			t.Errorf("source kind %q, want %q", got, kind)
		}
	}
}

// Without a Timeout, Flux's own default (the Interval) applies.
func TestStageDefaultTimeout(t *testing.T) {
	p := stage("base")
	p.Timeout = ""
	if got := decode(t, flux.NewStage(manifest.Chart(), "base", p)).Spec.Timeout; got != nil {
		t.Errorf("timeout %q, want none", *got)
	}
}

func TestStageErrors(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		spoil      func(*flux.StageProps)
	}{
		{"no name", "flux: StageProps.Name is empty", func(p *flux.StageProps) { p.Name = "" }},
		{"no namespace", "flux: StageProps.Namespace is empty", func(p *flux.StageProps) { p.Namespace = "" }},
		{"no path", "flux: StageProps.Path is empty", func(p *flux.StageProps) { p.Path = "" }},
		{"no source", "flux: StageProps.SourceRef.Name is empty", func(p *flux.StageProps) { p.SourceRef.Name = "" }},
		{"no source kind", `flux: StageProps.SourceRef.Kind is "", not`, func(p *flux.StageProps) { p.SourceRef.Kind = "" }},
		{"unknown source kind", `SourceRef.Kind is "HelmRepository"`, func(p *flux.StageProps) { p.SourceRef.Kind = "HelmRepository" }},
		{"no interval", "flux: StageProps.Interval is empty", func(p *flux.StageProps) { p.Interval = "" }},
		{"no release name", "flux: StageProps.Release.Name is empty", func(p *flux.StageProps) { p.Release.Name = "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := stage("base")
			tc.spoil(&p)
			defer func() {
				if got := fmt.Sprint(recover()); !strings.Contains(got, tc.want) {
					t.Errorf("panic %q, want %q", got, tc.want)
				}
			}()
			flux.NewStage(manifest.Chart(), "base", p)
		})
	}
	// The Release's namespace is not the Kustomization's: it may be empty.
	p := stage("base")
	p.Release.Namespace = ""
	flux.NewStage(manifest.Chart(), "base", p)
}
