package externalsecretsio


type ExternalSecretSpecData struct {
	// Where the value is in the provider.
	RemoteRef *ExternalSecretSpecDataRemoteRef `field:"required" json:"remoteRef" yaml:"remoteRef"`
	// Key in the Kubernetes Secret.
	SecretKey *string `field:"required" json:"secretKey" yaml:"secretKey"`
}

