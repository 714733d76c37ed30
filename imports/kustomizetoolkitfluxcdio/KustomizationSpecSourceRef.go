package kustomizetoolkitfluxcdio


// The source whose artifact holds the path.
type KustomizationSpecSourceRef struct {
	Kind KustomizationSpecSourceRefKind `field:"required" json:"kind" yaml:"kind"`
	Name *string `field:"required" json:"name" yaml:"name"`
	ApiVersion *string `field:"optional" json:"apiVersion" yaml:"apiVersion"`
	Namespace *string `field:"optional" json:"namespace" yaml:"namespace"`
}

