package secrets_test

import (
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/secrets"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
)

var release = kube.Release{Name: "caracal", Namespace: "dev", Version: "0.3.0"}

type metadata struct {
	Name        string            `json:"name"`
	Namespace   string            `json:"namespace"`
	Labels      map[string]string `json:"labels"`
	Annotations map[string]string `json:"annotations"`
}

func TestInlineSecretIsMarkedForDevelopment(t *testing.T) {
	s := secrets.NewInlineSecret(manifest.Chart(), "s", secrets.InlineProps{
		Release: release,
		Data:    map[string]string{secrets.PostgresPasswordKey: "a", secrets.RedisPasswordKey: ""},
	})
	var got struct {
		Kind       string            `json:"kind"`
		Metadata   metadata          `json:"metadata"`
		Type       string            `json:"type"`
		StringData map[string]string `json:"stringData"`
	}
	manifest.Decode(t, s.Secret, &got)
	if got.Kind != "Secret" || got.Metadata.Name != secrets.DefaultName || got.Metadata.Namespace != "dev" || got.Type != "Opaque" {
		t.Errorf("%s %s/%s of type %s, want the Opaque Secret dev/%s", got.Kind, got.Metadata.Namespace, got.Metadata.Name, got.Type, secrets.DefaultName)
	}
	if v, ok := got.StringData[secrets.RedisPasswordKey]; got.StringData[secrets.PostgresPasswordKey] != "a" || !ok || v != "" {
		t.Errorf("data: %v", got.StringData)
	}
	if got.Metadata.Annotations[secrets.DevelopmentAnnotation] == "" {
		t.Error("an inline Secret must say it is for development")
	}
	if got.Metadata.Labels["app.kubernetes.io/component"] != secrets.Component || got.Metadata.Labels["app.kubernetes.io/instance"] != "caracal" {
		t.Errorf("labels: %v", got.Metadata.Labels)
	}
}

func TestInlineSecretName(t *testing.T) {
	s := secrets.NewInlineSecret(manifest.Chart(), "s", secrets.InlineProps{Release: release, Name: "other", Data: map[string]string{"k": "v"}})
	if got := *s.Secret.Name(); got != "other" {
		t.Errorf("name %q", got)
	}
}

func TestInlineSecretErrors(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		props      secrets.InlineProps
	}{
		{"no release name", "secrets: InlineProps.Release.Name is empty", secrets.InlineProps{Release: kube.Release{Namespace: "dev"}, Data: map[string]string{"k": "v"}}},
		{"no namespace", "secrets: InlineProps.Release.Namespace is empty", secrets.InlineProps{Release: kube.Release{Name: "caracal"}, Data: map[string]string{"k": "v"}}},
		{"no data", "secrets: InlineProps.Data is empty", secrets.InlineProps{Release: release}},
		{"empty key", "secrets: InlineProps.Data has an empty key", secrets.InlineProps{Release: release, Data: map[string]string{"": "v"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			manifest.MustPanic(t, tc.want, func() { secrets.NewInlineSecret(manifest.Chart(), "s", tc.props) })
		})
	}
}
