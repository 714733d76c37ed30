// Package priorityclass is a PriorityClass for a release's stateful pods.
// When a cluster is short of room, the scheduler places pods of a higher
// priority first and may evict lower ones to make room: a database and
// its Kafka brokers should not wait behind a fourth stateless replica.
package priorityclass

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Component is the app.kubernetes.io/component of the PriorityClass.
const Component = "priority"

// MaxValue is the highest priority a class outside the system ones may
// have: the API server refuses more.
const MaxValue = 1000000000

// Props configures the PriorityClass.
type Props struct {
	// Release labels the PriorityClass; its Namespace is named in the
	// description.
	Release kube.Release
	// Name of the PriorityClass; required. It is cluster-wide: name it
	// after the install (e.g. <namespace>-datastores) so that two installs
	// never share one.
	Name string
	// Value is the priority, from 1 to MaxValue: above the 0 of pods
	// without a class (0 would give the datastores nothing), far below the
	// system classes (2000000000 and up).
	Value int
}

// PriorityClass is the construct.
type PriorityClass struct {
	constructs.Construct
	PriorityClass cdk8s.ApiObject
}

// NewPriorityClass adds the PriorityClass. It is never the cluster's
// default, and its pods may preempt lower ones.
func NewPriorityClass(scope constructs.Construct, id string, p Props) *PriorityClass {
	check(p)
	c, pc := kube.NewResource(scope, id, kube.PriorityClassKind, &k8s.KubePriorityClassProps{
		Metadata:         p.Release.ClusterMeta(p.Name, Component),
		Value:            kube.Num(p.Value),
		GlobalDefault:    kube.Bool(false),
		PreemptionPolicy: kube.Str("PreemptLowerPriority"),
		Description:      kube.Str("Caracal's datastores in namespace " + p.Release.Namespace + ": placed before stateless replicas when the cluster is short of room."),
	})
	return &PriorityClass{Construct: c, PriorityClass: pc}
}

func check(p Props) {
	r := kube.Refusals{Construct: "priorityclass"}
	r.Empty("Props.Release.Name", p.Release.Name)
	r.Empty("Props.Release.Namespace", p.Release.Namespace)
	r.Empty("Props.Name", p.Name)
	if p.Value < 1 || p.Value > MaxValue {
		r.Refuse("Props.Value %d is not from 1 to %d", p.Value, MaxValue)
	}
	r.Check()
}
