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
	// Command and Args, when set, replace the built-in command and
	// arguments as written: Kubernetes expands $(VAR) in them, as in any
	// pod spec. Default: the built-in ones.
	Command, Args []string
	// Extra is what the user adds to the pods. Default: nothing.
	Extra Extra
}

// Check applies the defaults and records in r what has none; props names
// the props type in messages ("Props").
func (p *Process) Check(r *kube.Refusals, props string) {
	p.Replicas = cmp.Or(p.Replicas, 1)
	r.Release(props+".Release", p.Release)
	r.Image(props+".Image", p.Image)
	p.Endpoints.Refuse(r, props+".Endpoints")
	r.AtLeast(props+".Replicas", p.Replicas, 1)
	RefuseAutoscaling(r, props+".Autoscaling", p.Autoscaling)
	p.Extra.Check(r, props+".Extra")
}

// Stateless is the skeleton of the process's Deployment: it runs command
// in p's image with p's replicas, autoscaler and resources, listens on the
// traffic ports and then metrics, where its health probes are. The caller
// adds its settings, Secrets and grace period.
func (p Process) Stateless(name, component string, command []string, metrics kube.Port, traffic ...kube.Port) Stateless {
	ready, live := HealthProbes(metrics.Name)
	return Stateless{
		Name:             name,
		Component:        component,
		Image:            p.Image,
		Command:          command,
		Ports:            append(traffic, metrics),
		Readiness:        ready,
		Liveness:         live,
		Resources:        p.Resources,
		Replicas:         p.Replicas,
		Autoscaling:      p.Autoscaling,
		ImagePullSecrets: p.ImagePullSecrets,
		CommandOverride:  p.Command,
		ArgsOverride:     p.Args,
		Extra:            p.Extra,
	}
}

// RefuseAutoscaling refuses bounds an autoscaler cannot keep; nil is no
// autoscaler.
func RefuseAutoscaling(r *kube.Refusals, field string, a *Autoscaling) {
	if a == nil {
		return
	}
	r.AtLeast(field+".MinReplicas", a.MinReplicas, 1)
	r.AtLeast(field+".MaxReplicas", a.MaxReplicas, max(a.MinReplicas, 1))
	r.AtLeast(field+".TargetCPUUtilizationPercentage", a.TargetCPUUtilizationPercentage, 1)
}
