package kustomizetoolkitfluxcdio


type KustomizationSpecSourceRefKind string

const (
	// OCIRepository.
	KustomizationSpecSourceRefKind_OCI_REPOSITORY KustomizationSpecSourceRefKind = "OCI_REPOSITORY"
	// GitRepository.
	KustomizationSpecSourceRefKind_GIT_REPOSITORY KustomizationSpecSourceRefKind = "GIT_REPOSITORY"
	// Bucket.
	KustomizationSpecSourceRefKind_BUCKET KustomizationSpecSourceRefKind = "BUCKET"
)

