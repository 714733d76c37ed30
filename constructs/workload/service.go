package workload

import (
	"cmp"
	"slices"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Service describes a Service in front of a component's pods.
type Service struct {
	Name      string
	Component string
	Exposure
	// Headless gives each pod a DNS name, published before the pod is
	// ready: the members of a quorum must find each other to get ready.
	Headless bool
	Ports    []kube.Port
}

// Exposure is how a Service is reached: its type and, for traffic from
// outside the cluster, the settings of its load balancer.
type Exposure struct {
	// Type: ClusterIP, NodePort or LoadBalancer. Default: ClusterIP.
	Type string
	// Annotations of the Service, such as a cloud load balancer's
	// settings; the release's own (a sync wave) win. Default: none.
	Annotations map[string]string
	// LoadBalancerSourceRanges are the CIDRs a LoadBalancer admits.
	// Default: every address.
	LoadBalancerSourceRanges []string
	// LoadBalancerClass picks the load balancer implementation. Default:
	// the cluster's.
	LoadBalancerClass string
	// ExternalTrafficPolicy: Cluster or Local (Local keeps the client's
	// address, on the nodes that run a pod). Default: Kubernetes' own,
	// Cluster, for a NodePort or LoadBalancer.
	ExternalTrafficPolicy string
}

// Refuse records settings that Kubernetes refuses for the Service's type.
func (e Exposure) Refuse(r *kube.Refusals, field string) {
	typ := cmp.Or(e.Type, "ClusterIP")
	if !slices.Contains([]string{"ClusterIP", "NodePort", "LoadBalancer"}, typ) {
		r.Refuse("%s.Type %q is not ClusterIP, NodePort or LoadBalancer", field, e.Type)
	}
	if typ != "LoadBalancer" && (len(e.LoadBalancerSourceRanges) > 0 || e.LoadBalancerClass != "") {
		r.Refuse("%s: LoadBalancerSourceRanges and LoadBalancerClass need Type LoadBalancer, not %s", field, typ)
	}
	if typ == "ClusterIP" && e.ExternalTrafficPolicy != "" {
		r.Refuse("%s.ExternalTrafficPolicy needs Type NodePort or LoadBalancer", field)
	}
	if p := e.ExternalTrafficPolicy; p != "" && p != "Cluster" && p != "Local" {
		r.Refuse("%s.ExternalTrafficPolicy %q is not Cluster or Local", field, p)
	}
}

// NewService adds the Service s of the release, selecting its component's
// pods, each port targeting the container port of the same name.
func NewService(scope constructs.Construct, id string, r kube.Release, s Service) cdk8s.ApiObject {
	return ServiceObject(id, r, s).New(scope)
}

// ServiceObject is the object NewService adds, for a batch.
func ServiceObject(id string, r kube.Release, s Service) kube.Object {
	ports := make([]*k8s.ServicePort, len(s.Ports))
	for i, p := range s.Ports {
		ports[i] = &k8s.ServicePort{
			Name:       kube.Str(p.Name),
			Port:       kube.Num(p.Port),
			TargetPort: kube.IntOrString(p.Name),
			Protocol:   kube.Str("TCP"),
		}
	}
	spec := &k8s.ServiceSpec{
		Type:     kube.Str(cmp.Or(s.Type, "ClusterIP")),
		Selector: kube.StrMap(r.SelectorLabels(s.Component)),
		Ports:    &ports,
	}
	if len(s.LoadBalancerSourceRanges) > 0 {
		spec.LoadBalancerSourceRanges = kube.Strs(s.LoadBalancerSourceRanges...)
	}
	if s.LoadBalancerClass != "" {
		spec.LoadBalancerClass = kube.Str(s.LoadBalancerClass)
	}
	if s.ExternalTrafficPolicy != "" {
		spec.ExternalTrafficPolicy = kube.Str(s.ExternalTrafficPolicy)
	}
	meta := r.Meta(s.Name, s.Component)
	if len(s.Annotations) > 0 {
		meta.Annotations = kube.StrMap(kube.Merge(s.Annotations, r.Annotations))
	}
	if s.Headless {
		spec.ClusterIp = kube.Str("None")
		spec.PublishNotReadyAddresses = kube.Bool(true)
	}
	return kube.Object{ID: id, GVK: kube.ServiceKind, Props: &k8s.KubeServiceProps{Metadata: meta, Spec: spec}}
}

// HeadlessServiceObject is the Service that governs a StatefulSet: it
// gives each pod a stable DNS name, <pod>.<name>.<namespace>.svc, and
// publishes pods before they are ready so that peers can find each other.
func HeadlessServiceObject(id string, r kube.Release, name, component string, ports ...kube.Port) kube.Object {
	return ServiceObject(id, r, Service{Name: name, Component: component, Headless: true, Ports: ports})
}
