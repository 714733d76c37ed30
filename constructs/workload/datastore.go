package workload

import "caracal.dev/caracal-cdk8s/constructs/kube"

// Datastore is what every datastore of the release (PostgreSQL, Redis, the
// Kafka brokers, the ZooKeeper ensemble) is built with, embedded in its
// props: a StatefulSet of the image, each pod with a volume.
type Datastore struct {
	// Release needs Name, Namespace and ClusterDomain.
	Release kube.Release
	Image   kube.Image
	// Storage is each pod's volume; its Size is required.
	Storage kube.Storage
	// Resources. Default: no requests or limits.
	Resources kube.Resources
	// ImagePullSecrets. Default: none.
	ImagePullSecrets []string
	// PriorityClass of the pods, e.g. one above the applications' so that
	// the datastores are placed first when a cluster is short. Default:
	// none.
	PriorityClass string
	// Extra is what the user adds to the pods. Default: nothing.
	Extra Extra
}

// Check records in r what has no default; props names the props type in
// messages ("Props").
func (d Datastore) Check(r *kube.Refusals, props string) {
	r.Release(props+".Release", d.Release)
	r.Image(props+".Image", d.Image)
	r.Empty(props+".Storage.Size", d.Storage.Size)
	d.Extra.Check(r, props+".Extra")
}
