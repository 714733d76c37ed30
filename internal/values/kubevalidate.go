package values

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	kfield "k8s.io/apimachinery/pkg/util/validation/field"
)

// The API server's rules for the pod settings users write in Kubernetes'
// own types, built on apimachinery's validators. Kubernetes keeps the
// whole of them in k8s.io/kubernetes (pkg/apis/core/validation), which a
// client cannot import; these are the rules of v1.30 for these fields.

// enums are the values each of Kubernetes' enumerated types takes; the
// JSON Schema reads them too.
var enums = map[string][]string{
	"TolerationOperator":            {string(corev1.TolerationOpEqual), string(corev1.TolerationOpExists)},
	"TaintEffect":                   {string(corev1.TaintEffectNoSchedule), string(corev1.TaintEffectPreferNoSchedule), string(corev1.TaintEffectNoExecute)},
	"UnsatisfiableConstraintAction": {string(corev1.DoNotSchedule), string(corev1.ScheduleAnyway)},
	"NodeInclusionPolicy":           {string(corev1.NodeInclusionPolicyHonor), string(corev1.NodeInclusionPolicyIgnore)},
	"NodeSelectorOperator":          {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"},
	"LabelSelectorOperator":         {"In", "NotIn", "Exists", "DoesNotExist"},
}

// emptyAllowed are the enumerated types whose empty value the API reads
// as a default (Equal; every effect).
var emptyAllowed = map[string]bool{"TolerationOperator": true, "TaintEffect": true}

// oneOf reports value when it is not one of enums[name]; empty is left
// to the caller.
func oneOf(p *kfield.Path, value, name string) kfield.ErrorList {
	for _, e := range enums[name] {
		if value == e {
			return nil
		}
	}
	return kfield.ErrorList{kfield.NotSupported(p, value, enums[name])}
}

func qualifiedName(p *kfield.Path, value string) kfield.ErrorList {
	var errs kfield.ErrorList
	for _, msg := range validation.IsQualifiedName(value) {
		errs = append(errs, kfield.Invalid(p, value, msg))
	}
	return errs
}

// validateTolerations: a key is a label key; no key means every taint,
// with Exists; Exists takes no value; tolerationSeconds is for NoExecute.
func validateTolerations(ts Tolerations, p *kfield.Path) kfield.ErrorList {
	var errs kfield.ErrorList
	for i, t := range ts {
		at := p.Index(i)
		if t.Key != "" {
			errs = append(errs, qualifiedName(at.Child("key"), t.Key)...)
		}
		if t.Key == "" && t.Operator != corev1.TolerationOpExists {
			errs = append(errs, kfield.Invalid(at.Child("operator"), t.Operator, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
		}
		if t.TolerationSeconds != nil && t.Effect != corev1.TaintEffectNoExecute {
			errs = append(errs, kfield.Invalid(at.Child("effect"), t.Effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
		}
		switch t.Operator {
		case corev1.TolerationOpEqual, "":
			for _, msg := range validation.IsValidLabelValue(t.Value) {
				errs = append(errs, kfield.Invalid(at.Child("value"), t.Value, msg))
			}
		case corev1.TolerationOpExists:
			if t.Value != "" {
				errs = append(errs, kfield.Invalid(at.Child("value"), t.Value, "value must be empty when `operator` is 'Exists'"))
			}
		default:
			errs = append(errs, oneOf(at.Child("operator"), string(t.Operator), "TolerationOperator")...)
		}
		if t.Effect != "" {
			errs = append(errs, oneOf(at.Child("effect"), string(t.Effect), "TaintEffect")...)
		}
	}
	return errs
}

// validateSpread: each constraint names a topology key, a skew of at
// least one, and what to do when unsatisfiable; a pair of the last two
// appears once.
func validateSpread(cs SpreadConstraints, p *kfield.Path) kfield.ErrorList {
	var errs kfield.ErrorList
	type pair struct{ key, action string }
	seen := map[pair]bool{}
	for i, c := range cs {
		at := p.Index(i)
		if c.MaxSkew <= 0 {
			errs = append(errs, kfield.Invalid(at.Child("maxSkew"), c.MaxSkew, "must be greater than zero"))
		}
		if c.TopologyKey == "" {
			errs = append(errs, kfield.Required(at.Child("topologyKey"), "can not be empty"))
		} else {
			errs = append(errs, qualifiedName(at.Child("topologyKey"), c.TopologyKey)...)
		}
		errs = append(errs, oneOf(at.Child("whenUnsatisfiable"), string(c.WhenUnsatisfiable), "UnsatisfiableConstraintAction")...)
		if k := (pair{c.TopologyKey, string(c.WhenUnsatisfiable)}); seen[k] {
			errs = append(errs, kfield.Duplicate(at.Child("{topologyKey, whenUnsatisfiable}"), fmt.Sprintf("{%v, %v}", k.key, k.action)))
		} else {
			seen[k] = true
		}
		if c.MinDomains != nil && *c.MinDomains <= 0 {
			errs = append(errs, kfield.Invalid(at.Child("minDomains"), *c.MinDomains, "must be greater than zero"))
		}
		if c.MinDomains != nil && c.WhenUnsatisfiable != corev1.DoNotSchedule {
			errs = append(errs, kfield.Invalid(at.Child("minDomains"), *c.MinDomains, "can only use minDomains if whenUnsatisfiable=DoNotSchedule"))
		}
		errs = append(errs, metav1validation.ValidateLabelSelector(c.LabelSelector, metav1validation.LabelSelectorValidationOptions{}, at.Child("labelSelector"))...)
		errs = append(errs, validateMatchLabelKeys(c, at.Child("matchLabelKeys"))...)
		if c.NodeAffinityPolicy != nil {
			errs = append(errs, oneOf(at.Child("nodeAffinityPolicy"), string(*c.NodeAffinityPolicy), "NodeInclusionPolicy")...)
		}
		if c.NodeTaintsPolicy != nil {
			errs = append(errs, oneOf(at.Child("nodeTaintsPolicy"), string(*c.NodeTaintsPolicy), "NodeInclusionPolicy")...)
		}
	}
	return errs
}

// ComponentSelectorKeys are the labels of the selector a constraint
// without labelSelector is given (the workload's own pods).
var ComponentSelectorKeys = []string{"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/component"}

// validateMatchLabelKeys: label keys, none of them in the selector, which
// the API refuses (a key in both would be matched twice); a constraint
// without labelSelector gets the component's selector.
func validateMatchLabelKeys(c corev1.TopologySpreadConstraint, p *kfield.Path) kfield.ErrorList {
	selected := map[string]bool{}
	if s := c.LabelSelector; s == nil {
		for _, k := range ComponentSelectorKeys {
			selected[k] = true
		}
	} else {
		for k := range s.MatchLabels {
			selected[k] = true
		}
		for _, r := range s.MatchExpressions {
			selected[r.Key] = true
		}
	}
	var errs kfield.ErrorList
	for i, k := range c.MatchLabelKeys {
		errs = append(errs, qualifiedName(p.Index(i), k)...)
		if selected[k] {
			errs = append(errs, kfield.Invalid(p.Index(i), k, "exists in both matchLabelKeys and labelSelector (without labelSelector, the workload's selector: "+strings.Join(ComponentSelectorKeys, ", ")+")"))
		}
	}
	return errs
}

// validateAffinity checks the node affinity's terms and the pod
// (anti-)affinity's terms and weights.
func validateAffinity(a *corev1.Affinity, p *kfield.Path) kfield.ErrorList {
	var errs kfield.ErrorList
	if na := a.NodeAffinity; na != nil {
		at := p.Child("nodeAffinity")
		if r := na.RequiredDuringSchedulingIgnoredDuringExecution; r != nil {
			rp := at.Child("requiredDuringSchedulingIgnoredDuringExecution", "nodeSelectorTerms")
			if len(r.NodeSelectorTerms) == 0 {
				errs = append(errs, kfield.Required(rp, "must have at least one node selector term"))
			}
			for i, term := range r.NodeSelectorTerms {
				errs = append(errs, validateNodeSelectorTerm(term, rp.Index(i))...)
			}
		}
		for i, w := range na.PreferredDuringSchedulingIgnoredDuringExecution {
			wp := at.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(i)
			errs = append(errs, validateWeight(w.Weight, wp.Child("weight"))...)
			errs = append(errs, validateNodeSelectorTerm(w.Preference, wp.Child("preference"))...)
		}
	}
	if pa := a.PodAffinity; pa != nil {
		errs = append(errs, validatePodAffinity(pa.RequiredDuringSchedulingIgnoredDuringExecution, pa.PreferredDuringSchedulingIgnoredDuringExecution, p.Child("podAffinity"))...)
	}
	if pa := a.PodAntiAffinity; pa != nil {
		errs = append(errs, validatePodAffinity(pa.RequiredDuringSchedulingIgnoredDuringExecution, pa.PreferredDuringSchedulingIgnoredDuringExecution, p.Child("podAntiAffinity"))...)
	}
	return errs
}

func validateWeight(w int32, p *kfield.Path) kfield.ErrorList {
	if w < 1 || w > 100 {
		return kfield.ErrorList{kfield.Invalid(p, w, "must be in the range 1-100")}
	}
	return nil
}

func validateNodeSelectorTerm(t corev1.NodeSelectorTerm, p *kfield.Path) kfield.ErrorList {
	var errs kfield.ErrorList
	for i, r := range t.MatchExpressions {
		at := p.Child("matchExpressions").Index(i)
		errs = append(errs, qualifiedName(at.Child("key"), r.Key)...)
		errs = append(errs, validateOperatorValues(string(r.Operator), r.Values, at)...)
	}
	for i, r := range t.MatchFields {
		at := p.Child("matchFields").Index(i)
		if r.Key != "metadata.name" {
			errs = append(errs, kfield.NotSupported(at.Child("key"), r.Key, []string{"metadata.name"}))
		}
		if r.Operator != corev1.NodeSelectorOpIn && r.Operator != corev1.NodeSelectorOpNotIn {
			errs = append(errs, kfield.NotSupported(at.Child("operator"), r.Operator, []string{"In", "NotIn"}))
		} else if len(r.Values) != 1 {
			errs = append(errs, kfield.Required(at.Child("values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"))
		}
	}
	return errs
}

// validateOperatorValues: In and NotIn take values, Exists and
// DoesNotExist none, Gt and Lt one integer.
func validateOperatorValues(op string, values []string, p *kfield.Path) kfield.ErrorList {
	switch op {
	case "In", "NotIn":
		if len(values) == 0 {
			return kfield.ErrorList{kfield.Required(p.Child("values"), "must be specified when `operator` is 'In' or 'NotIn'")}
		}
	case "Exists", "DoesNotExist":
		if len(values) > 0 {
			return kfield.ErrorList{kfield.Forbidden(p.Child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")}
		}
	case "Gt", "Lt":
		if len(values) != 1 {
			return kfield.ErrorList{kfield.Required(p.Child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'")}
		}
		if _, err := strconv.ParseInt(values[0], 10, 64); err != nil {
			return kfield.ErrorList{kfield.Invalid(p.Child("values"), values[0], "must be an integer when `operator` is 'Lt' or 'Gt'")}
		}
	default:
		return oneOf(p.Child("operator"), op, "NodeSelectorOperator")
	}
	return nil
}

func validatePodAffinity(required []corev1.PodAffinityTerm, preferred []corev1.WeightedPodAffinityTerm, p *kfield.Path) kfield.ErrorList {
	var errs kfield.ErrorList
	for i, t := range required {
		errs = append(errs, validatePodAffinityTerm(t, p.Child("requiredDuringSchedulingIgnoredDuringExecution").Index(i))...)
	}
	for i, w := range preferred {
		at := p.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(i)
		errs = append(errs, validateWeight(w.Weight, at.Child("weight"))...)
		errs = append(errs, validatePodAffinityTerm(w.PodAffinityTerm, at.Child("podAffinityTerm"))...)
	}
	return errs
}

// validatePodAffinityTerm: a topology key, valid selectors, namespaces
// that can exist.
func validatePodAffinityTerm(t corev1.PodAffinityTerm, p *kfield.Path) kfield.ErrorList {
	opts := metav1validation.LabelSelectorValidationOptions{}
	errs := metav1validation.ValidateLabelSelector(t.LabelSelector, opts, p.Child("labelSelector"))
	errs = append(errs, metav1validation.ValidateLabelSelector(t.NamespaceSelector, opts, p.Child("namespaceSelector"))...)
	for i, ns := range t.Namespaces {
		for _, msg := range validation.IsDNS1123Label(ns) {
			errs = append(errs, kfield.Invalid(p.Child("namespaces").Index(i), ns, msg))
		}
	}
	if t.TopologyKey == "" {
		errs = append(errs, kfield.Required(p.Child("topologyKey"), "can not be empty"))
	} else {
		errs = append(errs, qualifiedName(p.Child("topologyKey"), t.TopologyKey)...)
	}
	// Behind the MatchLabelKeysInPodAffinity gate, off before 1.31: an
	// API server without it drops them, and the sync never settles.
	if len(t.MatchLabelKeys) > 0 {
		errs = append(errs, kfield.Forbidden(p.Child("matchLabelKeys"), "needs Kubernetes 1.31 (MatchLabelKeysInPodAffinity); older API servers drop it"))
	}
	if len(t.MismatchLabelKeys) > 0 {
		errs = append(errs, kfield.Forbidden(p.Child("mismatchLabelKeys"), "needs Kubernetes 1.31 (MatchLabelKeysInPodAffinity); older API servers drop it"))
	}
	return errs
}

// fieldRefPaths are the pod fields an environment variable may read.
var fieldRefPaths = []string{"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"}

// resourceFieldRefs are the container resources one may read.
var resourceFieldRefs = []string{"limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage"}

// validateEnvVars: a name each, once; a value or one source.
func validateEnvVars(vars EnvVars, p *kfield.Path) kfield.ErrorList {
	var errs kfield.ErrorList
	seen := map[string]bool{}
	for i, ev := range vars {
		at := p.Index(i)
		// A name that is no name may be NAME=value pasted whole.
		shown := ev.Name
		if !keyLike(shown) {
			shown = Redacted
		}
		switch {
		case ev.Name == "":
			errs = append(errs, kfield.Required(at.Child("name"), ""))
		case seen[ev.Name]:
			errs = append(errs, kfield.Invalid(at.Child("name"), shown, "is defined twice: Kubernetes would keep only the last"))
		}
		seen[ev.Name] = true
		for _, msg := range validation.IsEnvVarName(ev.Name) {
			errs = append(errs, kfield.Invalid(at.Child("name"), shown, msg))
		}
		if ev.ValueFrom != nil {
			if ev.Value != "" {
				errs = append(errs, kfield.Invalid(at.Child("valueFrom"), "", "may not be specified when `value` is not empty"))
			}
			errs = append(errs, validateEnvSource(ev.ValueFrom, at.Child("valueFrom"))...)
		}
	}
	return errs
}

// validateEnvSource: exactly one source, each naming what it reads.
func validateEnvSource(s *corev1.EnvVarSource, p *kfield.Path) kfield.ErrorList {
	var errs kfield.ErrorList
	sources := 0
	if r := s.FieldRef; r != nil {
		sources++
		if !slices.Contains(fieldRefPaths, r.FieldPath) && !labelOrAnnotationRef(r.FieldPath) {
			errs = append(errs, kfield.NotSupported(p.Child("fieldRef", "fieldPath"), r.FieldPath, append(fieldRefPaths, "metadata.labels['<key>']", "metadata.annotations['<key>']")))
		}
		if r.APIVersion != "" && r.APIVersion != "v1" {
			errs = append(errs, kfield.NotSupported(p.Child("fieldRef", "apiVersion"), r.APIVersion, []string{"v1"}))
		}
	}
	if r := s.ResourceFieldRef; r != nil {
		sources++
		errs = append(errs, validateResourceRef(r, p.Child("resourceFieldRef"))...)
	}
	if r := s.ConfigMapKeyRef; r != nil {
		sources++
		errs = append(errs, validateKeyRef(r.Name, r.Key, p.Child("configMapKeyRef"))...)
	}
	if r := s.SecretKeyRef; r != nil {
		sources++
		errs = append(errs, validateKeyRef(r.Name, r.Key, p.Child("secretKeyRef"))...)
	}
	switch {
	case sources == 0:
		errs = append(errs, kfield.Invalid(p, "", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"))
	case sources > 1:
		errs = append(errs, kfield.Invalid(p, "", "may not have more than one field specified at a time"))
	}
	return errs
}

// divisors are the divisors the API allows, by resource: CPU in cores or
// millicores, the others in bytes.
var divisors = map[string][]string{
	"cpu":    {"1m", "1"},
	"memory": {"1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"},
}

// validateResourceRef: a resource of the container, limits or requests,
// hugepages included, and a divisor of its unit.
func validateResourceRef(r *corev1.ResourceFieldSelector, p *kfield.Path) kfield.ErrorList {
	_, name, _ := strings.Cut(r.Resource, ".")
	hugepages := (strings.HasPrefix(r.Resource, "limits.hugepages-") || strings.HasPrefix(r.Resource, "requests.hugepages-"))
	if !slices.Contains(resourceFieldRefs, r.Resource) && !hugepages {
		return kfield.ErrorList{kfield.NotSupported(p.Child("resource"), r.Resource, resourceFieldRefs)}
	}
	if r.Divisor.IsZero() {
		return nil
	}
	allowed := divisors["memory"]
	if name == "cpu" {
		allowed = divisors["cpu"]
	}
	for _, d := range allowed {
		if r.Divisor.Cmp(resource.MustParse(d)) == 0 {
			return nil
		}
	}
	return kfield.ErrorList{kfield.NotSupported(p.Child("divisor"), r.Divisor.String(), allowed)}
}

func validateKeyRef(name, key string, p *kfield.Path) kfield.ErrorList {
	var errs kfield.ErrorList
	if name == "" {
		errs = append(errs, kfield.Required(p.Child("name"), ""))
	}
	for _, msg := range validation.IsDNS1123Subdomain(name) {
		if name != "" {
			errs = append(errs, kfield.Invalid(p.Child("name"), name, msg))
		}
	}
	if key == "" {
		errs = append(errs, kfield.Required(p.Child("key"), ""))
	}
	for _, msg := range validation.IsConfigMapKey(key) {
		if key != "" {
			errs = append(errs, kfield.Invalid(p.Child("key"), key, msg))
		}
	}
	return errs
}

// labelOrAnnotationRef is metadata.labels['key'] or
// metadata.annotations['key'] with a valid key.
func labelOrAnnotationRef(path string) bool {
	for _, prefix := range []string{"metadata.labels['", "metadata.annotations['"} {
		if len(path) > len(prefix)+2 && path[:len(prefix)] == prefix && path[len(path)-2:] == "']" {
			return len(validation.IsQualifiedName(path[len(prefix):len(path)-2])) == 0
		}
	}
	return false
}
