package workload

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
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
	Storage kube.Storage
}

// DataVolume names the claim template of every StatefulSet. It is fixed:
// a claim template cannot change once created.
const DataVolume = "data"

// DataMount mounts a StatefulSet pod's persistent volume at path.
func DataMount(path string) *k8s.VolumeMount {
	return &k8s.VolumeMount{Name: kube.Str(DataVolume), MountPath: kube.Str(path)}
}

// NewStatefulSet adds, in a scope of its own named id, the StatefulSet and
// a ServiceAccount of the same name for its pods. Its selector and claim template hold only
// stable labels: both are immutable once created, so a change there would
// force a delete and recreate on the cluster.
func NewStatefulSet(scope constructs.Construct, id string, r kube.Release, s StatefulSet) (set cdk8s.ApiObject) {
	made(scope, func(b *kube.Batch) { AddStatefulSet(b, &set, id, r, s) })
	return set
}

// AddStatefulSet records in b what NewStatefulSet adds; b's Make makes
// them, and stores the StatefulSet's handle in *set.
func AddStatefulSet(b *kube.Batch, set *cdk8s.ApiObject, id string, r kube.Release, s StatefulSet) {
	sa := ServiceAccountObject("service-account", r, s.Name, s.Component, s.Pod.Extra.ServiceAccountAnnotations)
	s.Pod.ServiceAccount = s.Name
	policy := "OrderedReady"
	if s.Parallel {
		policy = "Parallel"
	}
	claim := &k8s.KubePersistentVolumeClaimProps{
		Metadata: &k8s.ObjectMeta{Name: kube.Str(DataVolume), Labels: kube.StrMap(r.SelectorLabels(s.Component))},
		Spec:     s.Storage.ClaimSpec(),
	}
	manifest := kube.Manifest(kube.StatefulSetKind, &k8s.KubeStatefulSetProps{
		Spec: &k8s.StatefulSetSpec{
			ServiceName:         kube.Str(s.ServiceName),
			Replicas:            kube.Num(s.Replicas),
			PodManagementPolicy: kube.Str(policy),
			Selector:            r.Selector(s.Component),
			Template:            PodTemplate(r, s.Component, s.Pod),
			UpdateStrategy:      &k8s.StatefulSetUpdateStrategy{Type: kube.Str("RollingUpdate")},
			// Data outlives the StatefulSet: deleting or scaling it
			// never deletes a volume.
			PersistentVolumeClaimRetentionPolicy: &k8s.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: kube.Str("Retain"),
				WhenScaled:  kube.Str("Retain"),
			},
			VolumeClaimTemplates: &[]*k8s.KubePersistentVolumeClaimProps{claim},
		},
	})
	spec := manifest["spec"].(map[string]any)
	// The API server stores a claim template with its apiVersion and kind;
	// without them in the manifest, Argo CD's server-side diff shows the
	// StatefulSet OutOfSync forever (argo-cd#11143). The typed props have
	// no such fields: they are added to the rendered manifest.
	for _, t := range spec["volumeClaimTemplates"].([]any) {
		t.(map[string]any)["apiVersion"] = "v1"
		t.(map[string]any)["kind"] = "PersistentVolumeClaim"
	}
	objectsIn(b, set, id, sa, kube.Object{ID: "statefulset", GVK: kube.StatefulSetKind, Meta: r.APIMeta(s.Name, s.Component), Body: map[string]any{"spec": spec}})
}
