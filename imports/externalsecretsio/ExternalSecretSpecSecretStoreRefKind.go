package externalsecretsio


// SecretStore (the default) or ClusterSecretStore.
type ExternalSecretSpecSecretStoreRefKind string

const (
	// SecretStore.
	ExternalSecretSpecSecretStoreRefKind_SECRET_STORE ExternalSecretSpecSecretStoreRefKind = "SECRET_STORE"
	// ClusterSecretStore.
	ExternalSecretSpecSecretStoreRefKind_CLUSTER_SECRET_STORE ExternalSecretSpecSecretStoreRefKind = "CLUSTER_SECRET_STORE"
)

