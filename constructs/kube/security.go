package kube

import "github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

// RunAsID is the UID and GID every Caracal pod runs as: not root, and
// above 10000 so that it never maps to a user of the node.
const RunAsID = 10001

// PodSecurityContext passes Pod Security "restricted". fsGroup makes
// volumes writable by RunAsID; OnRootMismatch avoids a recursive chown of
// a large volume at every start.
func PodSecurityContext() *k8s.PodSecurityContext {
	return &k8s.PodSecurityContext{
		RunAsNonRoot:        Bool(true),
		RunAsUser:           Num(RunAsID),
		RunAsGroup:          Num(RunAsID),
		FsGroup:             Num(RunAsID),
		FsGroupChangePolicy: Str("OnRootMismatch"),
		SeccompProfile:      &k8s.SeccompProfile{Type: Str("RuntimeDefault")},
	}
}

// ContainerSecurityContext passes Pod Security "restricted" and keeps the
// root filesystem read-only; containers get emptyDirs where they write.
func ContainerSecurityContext() *k8s.SecurityContext {
	return &k8s.SecurityContext{
		AllowPrivilegeEscalation: Bool(false),
		Privileged:               Bool(false),
		ReadOnlyRootFilesystem:   Bool(true),
		RunAsNonRoot:             Bool(true),
		RunAsUser:                Num(RunAsID),
		RunAsGroup:               Num(RunAsID),
		Capabilities:             &k8s.Capabilities{Drop: Strs("ALL")},
		SeccompProfile:           &k8s.SeccompProfile{Type: Str("RuntimeDefault")},
	}
}
