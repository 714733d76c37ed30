// Package namespace is the release's Namespace, enforcing Pod Security
// "restricted" (and auditing and warning at that level too).
package namespace

import (
	"caracal.dev/caracal-cdk8s/constructs/shared"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// PodSecurityLabels make a namespace enforce Pod Security "restricted".
// A namespace created beforehand needs them too.
var PodSecurityLabels = map[string]string{
	"pod-security.kubernetes.io/enforce":         "restricted",
	"pod-security.kubernetes.io/enforce-version": "latest",
	"pod-security.kubernetes.io/audit":           "restricted",
	"pod-security.kubernetes.io/warn":            "restricted",
}

// NewNamespace adds the Namespace of the release.
func NewNamespace(scope constructs.Construct, id string, r shared.Release) k8s.KubeNamespace {
	// A Namespace has no namespace, so not Meta.
	labels := shared.Merge(r.Labels("namespace"), PodSecurityLabels)
	return k8s.NewKubeNamespace(scope, shared.Str(id), &k8s.KubeNamespaceProps{
		Metadata: &k8s.ObjectMeta{Name: shared.Str(r.Namespace), Labels: shared.StrMap(labels), Annotations: shared.StrMap(r.Annotations)},
	})
}
