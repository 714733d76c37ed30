package compose

import (
	"cmp"
	"encoding/json"
	"fmt"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"caracal.dev/caracal-cdk8s/internal/values"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
	corev1 "k8s.io/api/core/v1"
)

// extra is what the values add to a workload's pods: the workload's own
// settings (p) over global's. Maps merge key by key and environment
// variables by name, the workload's winning; any other setting of the
// workload replaces global's.
func (b *builder) extra(p values.Pod) workload.Extra {
	g := b.v.Global.Pod
	return workload.Extra{
		NodeSelector:              merged(g.NodeSelector, p.NodeSelector),
		Tolerations:               convert[*k8s.Toleration](orList(p.Tolerations, g.Tolerations)),
		Affinity:                  affinity(cmp.Or(p.Affinity, g.Affinity)),
		TopologySpreadConstraints: convert[*k8s.TopologySpreadConstraint](orList(p.TopologySpreadConstraints, g.TopologySpreadConstraints)),
		PriorityClassName:         cmp.Or(p.PriorityClassName, g.PriorityClassName),
		Labels:                    merged(g.PodLabels, p.PodLabels),
		Annotations:               merged(g.PodAnnotations, p.PodAnnotations),
		Env:                       envVars(mergeEnv(g.ExtraEnvVars, p.ExtraEnvVars)),
		EnvConfigMap:              cmp.Or(p.ExtraEnvVarsCM, g.ExtraEnvVarsCM),
		EnvSecret:                 cmp.Or(p.ExtraEnvVarsSecret, g.ExtraEnvVarsSecret),
		ServiceAccountAnnotations: merged(g.ServiceAccount.Annotations, p.ServiceAccount.Annotations),
	}
}

// merged is over's entries on top of base's; nil when both are empty.
func merged(base, over values.Labels) map[string]string {
	if len(base)+len(over) == 0 {
		return nil
	}
	return kube.Merge(base, over)
}

// orList is own, or fallback when own was never set: an empty list
// written in a file (tolerations: []) is the workload's own, none, as an
// empty affinity ({}) is.
func orList[T any](own, fallback []T) []T {
	if own != nil {
		return own
	}
	return fallback
}

// mergeEnv is global's variables with the workload's in place of those of
// the same name, and then the workload's others.
func mergeEnv(global, own values.EnvVars) values.EnvVars {
	out := append(values.EnvVars{}, global...)
	for _, v := range own {
		i := len(out)
		for j := range out {
			if out[j].Name == v.Name {
				i = j
			}
		}
		if i == len(out) {
			out = append(out, v)
		} else {
			out[i] = v
		}
	}
	return out
}

// convert turns values of Kubernetes' own types into the construct
// library's types of the same JSON form.
func convert[T any, S any](in []S) []T {
	if len(in) == 0 {
		return nil
	}
	out := make([]T, 0, len(in))
	for _, v := range in {
		var t T
		mustJSON(v, &t)
		out = append(out, t)
	}
	return out
}

func affinity(a *corev1.Affinity) *k8s.Affinity {
	if a == nil {
		return nil
	}
	var out *k8s.Affinity
	mustJSON(a, &out)
	return out
}

// envVars converts environment variables. A divisor is a Quantity, a
// class of the construct library that JSON cannot fill: it is set apart.
func envVars(in values.EnvVars) []*k8s.EnvVar {
	if len(in) == 0 {
		return nil
	}
	out := make([]*k8s.EnvVar, len(in))
	for i, v := range in {
		var generic map[string]any
		mustJSON(v, &generic)
		var divisor string
		if r := v.ValueFrom; r != nil && r.ResourceFieldRef != nil {
			delete(generic["valueFrom"].(map[string]any)["resourceFieldRef"].(map[string]any), "divisor")
			if !r.ResourceFieldRef.Divisor.IsZero() {
				divisor = r.ResourceFieldRef.Divisor.String()
			}
		}
		mustJSON(generic, &out[i])
		if divisor != "" {
			out[i].ValueFrom.ResourceFieldRef.Divisor = kube.Quantity(divisor)
		}
	}
	return out
}

// mustJSON copies v into out through JSON; both describe the same
// Kubernetes object, so it cannot fail but by a bug here.
func mustJSON(v, out any) {
	data, err := json.Marshal(v)
	if err == nil {
		err = json.Unmarshal(data, out)
	}
	if err != nil {
		panic(fmt.Sprintf("compose: converting %T: %v", v, err))
	}
}
