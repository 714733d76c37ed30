package secrets_test

import (
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/secrets"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/constructs-go/constructs/v10"
)

func TestExternalSecret(t *testing.T) {
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		secrets.NewExternalSecret(scope, "es", secrets.ExternalProps{
			Release: kube.Release{Name: "caracal", Namespace: "prod", Version: "0.3.0"},
			Name:    "caracal-secrets", Store: secrets.Store{Name: "vault", Cluster: true},
			RefreshInterval: "15m",
			Data: append(secrets.FromRemote("caracal/credentials", secrets.PostgresPasswordKey),
				secrets.RemoteValue{Key: "redis", RemoteKey: "cache/auth", Property: "token"}),
		})
	})
	es := objs.Must(t, "ExternalSecret", "caracal-secrets")
	for path, want := range map[string]string{
		"apiVersion":                     "external-secrets.io/v1",
		"metadata.namespace":             "prod",
		"spec.secretStoreRef.name":       "vault",
		"spec.secretStoreRef.kind":       "ClusterSecretStore",
		"spec.refreshInterval":           "15m",
		"spec.target.name":               "caracal-secrets",
		"spec.target.creationPolicy":     "Owner",
		"spec.target.deletionPolicy":     "Retain",
		"spec.data.0.secretKey":          "postgresql-password",
		"spec.data.0.remoteRef.key":      "caracal/credentials",
		"spec.data.0.remoteRef.property": "postgresql-password",
		"spec.data.1.secretKey":          "redis",
		"spec.data.1.remoteRef.key":      "cache/auth",
		"spec.data.1.remoteRef.property": "token",
	} {
		if got := es.Str(path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	for _, p := range testkit.LabelProblems(es) {
		t.Error(p)
	}
}
