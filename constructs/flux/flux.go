// Package flux orders an output for Flux. Flux applies all the objects of
// a Kustomization at once; an order, such as "the migrations finish before
// the applications start", takes one Kustomization per stage, each
// depending on the stage before it and waiting until its own objects are
// ready (wait: true), which is how Argo CD treats its sync waves.
package flux

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/imports/kustomizetoolkitfluxcdio"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// Component is the app.kubernetes.io/component of the Kustomizations.
const Component = "flux"

// SourceRef is the Flux source (a GitRepository, say) holding the output.
type SourceRef struct {
	Kind, Name string
}

// sourceKinds are the kinds of source Flux reads from, as jsii names them.
var sourceKinds = map[string]kustomizetoolkitfluxcdio.KustomizationSpecSourceRefKind{
	"GitRepository": kustomizetoolkitfluxcdio.KustomizationSpecSourceRefKind_GIT_REPOSITORY,
	"OCIRepository": kustomizetoolkitfluxcdio.KustomizationSpecSourceRefKind_OCI_REPOSITORY,
	"Bucket":        kustomizetoolkitfluxcdio.KustomizationSpecSourceRefKind_BUCKET,
}

func init() {
	values := map[any]string{}
	for value, member := range sourceKinds {
		values[member] = value
	}
	kube.RegisterEnums(values)
}

// StageProps configures one stage. Every field is required unless it
// says otherwise.
type StageProps struct {
	// Release labels the Kustomization; its namespace is Namespace.
	Release kube.Release
	// Name of the Kustomization, unique in Namespace (Flux's own).
	Name, Namespace string
	// Path of the stage's kustomization.yaml folder in the source.
	Path string
	// SourceRef: Kind is GitRepository, OCIRepository or Bucket.
	SourceRef SourceRef
	// DependsOn names the stage before, in Namespace. Default: none, the
	// first stage.
	DependsOn string
	// Interval between applies (a Go duration).
	Interval string
	// Timeout of one apply and its wait (a Go duration). Default: Flux's,
	// the Interval.
	Timeout string
}

// Stage is the construct.
type Stage struct {
	constructs.Construct
	Kustomization cdk8s.ApiObject
}

// NewStage adds a Kustomization that prunes what leaves the stage and is
// Ready only once every object it applied is.
func NewStage(scope constructs.Construct, id string, p StageProps) *Stage {
	var b kube.Batch
	s := AddStage(&b, id, p)
	b.Make(scope)
	return s
}

// AddStage records in b what NewStage adds, so that the stages of one
// scope are made in one jsii call; b's Make makes them and sets the
// handles of the Stage it returns.
func AddStage(b *kube.Batch, id string, p StageProps) *Stage {
	check(p)
	r := p.Release
	r.Namespace = p.Namespace
	spec := &kustomizetoolkitfluxcdio.KustomizationSpec{
		Interval: kube.Str(p.Interval),
		Path:     kube.Str(p.Path),
		Prune:    kube.Bool(true),
		Wait:     kube.Bool(true),
		SourceRef: &kustomizetoolkitfluxcdio.KustomizationSpecSourceRef{
			Kind: sourceKinds[p.SourceRef.Kind],
			Name: kube.Str(p.SourceRef.Name),
		},
	}
	if p.Timeout != "" {
		spec.Timeout = kube.Str(p.Timeout)
	}
	if p.DependsOn != "" {
		spec.DependsOn = &[]*kustomizetoolkitfluxcdio.KustomizationSpecDependsOn{{Name: kube.Str(p.DependsOn)}}
	}
	s := &Stage{}
	b.Scope(&s.Construct, id).Add(&s.Kustomization, kube.Object{ID: "Resource", GVK: kustomizationKind, Props: &kustomizetoolkitfluxcdio.KustomizationProps{
		Metadata: r.APIMeta(p.Name, Component),
		Spec:     spec,
	}})
	return s
}

// check refuses a stage Flux could not apply, or would apply from
// somewhere else than meant.
func check(p StageProps) {
	r := kube.Refusals{Construct: "flux"}
	r.Empty("StageProps.Release.Name", p.Release.Name) // the Release's namespace is unused: Namespace replaces it
	r.Empty("StageProps.Name", p.Name)
	r.Empty("StageProps.Namespace", p.Namespace)
	r.Empty("StageProps.Path", p.Path)
	r.Empty("StageProps.SourceRef.Name", p.SourceRef.Name)
	r.Empty("StageProps.Interval", p.Interval)
	if _, ok := sourceKinds[p.SourceRef.Kind]; !ok {
		r.Refuse("StageProps.SourceRef.Kind is %q, not GitRepository, OCIRepository or Bucket", p.SourceRef.Kind)
	}
	r.Check()
}

// kustomizationKind is the kind of Flux's Kustomization, as the binding
// in imports/ has it.
var kustomizationKind = kube.GVK{APIVersion: "kustomize.toolkit.fluxcd.io/v1", Kind: "Kustomization"}
