package externalsecretsio


// The Kubernetes Secret to write.
type ExternalSecretSpecTarget struct {
	CreationPolicy ExternalSecretSpecTargetCreationPolicy `field:"optional" json:"creationPolicy" yaml:"creationPolicy"`
	DeletionPolicy ExternalSecretSpecTargetDeletionPolicy `field:"optional" json:"deletionPolicy" yaml:"deletionPolicy"`
	Immutable *bool `field:"optional" json:"immutable" yaml:"immutable"`
	// Name of the Secret;
	//
	// defaults to the ExternalSecret's.
	Name *string `field:"optional" json:"name" yaml:"name"`
	// Shape of the Secret written.
	Template *ExternalSecretSpecTargetTemplate `field:"optional" json:"template" yaml:"template"`
}

