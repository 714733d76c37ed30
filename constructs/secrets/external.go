package secrets

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
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
	Release kube.Release
	// Name of the Kubernetes Secret written, and of the ExternalSecret.
	Name  string
	Store Store
	// RefreshInterval is how often values are read again (a Go duration),
	// so that a rotation in the store reaches the cluster.
	RefreshInterval string
	// Data are the keys of the Secret and where the store holds each.
	Data []RemoteValue
}

// RemoteValue is one key of the Secret, read from a property of a secret
// in the store.
type RemoteValue struct {
	Key       string
	RemoteKey string
	Property  string
}

// FromRemote reads each of keys from the property of the same name of
// remoteKey.
func FromRemote(remoteKey string, keys ...string) []RemoteValue {
	out := make([]RemoteValue, len(keys))
	for i, k := range keys {
		out[i] = RemoteValue{Key: k, RemoteKey: remoteKey, Property: k}
	}
	return out
}

// NewExternalSecret adds an ExternalSecret (external-secrets.io/v1) that
// keeps Secret Name in step with the store. The Secret is owned by the
// ExternalSecret; it stays when the ExternalSecret is deleted.
func NewExternalSecret(scope constructs.Construct, id string, p ExternalProps) externalsecretsio.ExternalSecret {
	kind := externalsecretsio.ExternalSecretSpecSecretStoreRefKind_SECRET_STORE
	if p.Store.Cluster {
		kind = externalsecretsio.ExternalSecretSpecSecretStoreRefKind_CLUSTER_SECRET_STORE
	}
	data := make([]*externalsecretsio.ExternalSecretSpecData, len(p.Data))
	for i, d := range p.Data {
		data[i] = &externalsecretsio.ExternalSecretSpecData{
			SecretKey: kube.Str(d.Key),
			RemoteRef: &externalsecretsio.ExternalSecretSpecDataRemoteRef{Key: kube.Str(d.RemoteKey), Property: kube.Str(d.Property)},
		}
	}
	return externalsecretsio.NewExternalSecret(scope, kube.Str(id), &externalsecretsio.ExternalSecretProps{
		Metadata: p.Release.APIMeta(p.Name, Component),
		Spec: &externalsecretsio.ExternalSecretSpec{
			SecretStoreRef:  &externalsecretsio.ExternalSecretSpecSecretStoreRef{Name: kube.Str(p.Store.Name), Kind: kind},
			RefreshInterval: kube.Str(p.RefreshInterval),
			Target: &externalsecretsio.ExternalSecretSpecTarget{
				Name:           kube.Str(p.Name),
				CreationPolicy: externalsecretsio.ExternalSecretSpecTargetCreationPolicy_OWNER,
				DeletionPolicy: externalsecretsio.ExternalSecretSpecTargetDeletionPolicy_RETAIN,
			},
			Data: &data,
		},
	})
}
