package secrets_test

import (
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/secrets"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
)

// external is a complete ExternalProps: each refusal case spoils one field.
func external() secrets.ExternalProps {
	return secrets.ExternalProps{
		Release: kube.Release{Name: "caracal", Namespace: "prod", Version: "0.3.0"},
		Name:    "caracal-secrets", Store: secrets.Store{Name: "vault", Cluster: true},
		RefreshInterval: "15m",
		Data: append(secrets.FromRemote("caracal/credentials", secrets.PostgresPasswordKey),
			secrets.RemoteValue{Key: "redis", RemoteKey: "cache/auth", Property: "token"}),
	}
}

func TestExternalSecret(t *testing.T) {
	es := secrets.NewExternalSecret(manifest.Chart(), "es", external())
	type ref struct{ Key, Property string }
	var got struct {
		APIVersion string   `json:"apiVersion"`
		Kind       string   `json:"kind"`
		Metadata   metadata `json:"metadata"`
		Spec       struct {
			SecretStoreRef  struct{ Name, Kind string }
			RefreshInterval string
			Target          struct{ Name, CreationPolicy, DeletionPolicy string }
			Data            []struct {
				SecretKey string
				RemoteRef ref
			}
		} `json:"spec"`
	}
	manifest.Decode(t, es.ExternalSecret, &got)
	s := got.Spec
	if got.APIVersion != "external-secrets.io/v1" || got.Kind != "ExternalSecret" || got.Metadata.Name != "caracal-secrets" || got.Metadata.Namespace != "prod" {
		t.Errorf("%s %s %s/%s", got.APIVersion, got.Kind, got.Metadata.Namespace, got.Metadata.Name)
	}
	if s.SecretStoreRef.Name != "vault" || s.SecretStoreRef.Kind != "ClusterSecretStore" || s.RefreshInterval != "15m" {
		t.Errorf("store %+v every %q", s.SecretStoreRef, s.RefreshInterval)
	}
	// The Secret outlives its ExternalSecret: deleting one must not delete
	// the passwords every pod reads.
	if s.Target.Name != "caracal-secrets" || s.Target.CreationPolicy != "Owner" || s.Target.DeletionPolicy != "Retain" {
		t.Errorf("target %+v", s.Target)
	}
	if len(s.Data) != 2 ||
		s.Data[0].SecretKey != "postgresql-password" || s.Data[0].RemoteRef != (ref{"caracal/credentials", "postgresql-password"}) ||
		s.Data[1].SecretKey != "redis" || s.Data[1].RemoteRef != (ref{"cache/auth", "token"}) {
		t.Errorf("data %+v", s.Data)
	}
	if got.Metadata.Labels["app.kubernetes.io/component"] != secrets.Component {
		t.Errorf("labels %v", got.Metadata.Labels)
	}
}

func TestExternalSecretStoreOfTheNamespace(t *testing.T) {
	p := external()
	p.Store.Cluster = false
	var got struct {
		Spec struct{ SecretStoreRef struct{ Kind string } }
	}
	manifest.Decode(t, secrets.NewExternalSecret(manifest.Chart(), "es", p).ExternalSecret, &got)
	if got.Spec.SecretStoreRef.Kind != "SecretStore" {
		t.Errorf("kind %q", got.Spec.SecretStoreRef.Kind)
	}
}

func TestExternalSecretErrors(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		spoil      func(*secrets.ExternalProps)
	}{
		{"no release name", "secrets: ExternalProps.Release.Name is empty", func(p *secrets.ExternalProps) { p.Release.Name = "" }},
		{"no namespace", "secrets: ExternalProps.Release.Namespace is empty", func(p *secrets.ExternalProps) { p.Release.Namespace = "" }},
		{"no name", "secrets: ExternalProps.Name is empty", func(p *secrets.ExternalProps) { p.Name = "" }},
		{"no store", "secrets: ExternalProps.Store.Name is empty", func(p *secrets.ExternalProps) { p.Store.Name = "" }},
		{"no refresh interval", "ExternalProps.RefreshInterval is empty", func(p *secrets.ExternalProps) { p.RefreshInterval = "" }},
		{"no data", "secrets: ExternalProps.Data is empty", func(p *secrets.ExternalProps) { p.Data = nil }},
		{"no key", "has an empty field", func(p *secrets.ExternalProps) { p.Data[1].Key = "" }},
		{"no remote key", "has an empty field", func(p *secrets.ExternalProps) { p.Data[1].RemoteKey = "" }},
		{"no property", "has an empty field", func(p *secrets.ExternalProps) { p.Data[1].Property = "" }},
		{"a key twice", "has key postgresql-password twice", func(p *secrets.ExternalProps) { p.Data[1].Key = secrets.PostgresPasswordKey }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := external()
			tc.spoil(&p)
			manifest.MustPanic(t, tc.want, func() { secrets.NewExternalSecret(manifest.Chart(), "es", p) })
		})
	}
}
