// Package priorityclass is a PriorityClass for a release's stateful pods.
// When a cluster is short of room, the scheduler places pods of a higher
// priority first and may evict lower ones to make room: a database and
// its Kafka brokers should not wait behind a fourth stateless replica.
package priorityclass

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Component is the app.kubernetes.io/component of the PriorityClass.
const Component = "priority"

// Props configures the PriorityClass.
type Props struct {
	Release kube.Release
	// Name of the PriorityClass. It is cluster-wide: name it after the
	// install (e.g. <namespace>-datastores) so that two installs never
	// share one.
	Name string
	// Value is the priority: above the 0 of pods without a class, far below
	// the system classes (2000000000 and up).
	Value int
}

// NewPriorityClass adds the PriorityClass. It is never the cluster's
// default, and its pods may preempt lower ones.
func NewPriorityClass(scope constructs.Construct, id string, p Props) k8s.KubePriorityClass {
	return k8s.NewKubePriorityClass(scope, kube.Str(id), &k8s.KubePriorityClassProps{
		Metadata:         p.Release.ClusterMeta(p.Name, Component),
		Value:            kube.Num(p.Value),
		GlobalDefault:    kube.Bool(false),
		PreemptionPolicy: kube.Str("PreemptLowerPriority"),
		Description:      kube.Str("Caracal's datastores in namespace " + p.Release.Namespace + ": placed before stateless replicas when the cluster is short of room."),
	})
}
