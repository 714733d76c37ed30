package kustomizetoolkitfluxcdio


type KustomizationSpec struct {
	// How often the path is applied again, a Go duration such as 10m.
	Interval *string `field:"required" json:"interval" yaml:"interval"`
	// Delete the objects that are no longer in the path.
	Prune *bool `field:"required" json:"prune" yaml:"prune"`
	// The source whose artifact holds the path.
	SourceRef *KustomizationSpecSourceRef `field:"required" json:"sourceRef" yaml:"sourceRef"`
	// Kustomizations that must be Ready before this one is applied.
	DependsOn *[]*KustomizationSpecDependsOn `field:"optional" json:"dependsOn" yaml:"dependsOn"`
	// Recreate objects that cannot be changed in place.
	Force *bool `field:"optional" json:"force" yaml:"force"`
	// Path of the manifests in the source, relative to its root.
	Path *string `field:"optional" json:"path" yaml:"path"`
	// How soon a failed apply is retried.
	RetryInterval *string `field:"optional" json:"retryInterval" yaml:"retryInterval"`
	// How long the apply and the health checks may take.
	Timeout *string `field:"optional" json:"timeout" yaml:"timeout"`
	// Wait until every applied object is ready (kstatus) before reporting Ready.
	Wait *bool `field:"optional" json:"wait" yaml:"wait"`
}

