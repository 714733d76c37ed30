// Package monitoring makes Caracal observable with the Prometheus
// Operator and Grafana: ServiceMonitors for every metrics port, a
// PrometheusRule with the alerts that matter, and a dashboard.
package monitoring

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"caracal.dev/caracal-cdk8s/imports/monitoringcoreoscom"
	"github.com/aws/constructs-go/constructs/v10"
)

// ServiceMonitorProps configures the scraping of one component.
type ServiceMonitorProps struct {
	Release kube.Release
	// Name of the ServiceMonitor.
	Name string
	// Component whose Services are scraped, on their port named "metrics".
	Component string
	// Interval between scrapes, a Prometheus duration.
	Interval string
	// Labels your Prometheus selects ServiceMonitors by.
	Labels map[string]string
}

// NewServiceMonitor scrapes /metrics on the port named "metrics" of the
// component's Services, in the release's namespace only.
func NewServiceMonitor(scope constructs.Construct, id string, p ServiceMonitorProps) monitoringcoreoscom.ServiceMonitor {
	return monitoringcoreoscom.NewServiceMonitor(scope, kube.Str(id), &monitoringcoreoscom.ServiceMonitorProps{
		Metadata: p.Release.APIMeta(p.Name, p.Component, p.Labels),
		Spec: &monitoringcoreoscom.ServiceMonitorSpec{
			Selector:          &monitoringcoreoscom.ServiceMonitorSpecSelector{MatchLabels: kube.StrMap(p.Release.SelectorLabels(p.Component))},
			NamespaceSelector: &monitoringcoreoscom.ServiceMonitorSpecNamespaceSelector{MatchNames: kube.Strs(p.Release.Namespace)},
			// The job label is the component: caracal-gateway and its
			// metrics Service share it, and it reads well in queries.
			JobLabel: kube.Str("app.kubernetes.io/component"),
			Endpoints: &[]*monitoringcoreoscom.ServiceMonitorSpecEndpoints{{
				Port:     kube.Str(workload.MetricsPort),
				Path:     kube.Str("/metrics"),
				Interval: kube.Str(p.Interval),
			}},
		},
	})
}
