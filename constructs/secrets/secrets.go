// Package secrets holds the names and keys of the Secret Caracal reads its
// passwords from, and the construct that renders it from values for a
// development cluster.
package secrets

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

const (
	// Component is the app.kubernetes.io/component label value.
	Component = "secrets"
	// DefaultName is the Secret holding the datastore passwords.
	DefaultName = "caracal-secrets"
	// Keys of DefaultName.
	PostgresPasswordKey = "postgresql-password"
	RedisPasswordKey    = "redis-password"
	// MerkleSigningKey is the key of the Merkle signing key Secret
	// (caracal-merkle-keys), read by the ledger writer and the backfill.
	MerkleSigningKey = "merkle_signing_key.pem"

	// DevelopmentAnnotation marks a Secret whose values came from values
	// files, so that nobody mistakes it for a production setup.
	DevelopmentAnnotation = "caracal.dev/secrets-mode"
)

// MerkleKeyFileEnv tells a Caracal process where the Merkle signing key is.
const MerkleKeyFileEnv = "CARACAL_MERKLE_SIGNING_KEY_FILE"

// MerkleKey mounts the Merkle signing key from secretName, read-only, the
// same way for every process that signs (the ledger writer, the backfill),
// and returns the environment that points Caracal at it.
func MerkleKey(secretName string) (workload.SecretFiles, map[string]string) {
	files := workload.SecretFiles{Volume: "merkle-keys", SecretName: secretName, MountPath: "/etc/caracal/merkle", Keys: []string{MerkleSigningKey}}
	return files, map[string]string{MerkleKeyFileEnv: files.Path(MerkleSigningKey)}
}

// InlineProps configures a Secret rendered with its values.
type InlineProps struct {
	Release kube.Release
	// Name of the Secret. Default: DefaultName.
	Name string
	// Data maps keys to clear-text values; at least one key, none empty.
	Data map[string]string
}

// InlineSecret is the construct.
type InlineSecret struct {
	constructs.Construct
	Secret cdk8s.ApiObject
}

// NewInlineSecret adds a Secret whose values are written into the output.
// For development only: the output is committed to Git.
func NewInlineSecret(scope constructs.Construct, id string, props InlineProps) *InlineSecret {
	checkInline(props)
	if props.Name == "" {
		props.Name = DefaultName
	}
	meta := props.Release.With(map[string]string{DevelopmentAnnotation: "inline-development-only"}).Meta(props.Name, Component)
	c, s := kube.NewResource(scope, id, kube.SecretKind, &k8s.KubeSecretProps{
		Metadata:   meta,
		Type:       kube.Str("Opaque"),
		StringData: kube.StrMap(props.Data),
	})
	return &InlineSecret{Construct: c, Secret: s}
}

// checkInline refuses a Secret nothing could read: without keys, or with
// an empty key. An empty value is kept, as Kubernetes does.
func checkInline(p InlineProps) {
	r := kube.Refusals{Construct: "secrets"}
	r.Empty("InlineProps.Release.Name", p.Release.Name)
	r.Empty("InlineProps.Release.Namespace", p.Release.Namespace)
	if len(p.Data) == 0 {
		r.Refuse("InlineProps.Data is empty")
	}
	if _, ok := p.Data[""]; ok {
		r.Refuse("InlineProps.Data has an empty key")
	}
	r.Check()
}
