package kube

import "fmt"

// Require panics unless the release names what every object needs: its
// name (the instance label), its namespace and the cluster domain (the
// DNS names of its Services). where names the field, for the message:
// "kafka: KRaftProps.Release".
func (r Release) Require(where string) {
	require(where, [2]string{"Name", r.Name}, [2]string{"Namespace", r.Namespace}, [2]string{"ClusterDomain", r.ClusterDomain})
}

// Require panics unless the image is pinned and says how to pull it, so
// that no container runs the image ":". where names the field, as for
// Release.Require.
func (i Image) Require(where string) {
	require(where, [2]string{"Repository", i.Repository}, [2]string{"Tag", i.Tag}, [2]string{"PullPolicy", i.PullPolicy})
}

// require panics on the first field, a name and its value, left empty.
func require(where string, fields ...[2]string) {
	for _, f := range fields {
		if f[1] == "" {
			panic(fmt.Sprintf("%s.%s is empty", where, f[0]))
		}
	}
}
