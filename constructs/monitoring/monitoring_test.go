package monitoring_test

import (
	"encoding/json"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/monitoring"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/constructs-go/constructs/v10"
)

var release = kube.Release{Name: "caracal", Namespace: "prod", Version: "0.3.0", ClusterDomain: "cluster.local"}

func TestServiceMonitor(t *testing.T) {
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		monitoring.NewServiceMonitor(scope, "sm", monitoring.ServiceMonitorProps{
			Release: release, Name: "caracal-gateway", Component: "gateway", Interval: "15s", Labels: map[string]string{"release": "prom"},
		})
	})
	sm := objs.Must(t, "ServiceMonitor", "caracal-gateway")
	for path, want := range map[string]string{
		"apiVersion":              "monitoring.coreos.com/v1",
		"metadata.labels.release": "prom",
		`spec.selector.matchLabels."app.kubernetes.io/component"`: "gateway",
		"spec.namespaceSelector.matchNames.0":                     "prod",
		"spec.endpoints.0.port":                                   "metrics",
		"spec.endpoints.0.path":                                   "/metrics",
		"spec.endpoints.0.interval":                               "15s",
	} {
		if got := sm.Str(path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	for _, p := range testkit.LabelProblems(sm) {
		t.Error(p)
	}
}

// The dashboard is valid JSON Grafana can load: panels with Prometheus
// queries for the release's namespace.
func TestDashboard(t *testing.T) {
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		monitoring.NewDashboard(scope, "d", monitoring.DashboardProps{Release: release})
	})
	cm := objs.Must(t, "ConfigMap", "caracal-dashboard")
	if cm.Str("metadata.labels.grafana_dashboard") != "1" {
		t.Error(`Grafana's sidecar loads ConfigMaps labelled grafana_dashboard: "1"`)
	}
	raw := cm.Str(`data."caracal.json"`)
	var d struct {
		UID    string `json:"uid"`
		Title  string `json:"title"`
		Panels []struct {
			Title   string `json:"title"`
			Type    string `json:"type"`
			GridPos struct{ H, W, X, Y int }
			Targets []struct {
				Expr  string `json:"expr"`
				RefID string `json:"refId"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal([]byte(raw), &d); err != nil {
		t.Fatalf("not valid JSON: %v", err)
	}
	if d.UID == "" || d.Title == "" {
		t.Error("uid and title")
	}
	titles := []string{}
	for _, p := range d.Panels {
		titles = append(titles, p.Title)
		if p.Type != "timeseries" || len(p.Targets) == 0 || p.GridPos.W == 0 {
			t.Errorf("panel %q: type %s, %d targets", p.Title, p.Type, len(p.Targets))
		}
		for _, q := range p.Targets {
			if !strings.Contains(q.Expr, `namespace="prod"`) || q.RefID == "" {
				t.Errorf("panel %q: query %q", p.Title, q.Expr)
			}
		}
	}
	for _, want := range []string{"Gateway requests by status", "Gateway server errors", "Gateway latency", "Consumer lag", "Ledger batches committed"} {
		if !strings.Contains(strings.Join(titles, "|"), want) {
			t.Errorf("no panel %q: %v", want, titles)
		}
	}
}

func TestRules(t *testing.T) {
	p := monitoring.RulesProps{Release: release, Thresholds: monitoring.Thresholds{Gateway5xxPercent: 5, GatewayLatencyP99Milliseconds: 1000, ConsumerLagMessages: 100, RestartsPer15Minutes: 3, VolumeUsagePercent: 85}, LedgerBatchTimeoutSeconds: 300}
	without := monitoring.Alerts(p)
	p.Kafka = true
	with := monitoring.Alerts(p)
	if len(with) != len(without)+2 {
		t.Errorf("Kafka adds two alerts: %d, %d", len(with), len(without))
	}
	for _, a := range with {
		if a.Name == "" || a.Expr == "" || a.Severity == "" || a.Summary == "" || !strings.Contains(a.Expr, `namespace="prod"`) {
			t.Errorf("alert %+v", a)
		}
	}
	objs := testkit.Construct(t, func(scope constructs.Construct) { monitoring.NewRules(scope, "r", p) })
	rule := objs.Must(t, "PrometheusRule", "caracal-alerts")
	if rule.Str("spec.groups.0.name") != "caracal-gateway" || rule.Str("spec.groups.0.rules.0.labels.severity") != "critical" {
		t.Errorf("rule %v", rule["spec"])
	}
}

// A namespace stays inside its PromQL string literal: with the literal
// replaced by a plain one, every expression is the plain namespace's.
func TestRulesQuoteTheNamespace(t *testing.T) {
	plain := monitoring.RulesProps{Release: release, Thresholds: monitoring.Thresholds{Gateway5xxPercent: 5, GatewayLatencyP99Milliseconds: 1000, ConsumerLagMessages: 100, RestartsPer15Minutes: 3, VolumeUsagePercent: 85}, LedgerBatchTimeoutSeconds: 300, Kafka: true}
	want := monitoring.Alerts(plain)
	for _, ns := range []string{`a"} or vector(1) or {x="`, `back\slash`, "line\nbreak", "`raw`", "{{ $labels.pod }}"} {
		p := plain
		p.Release.Namespace = ns
		got := monitoring.Alerts(p)
		lit := kube.PromQLString(ns)
		for i, a := range got {
			if n := strings.Count(a.Expr, "namespace="+lit); n == 0 {
				t.Errorf("%q: %s has no matcher for the namespace: %s", ns, a.Name, a.Expr)
			}
			if back := strings.ReplaceAll(a.Expr, lit, `"prod"`); back != want[i].Expr {
				t.Errorf("%q: %s is\n%s\nnot, but for the literal,\n%s", ns, a.Name, a.Expr, want[i].Expr)
			}
		}
	}
}

// Grafana substitutes $variables in a dashboard and has no escape for
// them: a namespace that is not a DNS label is refused. A long one gets a
// uid Grafana accepts (at most 40 characters).
func TestDashboardRefusesWhatGrafanaWouldRead(t *testing.T) {
	for _, ns := range []string{"$__range", "a[[b]]", `x"} or {y="`} {
		r := release
		r.Namespace = ns
		testkit.MustPanic(t, "not a DNS label", func() { monitoring.DashboardJSON(r) })
	}
	r := release
	r.Namespace = strings.Repeat("n", 63)
	var d struct {
		UID string `json:"uid"`
	}
	if err := json.Unmarshal([]byte(monitoring.DashboardJSON(r)), &d); err != nil || len(d.UID) > 40 || !strings.HasPrefix(d.UID, "caracal-") {
		t.Errorf("uid %q (%v)", d.UID, err)
	}
	r.Namespace = strings.Repeat("m", 63)
	var other struct {
		UID string `json:"uid"`
	}
	if json.Unmarshal([]byte(monitoring.DashboardJSON(r)), &other); other.UID == d.UID {
		t.Error("two namespaces share a dashboard uid")
	}
}
