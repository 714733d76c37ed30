package workload

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// NewServiceAccount gives a workload its own identity, without a token:
// no Caracal process talks to the Kubernetes API.
func NewServiceAccount(scope constructs.Construct, id string, r kube.Release, name, component string) k8s.KubeServiceAccount {
	return k8s.NewKubeServiceAccount(scope, kube.Str(id), &k8s.KubeServiceAccountProps{
		Metadata:                     r.Meta(name, component),
		AutomountServiceAccountToken: kube.Bool(false),
	})
}
