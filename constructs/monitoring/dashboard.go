package monitoring

import (
	"encoding/json"
	"fmt"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
	"k8s.io/apimachinery/pkg/util/validation"
)

// The Grafana dashboard model, as far as this dashboard uses it.
type (
	dashboard struct {
		UID           string     `json:"uid"`
		Title         string     `json:"title"`
		Tags          []string   `json:"tags"`
		SchemaVersion int        `json:"schemaVersion"`
		Refresh       string     `json:"refresh"`
		Time          timeRange  `json:"time"`
		Templating    templating `json:"templating"`
		Panels        []panel    `json:"panels"`
	}
	timeRange  struct{ From, To string }
	templating struct {
		List []variable `json:"list"`
	}
	variable struct {
		Name  string `json:"name"`
		Label string `json:"label"`
		Type  string `json:"type"`
		Query string `json:"query"`
	}
	panel struct {
		ID          int         `json:"id"`
		Title       string      `json:"title"`
		Type        string      `json:"type"`
		Datasource  datasource  `json:"datasource"`
		GridPos     gridPos     `json:"gridPos"`
		FieldConfig fieldConfig `json:"fieldConfig"`
		Targets     []target    `json:"targets"`
	}
	datasource struct {
		Type string `json:"type"`
		UID  string `json:"uid"`
	}
	gridPos     struct{ H, W, X, Y int }
	fieldConfig struct {
		Defaults struct {
			Unit string `json:"unit"`
		} `json:"defaults"`
	}
	target struct {
		RefID        string `json:"refId"`
		Expr         string `json:"expr"`
		LegendFormat string `json:"legendFormat"`
	}
)

func (t timeRange) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"from": t.From, "to": t.To})
}

func (g gridPos) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]int{"h": g.H, "w": g.W, "x": g.X, "y": g.Y})
}

// maxUID is the longest dashboard uid Grafana accepts.
const maxUID = 40

// DashboardJSON is the Grafana dashboard for a release: gateway traffic,
// errors and latency, consumer lag, and the ledger's batches.
func DashboardJSON(r kube.Release) string {
	ns := r.Namespace
	// Grafana substitutes its variables ($name, ${name}, [[name]]) in the
	// queries and the title, and has no escape for them: the namespace
	// must be a DNS label, which holds neither $ nor [.
	if errs := validation.IsDNS1123Label(ns); len(errs) > 0 {
		panic(fmt.Sprintf("monitoring: the namespace %q is not a DNS label: %s", ns, strings.Join(errs, "; ")))
	}
	// In the queries it is a PromQL string literal.
	q := kube.PromQLString(ns)
	prom := datasource{Type: "prometheus", UID: "${datasource}"}
	type spec struct {
		title, unit string
		targets     []target
	}
	specs := []spec{
		{"Gateway requests by status", "reqps", []target{{"A", fmt.Sprintf(`sum by (code) (rate(caracal_gateway_http_requests_total{namespace=%s}[5m]))`, q), "{{code}}"}}},
		{"Gateway server errors", "percent", []target{{"A", fmt.Sprintf(`sum(rate(caracal_gateway_http_requests_total{namespace=%s,code=~"5.."}[5m])) / sum(rate(caracal_gateway_http_requests_total{namespace=%s}[5m])) * 100`, q, q), "5xx"}}},
		{"Gateway latency", "s", []target{
			{"A", fmt.Sprintf(`histogram_quantile(0.5, sum by (le) (rate(caracal_gateway_http_request_duration_seconds_bucket{namespace=%s}[5m])))`, q), "p50"},
			{"B", fmt.Sprintf(`histogram_quantile(0.99, sum by (le) (rate(caracal_gateway_http_request_duration_seconds_bucket{namespace=%s}[5m])))`, q), "p99"},
		}},
		{"Consumer lag", "short", []target{{"A", fmt.Sprintf(`sum by (consumergroup) (kafka_consumergroup_lag{namespace=%s,consumergroup=~"caracal-.*"})`, q), "{{consumergroup}}"}}},
		{"Ledger batches committed", "ops", []target{{"A", fmt.Sprintf(`sum(rate(caracal_ledger_batches_committed_total{namespace=%s}[5m]))`, q), "batches/s"}}},
		{"Under-replicated partitions", "short", []target{{"A", fmt.Sprintf(`sum(kafka_topic_partition_under_replicated_partition{namespace=%s})`, q), "partitions"}}},
	}
	// Grafana refuses a uid longer than 40 characters.
	uid := "caracal-" + ns
	if len(uid) > maxUID {
		uid = "caracal-" + kube.Checksum(ns)[:maxUID-len("caracal-")]
	}
	d := dashboard{
		UID: uid, Title: "Caracal (" + ns + ")", Tags: []string{"caracal"},
		SchemaVersion: 39, Refresh: "30s", Time: timeRange{"now-6h", "now"},
		Templating: templating{List: []variable{{Name: "datasource", Label: "Prometheus", Type: "datasource", Query: "prometheus"}}},
	}
	for i, s := range specs {
		p := panel{ID: i + 1, Title: s.title, Type: "timeseries", Datasource: prom, Targets: s.targets,
			GridPos: gridPos{H: 8, W: 12, X: 12 * (i % 2), Y: 8 * (i / 2)}}
		p.FieldConfig.Defaults.Unit = s.unit
		d.Panels = append(d.Panels, p)
	}
	out, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		panic(err) // plain structs: cannot fail
	}
	return string(out) + "\n"
}

// DashboardProps configures the dashboard ConfigMap.
type DashboardProps struct {
	// Release: its Namespace, a DNS label, is the one the panels query.
	Release kube.Release
	// Name of the ConfigMap. Default: caracal-dashboard.
	Name string
}

// Dashboard is the construct.
type Dashboard struct {
	constructs.Construct
	ConfigMap cdk8s.ApiObject
}

// NewDashboard adds the dashboard as a ConfigMap that Grafana's sidecar
// loads (label grafana_dashboard: "1").
func NewDashboard(scope constructs.Construct, id string, p DashboardProps) *Dashboard {
	r := kube.Refusals{Construct: "monitoring"}
	r.Empty("DashboardProps.Release.Name", p.Release.Name)
	r.Empty("DashboardProps.Release.Namespace", p.Release.Namespace)
	r.Check()
	if p.Name == "" {
		p.Name = "caracal-dashboard"
	}
	model := DashboardJSON(p.Release)
	meta := p.Release.Meta(p.Name, Component, map[string]string{"grafana_dashboard": "1"})
	c, cm := kube.NewResource(scope, id, kube.ConfigMapKind, &k8s.KubeConfigMapProps{
		Metadata: meta,
		Data:     kube.StrMap(map[string]string{"caracal.json": model}),
	})
	return &Dashboard{Construct: c, ConfigMap: cm}
}
