package externalsecretsio


// Where the value is in the provider.
type ExternalSecretSpecDataRemoteRef struct {
	Key *string `field:"required" json:"key" yaml:"key"`
	ConversionStrategy ExternalSecretSpecDataRemoteRefConversionStrategy `field:"optional" json:"conversionStrategy" yaml:"conversionStrategy"`
	DecodingStrategy ExternalSecretSpecDataRemoteRefDecodingStrategy `field:"optional" json:"decodingStrategy" yaml:"decodingStrategy"`
	Property *string `field:"optional" json:"property" yaml:"property"`
	Version *string `field:"optional" json:"version" yaml:"version"`
}

