package externalsecretsio


type ExternalSecretSpecDataRemoteRefDecodingStrategy string

const (
	// Auto.
	ExternalSecretSpecDataRemoteRefDecodingStrategy_AUTO ExternalSecretSpecDataRemoteRefDecodingStrategy = "AUTO"
	// Base64.
	ExternalSecretSpecDataRemoteRefDecodingStrategy_BASE64 ExternalSecretSpecDataRemoteRefDecodingStrategy = "BASE64"
	// Base64URL.
	ExternalSecretSpecDataRemoteRefDecodingStrategy_BASE64_URL ExternalSecretSpecDataRemoteRefDecodingStrategy = "BASE64_URL"
	// None.
	ExternalSecretSpecDataRemoteRefDecodingStrategy_NONE ExternalSecretSpecDataRemoteRefDecodingStrategy = "NONE"
)

