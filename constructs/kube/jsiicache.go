package kube

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

// once returns the object made for key, making it on first use.
func once[K comparable, V any](cache map[K]V, key K, build func() V) V {
	jsiiValues.Lock()
	defer jsiiValues.Unlock()
	v, ok := cache[key]
	if !ok {
		v = build()
		cache[key] = v
	}
	return v
}

// Quantity is k8s.Quantity_FromString, made once per value.
func Quantity(s string) k8s.Quantity {
	return once(quantities, s, func() k8s.Quantity { return k8s.Quantity_FromString(Str(s)) })
}

// IntOrString is k8s.IntOrString_FromString, made once per value.
func IntOrString(s string) k8s.IntOrString {
	return once(intOrStrings, s, func() k8s.IntOrString { return k8s.IntOrString_FromString(Str(s)) })
}

// IntOrNumber is k8s.IntOrString_FromNumber, made once per value.
func IntOrNumber(n int) k8s.IntOrString {
	return once(intOrNumbers, n, func() k8s.IntOrString { return k8s.IntOrString_FromNumber(Num(n)) })
}
