package kube

import "github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

// SecretKey names one key of a Secret.
type SecretKey struct {
	Name string
	Key  string
}

// Env is a plain environment variable, its value taken literally: the
// kubelet's $(VAR) expansion is escaped (see KubeLiteral).
func Env(name, value string) *k8s.EnvVar {
	return &k8s.EnvVar{Name: Str(name), Value: Str(KubeLiteral(value))}
}

// EnvFromSecret reads a variable from a Secret, so the value never appears
// in the manifest.
func EnvFromSecret(name string, ref SecretKey) *k8s.EnvVar {
	return &k8s.EnvVar{Name: Str(name), ValueFrom: &k8s.EnvVarSource{
		SecretKeyRef: &k8s.SecretKeySelector{Name: Str(ref.Name), Key: Str(ref.Key)},
	}}
}

// EnvFromField exposes a pod field, such as metadata.name.
func EnvFromField(name, path string) *k8s.EnvVar {
	return &k8s.EnvVar{Name: Str(name), ValueFrom: &k8s.EnvVarSource{
		FieldRef: &k8s.ObjectFieldSelector{FieldPath: Str(path)},
	}}
}
