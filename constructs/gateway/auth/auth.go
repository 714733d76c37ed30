// Package auth names the ways the gateway authenticates its callers. It
// holds nothing but the names, so that the values that choose a mode and
// the gateway construct that applies it share one list, without the
// construct's dependencies.
package auth

const (
	JWT    = "jwt"     // a JWT, verified with jwt_public.pem of the TLS secret
	MTLS   = "mtls"    // a client certificate, verified with ca.crt of the TLS secret
	APIKey = "api_key" // a key from api_keys of the API keys secret
)

// Modes are the modes, in the order they are documented.
var Modes = []string{JWT, MTLS, APIKey}
