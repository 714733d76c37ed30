package secrets_test

import (
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/secrets"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/constructs-go/constructs/v10"
)

func TestInlineSecretIsMarkedForDevelopment(t *testing.T) {
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		secrets.NewInlineSecret(scope, "s", secrets.InlineProps{
			Release: kube.Release{Name: "caracal", Namespace: "dev", Version: "0.3.0"},
			Data:    map[string]string{secrets.PostgresPasswordKey: "a", secrets.RedisPasswordKey: "b"},
		})
	})
	s := objs.Must(t, "Secret", "caracal-secrets")
	if s.Str("metadata.namespace") != "dev" || s.Str("type") != "Opaque" {
		t.Errorf("secret: %v", s)
	}
	if s.Str(`stringData."postgresql-password"`) != "a" || s.Str(`stringData."redis-password"`) != "b" {
		t.Errorf("data: %v", s["stringData"])
	}
	if s.Str(`metadata.annotations."caracal.dev/secrets-mode"`) == "" {
		t.Error("an inline Secret must say it is for development")
	}
	for _, p := range testkit.LabelProblems(s) {
		t.Error(p)
	}
}
