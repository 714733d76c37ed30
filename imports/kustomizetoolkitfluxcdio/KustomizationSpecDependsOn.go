package kustomizetoolkitfluxcdio


type KustomizationSpecDependsOn struct {
	Name *string `field:"required" json:"name" yaml:"name"`
	Namespace *string `field:"optional" json:"namespace" yaml:"namespace"`
}

