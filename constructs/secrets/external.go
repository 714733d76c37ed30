package secrets

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/imports/externalsecretsio"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// Store names the SecretStore or ClusterSecretStore to read from.
type Store struct {
	// Name of the store; required.
	Name string
	// Cluster: a ClusterSecretStore. Default: a SecretStore of the
	// release's namespace.
	Cluster bool
}

// ExternalProps configures one Secret synced from a secret store.
type ExternalProps struct {
	Release kube.Release
	// Name of the Kubernetes Secret written, and of the ExternalSecret;
	// required.
	Name  string
	Store Store
	// RefreshInterval is how often values are read again (a Go duration),
	// so that a rotation in the store reaches the cluster; required, "0s"
	// reads them once.
	RefreshInterval string
	// Data are the keys of the Secret and where the store holds each; at
	// least one, each key once.
	Data []RemoteValue
}

// RemoteValue is one key of the Secret, read from a property of a secret
// in the store. Every field is required.
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

// ExternalSecret is the construct.
type ExternalSecret struct {
	constructs.Construct
	ExternalSecret cdk8s.ApiObject
}

// NewExternalSecret adds an ExternalSecret (external-secrets.io/v1) that
// keeps Secret Name in step with the store. The Secret is owned by the
// ExternalSecret; it stays when the ExternalSecret is deleted.
func NewExternalSecret(scope constructs.Construct, id string, p ExternalProps) *ExternalSecret {
	checkExternal(p)
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
	c, es := kube.NewResource(scope, id, externalSecretKind, &externalsecretsio.ExternalSecretProps{
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
	return &ExternalSecret{Construct: c, ExternalSecret: es}
}

// checkExternal refuses what would sync nothing, or something else than
// meant: a Secret or store without a name, no keys, a key written twice
// (the store's later value would silently win) or read from nowhere.
func checkExternal(p ExternalProps) {
	r := kube.Refusals{Construct: "secrets"}
	r.Empty("ExternalProps.Release.Name", p.Release.Name)
	r.Empty("ExternalProps.Release.Namespace", p.Release.Namespace)
	r.Empty("ExternalProps.Name", p.Name)
	r.Empty("ExternalProps.Store.Name", p.Store.Name)
	if p.RefreshInterval == "" {
		r.Refuse(`ExternalProps.RefreshInterval is empty (use "0s" to read once)`)
	}
	if len(p.Data) == 0 {
		r.Refuse("ExternalProps.Data is empty")
	}
	seen := map[string]bool{}
	for _, d := range p.Data {
		if d.Key == "" || d.RemoteKey == "" || d.Property == "" {
			r.Refuse("ExternalProps.Data has an empty field: %+v", d)
		}
		if seen[d.Key] {
			r.Refuse("ExternalProps.Data has key %s twice", d.Key)
		}
		seen[d.Key] = true
	}
	r.Check()
}

// externalSecretKind is the kind of the External Secrets Operator's
// ExternalSecret, as the binding in imports/ has it.
var externalSecretKind = kube.GVK{APIVersion: "external-secrets.io/v1", Kind: "ExternalSecret"}

func init() {
	kube.RegisterEnums(map[any]string{
		externalsecretsio.ExternalSecretSpecSecretStoreRefKind_SECRET_STORE:         "SecretStore",
		externalsecretsio.ExternalSecretSpecSecretStoreRefKind_CLUSTER_SECRET_STORE: "ClusterSecretStore",
		externalsecretsio.ExternalSecretSpecTargetCreationPolicy_OWNER:              "Owner",
		externalsecretsio.ExternalSecretSpecTargetDeletionPolicy_RETAIN:             "Retain",
	})
}
