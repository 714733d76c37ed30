package shared

import (
	"sync"

	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Quantities and int-or-strings are jsii objects: making one is a round
// trip to the Node.js process, and the same few values ("64Mi", "metrics")
// appear dozens of times in an app. They are immutable, so one object per
// value serves every use. (The objects live as long as the jsii runtime;
// nothing in this program closes it before exiting.)
var (
	jsiiValues   sync.Mutex
	quantities   = map[string]k8s.Quantity{}
	intOrStrings = map[string]k8s.IntOrString{}
	intOrNumbers = map[int]k8s.IntOrString{}
)

// Quantity is k8s.Quantity_FromString, made once per value.
func Quantity(s string) k8s.Quantity {
	jsiiValues.Lock()
	defer jsiiValues.Unlock()
	q, ok := quantities[s]
	if !ok {
		q = k8s.Quantity_FromString(Str(s))
		quantities[s] = q
	}
	return q
}

// IntOrString is k8s.IntOrString_FromString, made once per value.
func IntOrString(s string) k8s.IntOrString {
	jsiiValues.Lock()
	defer jsiiValues.Unlock()
	v, ok := intOrStrings[s]
	if !ok {
		v = k8s.IntOrString_FromString(Str(s))
		intOrStrings[s] = v
	}
	return v
}

// IntOrNumber is k8s.IntOrString_FromNumber, made once per value.
func IntOrNumber(n int) k8s.IntOrString {
	jsiiValues.Lock()
	defer jsiiValues.Unlock()
	v, ok := intOrNumbers[n]
	if !ok {
		v = k8s.IntOrString_FromNumber(Num(n))
		intOrNumbers[n] = v
	}
	return v
}
