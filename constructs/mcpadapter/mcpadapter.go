// Package mcpadapter is Caracal's MCP adapter: a Deployment that speaks
// the Model Context Protocol to agents and forwards to the gateway, with a
// Service and an autoscaler.
package mcpadapter

import (
	"strconv"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

const (
	// Component is the app.kubernetes.io/component label value.
	Component = "mcp-adapter"
	// DefaultName names the Deployment and its Service.
	DefaultName = "caracal-mcp-adapter"
)

// Props configures an MCP adapter.
type Props struct {
	Release kube.Release
	// Name of the Deployment and the Service. Default: DefaultName; the
	// metrics Service is <Name>-metrics.
	Name      string
	Image     kube.Image
	Endpoints wiring.Endpoints
	// GatewayURL is where the adapter forwards calls; "" without a gateway.
	GatewayURL       string
	ServiceType      string
	Port             int
	MetricsPort      int
	Replicas         int
	Autoscaling      *workload.Autoscaling
	Resources        kube.Resources
	ImagePullSecrets []string
}

// MCPAdapter is the construct.
type MCPAdapter struct {
	constructs.Construct
	*workload.StatelessObjects
	Service        k8s.KubeService
	MetricsService k8s.KubeService
}

// NewMCPAdapter adds an MCP adapter to scope.
func NewMCPAdapter(scope constructs.Construct, id string, props Props) *MCPAdapter {
	if props.Name == "" {
		props.Name = DefaultName
	}
	c := constructs.NewConstruct(scope, kube.Str(id))
	r := props.Release
	m := &MCPAdapter{Construct: c}
	http := kube.Port{Name: "http", Port: props.Port}
	metrics := kube.Port{Name: workload.MetricsPort, Port: props.MetricsPort}
	config, secrets := wiring.DatastoreConfig(props.Endpoints)
	config["CARACAL_LISTEN_PORT"] = strconv.Itoa(props.Port)
	config["CARACAL_METRICS_PORT"] = strconv.Itoa(props.MetricsPort)
	if props.GatewayURL != "" {
		config["CARACAL_GATEWAY_URL"] = props.GatewayURL
	}
	ready, live := workload.HealthProbes(metrics.Name)
	m.StatelessObjects = workload.NewStateless(c, "workload", r, workload.Stateless{
		Name:                          props.Name,
		Component:                     Component,
		Image:                         props.Image,
		Command:                       []string{"caracal", "mcp-adapter", "serve"},
		Config:                        config,
		Secrets:                       secrets,
		Ports:                         []kube.Port{http, metrics},
		Readiness:                     ready,
		Liveness:                      live,
		Resources:                     props.Resources,
		Replicas:                      props.Replicas,
		Autoscaling:                   props.Autoscaling,
		ImagePullSecrets:              props.ImagePullSecrets,
		TerminationGracePeriodSeconds: 30,
	})
	m.Service, m.MetricsService = workload.NewServices(r, c, props.Name, Component, props.ServiceType, http, metrics)
	return m
}
