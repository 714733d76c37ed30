package workload

import (
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Extra is what a user adds to a workload's pods, as Bitnami's charts
// offer it: where they run, their metadata, their environment and their
// ServiceAccount's annotations. The zero value adds nothing.
type Extra struct {
	NodeSelector map[string]string
	Tolerations  []*k8s.Toleration
	// Affinity is added to the built-in preferred anti-affinity: node and
	// pod affinity are the user's, and the user's pod anti-affinity terms
	// come with the built-in one.
	Affinity *k8s.Affinity
	// TopologySpreadConstraints are added to the built-in ones; one with
	// the topologyKey and whenUnsatisfiable of a built-in one replaces it
	// (Kubernetes allows a pair once). One without a labelSelector counts
	// the workload's own pods.
	TopologySpreadConstraints []*k8s.TopologySpreadConstraint
	// PriorityClassName wins over the workload's own class.
	PriorityClassName string
	// Labels and Annotations of the pods; the built-in ones win, and
	// Check refuses keys under their prefixes.
	Labels, Annotations map[string]string
	// Env is added to the main container; a variable of a built-in one's
	// name replaces it, in its place.
	Env []*k8s.EnvVar
	// EnvConfigMap and EnvSecret become environment variables of the main
	// container, every key of each ("" for none).
	EnvConfigMap, EnvSecret string
	// ServiceAccountAnnotations, e.g. a cloud IAM role.
	ServiceAccountAnnotations map[string]string
}

// Prefixes of the keys the output sets itself.
const (
	RecommendedLabels = "app.kubernetes.io/"
	OwnAnnotations    = "checksum/"
)

// Check records in r the labels and annotations that would replace the
// output's own: the recommended labels are the selectors.
func (e Extra) Check(r *kube.Refusals, field string) {
	for _, k := range kube.SortedKeys(e.Labels) {
		if strings.HasPrefix(k, RecommendedLabels) {
			r.Refuse("%s.Labels has %q: keys under %s are the recommended labels and the selectors", field, k, RecommendedLabels)
		}
	}
	for _, k := range kube.SortedKeys(e.Annotations) {
		if strings.HasPrefix(k, OwnAnnotations) {
			r.Refuse("%s.Annotations has %q: keys under %s are the output's own", field, k, OwnAnnotations)
		}
	}
	for i, c := range e.TopologySpreadConstraints {
		if c == nil || c.TopologyKey == nil || c.WhenUnsatisfiable == nil {
			r.Refuse("%s.TopologySpreadConstraints[%d] needs a TopologyKey and WhenUnsatisfiable", field, i)
		}
	}
	for i, env := range e.Env {
		if env == nil || env.Name == nil || *env.Name == "" {
			r.Refuse("%s.Env[%d] has no name", field, i)
		}
	}
}

// under is m with extra's entries where m has none; m itself (nil
// included, an absent field) when extra is empty.
func under(m, extra map[string]string) map[string]string {
	if len(extra) == 0 {
		return m
	}
	return kube.Merge(extra, m)
}

// apply adds the environment to c, the workload's main container.
func (e Extra) apply(c *k8s.Container) {
	if len(e.Env) > 0 {
		var env []*k8s.EnvVar
		if c.Env != nil {
			env = *c.Env
		}
		env = mergeEnv(env, e.Env)
		c.Env = &env
	}
	// A copy: the steps of a Job share their list of sources.
	var from []*k8s.EnvFromSource
	if c.EnvFrom != nil {
		from = append(from, *c.EnvFrom...)
	}
	if e.EnvConfigMap != "" {
		from = append(from, &k8s.EnvFromSource{ConfigMapRef: &k8s.ConfigMapEnvSource{Name: kube.Str(e.EnvConfigMap)}})
	}
	if e.EnvSecret != "" {
		from = append(from, &k8s.EnvFromSource{SecretRef: &k8s.SecretEnvSource{Name: kube.Str(e.EnvSecret)}})
	}
	if len(from) > 0 {
		c.EnvFrom = &from
	}
}

// mergeEnv replaces the variables of base named in extra, in place, and
// appends the others: a name appears once.
func mergeEnv(base, extra []*k8s.EnvVar) []*k8s.EnvVar {
	out := append([]*k8s.EnvVar{}, base...)
	at := map[string]int{}
	for i, v := range out {
		at[*v.Name] = i
	}
	for _, v := range extra {
		if i, ok := at[*v.Name]; ok {
			out[i] = v
			continue
		}
		at[*v.Name] = len(out)
		out = append(out, v)
	}
	return out
}

// affinity is the built-in anti-affinity with the user's affinity.
func (e Extra) affinity(builtIn *k8s.Affinity) *k8s.Affinity {
	user := e.Affinity
	if user == nil {
		return builtIn
	}
	out := &k8s.Affinity{NodeAffinity: user.NodeAffinity, PodAffinity: user.PodAffinity, PodAntiAffinity: builtIn.PodAntiAffinity}
	if anti := user.PodAntiAffinity; anti != nil {
		preferred := *builtIn.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution
		if anti.PreferredDuringSchedulingIgnoredDuringExecution != nil {
			preferred = append(append([]*k8s.WeightedPodAffinityTerm{}, preferred...), *anti.PreferredDuringSchedulingIgnoredDuringExecution...)
		}
		out.PodAntiAffinity = &k8s.PodAntiAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution:  anti.RequiredDuringSchedulingIgnoredDuringExecution,
			PreferredDuringSchedulingIgnoredDuringExecution: &preferred,
		}
	}
	return out
}

// spread is the built-in constraints, with the user's added or in place
// of those of the same topologyKey and whenUnsatisfiable; the user's
// without a labelSelector count the workload's pods (selector).
func (e Extra) spread(builtIn []*k8s.TopologySpreadConstraint, selector *k8s.LabelSelector) *[]*k8s.TopologySpreadConstraint {
	out := append([]*k8s.TopologySpreadConstraint{}, builtIn...)
	for _, c := range e.TopologySpreadConstraints {
		c := *c
		if c.LabelSelector == nil {
			c.LabelSelector = selector
		}
		replaced := false
		for i, b := range out {
			if *b.TopologyKey == *c.TopologyKey && *b.WhenUnsatisfiable == *c.WhenUnsatisfiable {
				out[i], replaced = &c, true
			}
		}
		if !replaced {
			out = append(out, &c)
		}
	}
	return &out
}
