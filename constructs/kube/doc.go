// Package kube holds helpers for single Kubernetes objects: the release's
// identity and the metadata it gives every object (labels, annotations,
// selectors), pod and container security contexts that pass Pod Security
// "restricted", probes, resources, images, environment variables, volumes,
// ports, and one encoder per format a value may land in (encode.go). It
// builds no construct and knows nothing of values files.
package kube
