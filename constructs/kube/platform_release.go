package kube

import "fmt"

// MustIdentify refuses, naming the construct, a Release without the
// identity its objects carry: Name is the instance label every selector
// holds, and Namespace is where namespaced objects land (an empty one
// would land them wherever the applier happens to point).
func (r Release) MustIdentify(construct string) {
	switch {
	case r.Name == "":
		panic(fmt.Sprintf("%s: Props.Release.Name is empty", construct))
	case r.Namespace == "":
		panic(fmt.Sprintf("%s: Props.Release.Namespace is empty", construct))
	}
}
