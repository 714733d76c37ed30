package secrets

import (
	"caracal.dev/caracal-cdk8s/constructs/shared"
	"caracal.dev/caracal-cdk8s/imports/externalsecretsio"
	"github.com/aws/constructs-go/constructs/v10"
)

// Store names the SecretStore or ClusterSecretStore to read from.
type Store struct {
	Name    string
	Cluster bool // a ClusterSecretStore
}

// ExternalProps configures one Secret synced from a secret store.
type ExternalProps struct {
	Release shared.Release
	// Name of the Kubernetes Secret written, and of the ExternalSecret.
	Name  string
	Store Store
	// RefreshInterval is how often values are read again (a Go duration),
	// so that a rotation in the store reaches the cluster.
	RefreshInterval string
	// RemoteKey is the secret in the store; each of Keys is read from the
	// property of the same name.
	RemoteKey string
	Keys      []string
}

// NewExternalSecret adds an ExternalSecret (external-secrets.io/v1) that
// keeps Secret Name in step with RemoteKey. The Secret is owned by the
// ExternalSecret; it stays when the ExternalSecret is deleted.
func NewExternalSecret(scope constructs.Construct, id string, p ExternalProps) externalsecretsio.ExternalSecret {
	kind := externalsecretsio.ExternalSecretSpecSecretStoreRefKind_SECRET_STORE
	if p.Store.Cluster {
		kind = externalsecretsio.ExternalSecretSpecSecretStoreRefKind_CLUSTER_SECRET_STORE
	}
	data := make([]*externalsecretsio.ExternalSecretSpecData, len(p.Keys))
	for i, k := range p.Keys {
		data[i] = &externalsecretsio.ExternalSecretSpecData{
			SecretKey: shared.Str(k),
			RemoteRef: &externalsecretsio.ExternalSecretSpecDataRemoteRef{Key: shared.Str(p.RemoteKey), Property: shared.Str(k)},
		}
	}
	return externalsecretsio.NewExternalSecret(scope, shared.Str(id), &externalsecretsio.ExternalSecretProps{
		Metadata: p.Release.APIMeta(p.Name, Component),
		Spec: &externalsecretsio.ExternalSecretSpec{
			SecretStoreRef:  &externalsecretsio.ExternalSecretSpecSecretStoreRef{Name: shared.Str(p.Store.Name), Kind: kind},
			RefreshInterval: shared.Str(p.RefreshInterval),
			Target: &externalsecretsio.ExternalSecretSpecTarget{
				Name:           shared.Str(p.Name),
				CreationPolicy: externalsecretsio.ExternalSecretSpecTargetCreationPolicy_OWNER,
				DeletionPolicy: externalsecretsio.ExternalSecretSpecTargetDeletionPolicy_RETAIN,
			},
			Data: &data,
		},
	})
}
