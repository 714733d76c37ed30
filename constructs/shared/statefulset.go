package shared

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// StatefulSet describes a datastore's StatefulSet with one persistent
// volume per pod.
type StatefulSet struct {
	Name        string
	Component   string
	ServiceName string // the governing Service
	Replicas    int
	// Parallel starts all pods at once, which a quorum (Kafka's KRaft
	// controllers) needs to form; otherwise pods start one by one.
	Parallel bool
	Pod      Pod
	// Storage is each pod's volume, the claim template DataVolume; the
	// containers mount it with DataMount.
	Storage Storage
}

// DataVolume names the claim template of every StatefulSet. It is fixed:
// a claim template cannot change once created.
const DataVolume = "data"

// DataMount mounts a StatefulSet pod's persistent volume at path.
func DataMount(path string) *k8s.VolumeMount {
	return &k8s.VolumeMount{Name: Str(DataVolume), MountPath: Str(path)}
}

// NewStatefulSet adds the StatefulSet, and a ServiceAccount of the same
// name for its pods, to scope. Its selector and claim template hold only
// stable labels: both are immutable once created, so a change there would
// force a delete and recreate on the cluster.
func (r Release) NewStatefulSet(scope constructs.Construct, id string, s StatefulSet) k8s.KubeStatefulSet {
	r.NewServiceAccount(scope, id+"-service-account", s.Name, s.Component)
	s.Pod.ServiceAccount = s.Name
	policy := "OrderedReady"
	if s.Parallel {
		policy = "Parallel"
	}
	claim := &k8s.KubePersistentVolumeClaimProps{
		Metadata: &k8s.ObjectMeta{Name: Str(DataVolume), Labels: StrMap(r.SelectorLabels(s.Component))},
		Spec:     s.Storage.claimSpec(),
	}
	return k8s.NewKubeStatefulSet(scope, Str(id), &k8s.KubeStatefulSetProps{
		Metadata: r.Meta(s.Name, s.Component),
		Spec: &k8s.StatefulSetSpec{
			ServiceName:         Str(s.ServiceName),
			Replicas:            Num(s.Replicas),
			PodManagementPolicy: Str(policy),
			Selector:            r.Selector(s.Component),
			Template:            r.PodTemplate(s.Component, s.Pod),
			UpdateStrategy:      &k8s.StatefulSetUpdateStrategy{Type: Str("RollingUpdate")},
			// Data outlives the StatefulSet: deleting or scaling it
			// never deletes a volume.
			PersistentVolumeClaimRetentionPolicy: &k8s.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: Str("Retain"),
				WhenScaled:  Str("Retain"),
			},
			VolumeClaimTemplates: &[]*k8s.KubePersistentVolumeClaimProps{claim},
		},
	})
}
