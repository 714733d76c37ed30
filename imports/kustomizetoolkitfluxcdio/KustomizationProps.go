package kustomizetoolkitfluxcdio

import (
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// Kustomization applies the manifests of a path of a source to the cluster, and keeps them there.
type KustomizationProps struct {
	Spec *KustomizationSpec `field:"required" json:"spec" yaml:"spec"`
	Metadata *cdk8s.ApiObjectMetadata `field:"optional" json:"metadata" yaml:"metadata"`
}

