package externalsecretsio


type ExternalSecretSpecTargetCreationPolicy string

const (
	// Owner.
	ExternalSecretSpecTargetCreationPolicy_OWNER ExternalSecretSpecTargetCreationPolicy = "OWNER"
	// Orphan.
	ExternalSecretSpecTargetCreationPolicy_ORPHAN ExternalSecretSpecTargetCreationPolicy = "ORPHAN"
	// Merge.
	ExternalSecretSpecTargetCreationPolicy_MERGE ExternalSecretSpecTargetCreationPolicy = "MERGE"
	// None.
	ExternalSecretSpecTargetCreationPolicy_NONE ExternalSecretSpecTargetCreationPolicy = "NONE"
)

