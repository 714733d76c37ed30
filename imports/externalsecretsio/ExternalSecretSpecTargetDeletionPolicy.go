package externalsecretsio


type ExternalSecretSpecTargetDeletionPolicy string

const (
	// Delete.
	ExternalSecretSpecTargetDeletionPolicy_DELETE ExternalSecretSpecTargetDeletionPolicy = "DELETE"
	// Merge.
	ExternalSecretSpecTargetDeletionPolicy_MERGE ExternalSecretSpecTargetDeletionPolicy = "MERGE"
	// Retain.
	ExternalSecretSpecTargetDeletionPolicy_RETAIN ExternalSecretSpecTargetDeletionPolicy = "RETAIN"
)

