package kube

import "github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

// Quantities and int-or-strings are classes of cdk8s-plus's k8s module;
// made there, each would be a jsii round trip. Objects are rendered in Go
// (object.go), so these Go values stand in for them: they satisfy the
// same interfaces, and render as their value, as the classes do. They
// cannot be passed to a jsii call.
type (
	quantity    string
	intOrString struct{ v any }
)

func (q quantity) Value() interface{}    { return string(q) }
func (i intOrString) Value() interface{} { return i.v }

// Quantity is a resource quantity such as "64Mi".
func Quantity(s string) k8s.Quantity { return quantity(s) }

// IntOrString is an int-or-string field's string form (a port's name, a
// percentage).
func IntOrString(s string) k8s.IntOrString { return intOrString{s} }

// IntOrNumber is an int-or-string field's number form.
func IntOrNumber(n int) k8s.IntOrString { return intOrString{float64(n)} }
