package manifest

import "fmt"

// RecommendedLabels are the labels every object carries.
var RecommendedLabels = []string{
	"app.kubernetes.io/name",
	"app.kubernetes.io/instance",
	"app.kubernetes.io/component",
	"app.kubernetes.io/part-of",
	"app.kubernetes.io/version",
	"app.kubernetes.io/managed-by",
}

// LabelProblems lists the recommended labels an object lacks, and any
// label cdk8s derives from the construct path (which a refactor changes).
func LabelProblems(o Object) []string {
	var probs []string
	labels, _ := o.Get("metadata.labels")
	m, _ := labels.(map[string]any)
	for _, l := range RecommendedLabels {
		if s, _ := m[l].(string); s == "" {
			probs = append(probs, fmt.Sprintf("%s/%s: no label %s", o.Kind(), o.Name(), l))
		}
	}
	if m["app.kubernetes.io/name"] != "caracal" {
		probs = append(probs, fmt.Sprintf("%s/%s: app.kubernetes.io/name is %v, not caracal", o.Kind(), o.Name(), m["app.kubernetes.io/name"]))
	}
	if _, ok := m["cdk8s.io/metadata.addr"]; ok {
		probs = append(probs, fmt.Sprintf("%s/%s: carries the construct-path label cdk8s.io/metadata.addr", o.Kind(), o.Name()))
	}
	return probs
}
