package workload

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// ServiceAccountObject gives a workload its own identity, without a
// token: no Caracal process talks to the Kubernetes API. The annotations
// are the user's, e.g. a cloud IAM role.
func ServiceAccountObject(id string, r kube.Release, name, component string, annotations map[string]string) kube.Object {
	meta := r.Meta(name, component)
	if len(annotations) > 0 {
		meta.Annotations = kube.StrMap(under(r.Annotations, annotations))
	}
	return kube.Object{ID: id, GVK: kube.ServiceAccountKind, Props: &k8s.KubeServiceAccountProps{
		Metadata:                     meta,
		AutomountServiceAccountToken: kube.Bool(false),
	}}
}
