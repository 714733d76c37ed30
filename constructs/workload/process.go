package workload

import (
	"cmp"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
)

// Process is what every Caracal process (the gateway, the MCP adapter,
// the consumers) is built with, embedded in its props.
type Process struct {
	// Release needs Name, Namespace and ClusterDomain.
	Release kube.Release
	Image   kube.Image
	// Endpoints are the datastores it reads and writes.
	Endpoints wiring.Endpoints
	// Replicas applies without Autoscaling. Default: 1.
	Replicas int
	// Autoscaling. Default: none.
	Autoscaling *Autoscaling
	// Resources. Default: no requests or limits.
	Resources kube.Resources
	// ImagePullSecrets. Default: none.
	ImagePullSecrets []string
}

// Check applies the defaults and records in r what has none; props names
// the props type in messages ("Props").
func (p *Process) Check(r *kube.Refusals, props string) {
	p.Replicas = cmp.Or(p.Replicas, 1)
	r.Release(props+".Release", p.Release)
	r.Image(props+".Image", p.Image)
	RefuseEndpoints(r, props+".Endpoints", p.Endpoints)
	r.AtLeast(props+".Replicas", p.Replicas, 1)
	RefuseAutoscaling(r, props+".Autoscaling", p.Autoscaling)
}
