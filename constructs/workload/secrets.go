package workload

import (
	"slices"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// SecretsRead are the Secret keys a pod reads, each once, in the order it
// reads them: each container's environment, then the Secret volumes (a
// volume of a whole Secret is its name with no key). It is read from the
// containers and volumes themselves, so a component reports exactly what
// its pods use.
func SecretsRead(containers []*k8s.Container, volumes []*k8s.Volume) []kube.SecretKey {
	var out []kube.SecretKey
	add := func(k kube.SecretKey) {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	for _, c := range containers {
		if c.Env == nil {
			continue
		}
		for _, e := range *c.Env {
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				add(kube.SecretKey{Name: *e.ValueFrom.SecretKeyRef.Name, Key: *e.ValueFrom.SecretKeyRef.Key})
			}
		}
	}
	for _, v := range volumes {
		if v.Secret == nil {
			continue
		}
		if v.Secret.Items == nil {
			add(kube.SecretKey{Name: *v.Secret.SecretName})
			continue
		}
		for _, item := range *v.Secret.Items {
			add(kube.SecretKey{Name: *v.Secret.SecretName, Key: *item.Key})
		}
	}
	return out
}

// SecretsRead are the Secret keys the pod reads.
func (p Pod) SecretsRead() []kube.SecretKey { return SecretsRead(p.Containers, p.Volumes) }

// SecretsRead are the Secret keys the Job's pod reads.
func (j Job) SecretsRead() []kube.SecretKey {
	return SecretsRead(jobPod(j))
}
