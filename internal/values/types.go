package values

import (
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"
)

// Quantity is a Kubernetes resource quantity ("500m", "2Gi") kept exactly as
// written, so the output shows what the user typed. Empty means unset.
type Quantity string

// Parse returns the quantity's value; it fails for strings such as "2Gb".
func (q Quantity) Parse() (resource.Quantity, error) {
	v, err := resource.ParseQuantity(string(q))
	if err != nil {
		return v, fmt.Errorf("%q is not a Kubernetes quantity (examples: 500m, 2, 512Mi, 10Gi)", string(q))
	}
	return v, nil
}

// PullSecrets are names of image pull secrets. Files may write them as
// plain names (- regcred) or as Kubernetes references (- name: regcred).
type PullSecrets []string

// Strings is a list of strings, such as CIDRs.
type Strings []string

// Labels are Kubernetes labels (or annotations): a mapping of strings.
// Files merge them key by key, like Helm; a key set to null is removed.
type Labels map[string]string
