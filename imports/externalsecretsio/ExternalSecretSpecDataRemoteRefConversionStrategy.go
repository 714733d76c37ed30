package externalsecretsio


type ExternalSecretSpecDataRemoteRefConversionStrategy string

const (
	// Default.
	ExternalSecretSpecDataRemoteRefConversionStrategy_DEFAULT ExternalSecretSpecDataRemoteRefConversionStrategy = "DEFAULT"
	// Unicode.
	ExternalSecretSpecDataRemoteRefConversionStrategy_UNICODE ExternalSecretSpecDataRemoteRefConversionStrategy = "UNICODE"
)

