package kube

import "github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

// Scratch is a writable emptyDir for a read-only container: where it is
// mounted and how much it may hold.
type Scratch struct {
	Name      string
	MountPath string
	SizeLimit string
}

func (s Scratch) Volume() *k8s.Volume {
	return &k8s.Volume{Name: Str(s.Name), EmptyDir: &k8s.EmptyDirVolumeSource{SizeLimit: Quantity(s.SizeLimit)}}
}

func (s Scratch) Mount() *k8s.VolumeMount {
	return &k8s.VolumeMount{Name: Str(s.Name), MountPath: Str(s.MountPath)}
}

// Storage is a persistent volume request.
type Storage struct {
	Size string
	// StorageClass "" uses the cluster's default class; "-" sets an empty
	// class, which disables dynamic provisioning (the Helm convention).
	StorageClass string
}

func (s Storage) className() *string {
	switch s.StorageClass {
	case "":
		return nil
	case "-":
		return Str("")
	default:
		return Str(s.StorageClass)
	}
}

// ClaimSpec requests the storage, for one node at a time.
func (s Storage) ClaimSpec() *k8s.PersistentVolumeClaimSpec {
	return &k8s.PersistentVolumeClaimSpec{
		AccessModes:      Strs("ReadWriteOnce"),
		StorageClassName: s.className(),
		Resources: &k8s.VolumeResourceRequirements{
			Requests: &map[string]k8s.Quantity{"storage": Quantity(s.Size)},
		},
	}
}
