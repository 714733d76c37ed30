package externalsecretsio


// CreatedOnce, Periodic (the default) or OnChange.
type ExternalSecretSpecRefreshPolicy string

const (
	// CreatedOnce.
	ExternalSecretSpecRefreshPolicy_CREATED_ONCE ExternalSecretSpecRefreshPolicy = "CREATED_ONCE"
	// Periodic.
	ExternalSecretSpecRefreshPolicy_PERIODIC ExternalSecretSpecRefreshPolicy = "PERIODIC"
	// OnChange.
	ExternalSecretSpecRefreshPolicy_ON_CHANGE ExternalSecretSpecRefreshPolicy = "ON_CHANGE"
)

