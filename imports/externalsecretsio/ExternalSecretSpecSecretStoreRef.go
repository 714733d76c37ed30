package externalsecretsio


// The SecretStore or ClusterSecretStore to read from.
type ExternalSecretSpecSecretStoreRef struct {
	Name *string `field:"required" json:"name" yaml:"name"`
	// SecretStore (the default) or ClusterSecretStore.
	Kind ExternalSecretSpecSecretStoreRefKind `field:"optional" json:"kind" yaml:"kind"`
}

