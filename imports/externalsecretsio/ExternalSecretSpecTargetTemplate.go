package externalsecretsio


// Shape of the Secret written.
type ExternalSecretSpecTargetTemplate struct {
	Metadata *ExternalSecretSpecTargetTemplateMetadata `field:"optional" json:"metadata" yaml:"metadata"`
	Type *string `field:"optional" json:"type" yaml:"type"`
}

