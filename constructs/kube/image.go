package kube

// Image is a pinned container image and how to pull it.
type Image struct {
	Repository string
	Tag        string
	PullPolicy string // Always, IfNotPresent or Never
}

// Ref is the image reference, repository:tag; a tag that already carries
// a digest (1.2.3@sha256:...) is kept as it is.
func (i Image) Ref() string { return i.Repository + ":" + i.Tag }
