// Package mcpadapter is Caracal's MCP adapter: a Deployment that speaks
// the Model Context Protocol to agents and forwards to the gateway, with a
// Service and an autoscaler.
package mcpadapter

import (
	"cmp"
	"strconv"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

const (
	// Component is the app.kubernetes.io/component label value.
	Component = "mcp-adapter"
	// DefaultName names the Deployment and its Service.
	DefaultName = "caracal-mcp-adapter"
	// DefaultPort and DefaultMetricsPort are the ports of a zero Props.
	DefaultPort        = 8080
	DefaultMetricsPort = 9090
)

// Props configures an MCP adapter. The zero value of a field without a
// Default is refused.
type Props struct {
	workload.Process
	// Name of the Deployment and the Service. Default: DefaultName; the
	// metrics Service is <Name>-metrics.
	Name string
	// Gateway is where the adapter forwards every call, e.g.
	// gateway.Gateway's Endpoint(): required.
	Gateway wiring.GatewayEndpoint
	// Service is how the adapter's Service is reached: its type (default
	// ClusterIP) and its load balancer's settings.
	Service workload.Exposure
	// Port serves agents. Default: DefaultPort.
	Port int
	// MetricsPort serves /metrics, /readyz and /livez. Default:
	// DefaultMetricsPort.
	MetricsPort int
}

// check applies the defaults and refuses what has none.
func (p *Props) check() {
	if p.Name == "" {
		p.Name = DefaultName
	}
	p.Port = cmp.Or(p.Port, DefaultPort)
	p.MetricsPort = cmp.Or(p.MetricsPort, DefaultMetricsPort)
	r := kube.Refusals{Construct: "mcp-adapter"}
	p.Process.Check(&r, "Props")
	p.Service.Refuse(&r, "Props.Service")
	r.Port("Props.Port", p.Port)
	r.Port("Props.MetricsPort", p.MetricsPort)
	// The adapter forwards every call to the gateway.
	p.Gateway.Refuse(&r, "Props.Gateway")
	r.Check()
}

// MCPAdapter is the construct.
type MCPAdapter struct {
	constructs.Construct
	*workload.StatelessObjects
	props          Props
	Service        cdk8s.ApiObject
	MetricsService cdk8s.ApiObject
}

// NewMCPAdapter adds an MCP adapter to scope.
func NewMCPAdapter(scope constructs.Construct, id string, props Props) *MCPAdapter {
	props.check()
	r := props.Release
	m := &MCPAdapter{props: props}
	http := kube.Port{Name: "http", Port: props.Port}
	metrics := kube.Port{Name: kube.MetricsPort, Port: props.MetricsPort}
	config, secrets := wiring.DatastoreConfig(props.Endpoints)
	config["CARACAL_LISTEN_PORT"] = strconv.Itoa(props.Port)
	config["CARACAL_METRICS_PORT"] = strconv.Itoa(props.MetricsPort)
	config["CARACAL_GATEWAY_URL"] = props.Gateway.URL
	s := props.Stateless(props.Name, Component, []string{"caracal", "mcp-adapter", "serve"}, metrics, http)
	s.Config, s.Secrets = config, secrets
	s.TerminationGracePeriodSeconds = 30
	// The construct and all it holds are made in one jsii call.
	var b kube.Batch
	m.StatelessObjects = workload.AddStateless(&b, "workload", r, s)
	workload.AddServices(&b, &m.Service, &m.MetricsService, r, props.Name, Component, props.Service, http, metrics)
	m.Construct = b.MakeScope(scope, id)
	return m
}

// Report: the adapter reaches the datastores and the gateway, and takes
// calls from anywhere on its port; it is scraped, and reads the datastore
// passwords and any Kafka credentials.
func (m *MCPAdapter) Report() wiring.Report {
	return wiring.ProcessReport(Component, m.props.Endpoints, m.SecretsRead,
		m.props.Gateway.From(Component),
		wiring.Flow{From: wiring.Anywhere, To: wiring.Pods(Component), Ports: []int{m.props.Port}})
}
