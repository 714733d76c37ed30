package externalsecretsio

import (
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// ExternalSecret fetches data from a SecretStore and writes it into a Kubernetes Secret.
type ExternalSecretProps struct {
	Metadata *cdk8s.ApiObjectMetadata `field:"optional" json:"metadata" yaml:"metadata"`
	// What to fetch, from where, and how to write it.
	Spec *ExternalSecretSpec `field:"optional" json:"spec" yaml:"spec"`
}

