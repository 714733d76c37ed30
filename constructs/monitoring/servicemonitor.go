// Package monitoring makes Caracal observable with the Prometheus
// Operator and Grafana: ServiceMonitors for every metrics port, a
// PrometheusRule with the alerts that matter, and a dashboard.
package monitoring

import (
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/imports/monitoringcoreoscom"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// Component is the app.kubernetes.io/component of the rules and the
// dashboard; a ServiceMonitor takes the component it scrapes.
const Component = "monitoring"

// ServiceMonitorProps configures the scraping of one component. Every
// field is required unless it says otherwise.
type ServiceMonitorProps struct {
	Release kube.Release
	// Name of the ServiceMonitor.
	Name string
	// Component whose Services are scraped.
	Component string
	// Port is the name of the Services' port serving the metrics.
	Port string
	// Path of the metrics, from "/".
	Path string
	// Interval between scrapes, a Prometheus duration. Default: your
	// Prometheus's scrape interval.
	Interval string
	// Labels your Prometheus selects ServiceMonitors by. Default: none.
	Labels map[string]string
}

// ServiceMonitor is the construct.
type ServiceMonitor struct {
	constructs.Construct
	ServiceMonitor cdk8s.ApiObject
}

// NewServiceMonitor scrapes Path on the port named Port of the
// component's Services, in the release's namespace only.
func NewServiceMonitor(scope constructs.Construct, id string, p ServiceMonitorProps) *ServiceMonitor {
	checkServiceMonitor(p)
	endpoint := &monitoringcoreoscom.ServiceMonitorSpecEndpoints{Port: kube.Str(p.Port), Path: kube.Str(p.Path)}
	if p.Interval != "" {
		endpoint.Interval = kube.Str(p.Interval)
	}
	c, sm := kube.NewResource(scope, id, serviceMonitorKind, &monitoringcoreoscom.ServiceMonitorProps{
		Metadata: p.Release.APIMeta(p.Name, p.Component, p.Labels),
		Spec: &monitoringcoreoscom.ServiceMonitorSpec{
			Selector:          &monitoringcoreoscom.ServiceMonitorSpecSelector{MatchLabels: kube.StrMap(p.Release.SelectorLabels(p.Component))},
			NamespaceSelector: &monitoringcoreoscom.ServiceMonitorSpecNamespaceSelector{MatchNames: kube.Strs(p.Release.Namespace)},
			// The job label is the component: caracal-gateway and its
			// metrics Service share it, and it reads well in queries.
			JobLabel:  kube.Str("app.kubernetes.io/component"),
			Endpoints: &[]*monitoringcoreoscom.ServiceMonitorSpecEndpoints{endpoint},
		},
	})
	return &ServiceMonitor{Construct: c, ServiceMonitor: sm}
}

// checkServiceMonitor refuses a monitor that would select no Service or
// port, or scrape no path.
func checkServiceMonitor(p ServiceMonitorProps) {
	r := kube.Refusals{Construct: "monitoring"}
	r.Empty("ServiceMonitorProps.Release.Name", p.Release.Name)
	r.Empty("ServiceMonitorProps.Release.Namespace", p.Release.Namespace)
	r.Empty("ServiceMonitorProps.Name", p.Name)
	r.Empty("ServiceMonitorProps.Component", p.Component)
	r.Empty("ServiceMonitorProps.Port", p.Port)
	if !strings.HasPrefix(p.Path, "/") {
		r.Refuse("ServiceMonitorProps.Path is %q, not a path from /", p.Path)
	}
	r.Check()
}

// The kinds of the Prometheus Operator, as the binding in imports/ has them.
var (
	serviceMonitorKind = kube.GVK{APIVersion: "monitoring.coreos.com/v1", Kind: "ServiceMonitor"}
	prometheusRuleKind = kube.GVK{APIVersion: "monitoring.coreos.com/v1", Kind: "PrometheusRule"}
)
