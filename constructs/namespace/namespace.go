// Package namespace is the release's Namespace, enforcing Pod Security
// "restricted" (and auditing and warning at that level too).
package namespace

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
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
func NewNamespace(scope constructs.Construct, id string, r kube.Release) k8s.KubeNamespace {
	// A Namespace has no namespace, so not Meta.
	labels := kube.Merge(r.Labels("namespace"), PodSecurityLabels)
	return k8s.NewKubeNamespace(scope, kube.Str(id), &k8s.KubeNamespaceProps{
		Metadata: &k8s.ObjectMeta{Name: kube.Str(r.Namespace), Labels: kube.StrMap(labels), Annotations: kube.StrMap(r.Annotations)},
	})
}
