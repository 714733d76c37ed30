package monitoring_test

import (
	"encoding/json"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/monitoring"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
)

var release = kube.Release{Name: "caracal", Namespace: "prod", Version: "0.3.0", ClusterDomain: "cluster.local"}

type metadata struct {
	Name, Namespace string
	Labels          map[string]string
}

func serviceMonitor() monitoring.ServiceMonitorProps {
	return monitoring.ServiceMonitorProps{
		Release: release, Name: "caracal-gateway", Component: "gateway", Port: "web-metrics", Path: "/internal/metrics",
		Interval: "15s", Labels: map[string]string{"release": "prom"},
	}
}

type endpoint struct {
	Port, Path string
	Interval   *string
}

type serviceMonitorSpec struct {
	APIVersion, Kind string
	Metadata         metadata
	Spec             struct {
		Selector          struct{ MatchLabels map[string]string }
		NamespaceSelector struct{ MatchNames []string }
		JobLabel          string
		Endpoints         []endpoint
	}
}

func TestServiceMonitor(t *testing.T) {
	var sm serviceMonitorSpec
	manifest.Decode(t, monitoring.NewServiceMonitor(manifest.Chart(), "sm", serviceMonitor()).ServiceMonitor, &sm)
	s := sm.Spec
	if sm.APIVersion != "monitoring.coreos.com/v1" || sm.Kind != "ServiceMonitor" || sm.Metadata.Name != "caracal-gateway" || sm.Metadata.Namespace != "prod" {
		t.Errorf("%s %s %s/%s", sm.APIVersion, sm.Kind, sm.Metadata.Namespace, sm.Metadata.Name)
	}
	if sm.Metadata.Labels["release"] != "prom" || sm.Metadata.Labels["app.kubernetes.io/component"] != "gateway" {
		t.Errorf("labels %v", sm.Metadata.Labels)
	}
	// The component's Services of this release, in its namespace only.
	if s.Selector.MatchLabels["app.kubernetes.io/component"] != "gateway" || s.Selector.MatchLabels["app.kubernetes.io/instance"] != "caracal" ||
		len(s.NamespaceSelector.MatchNames) != 1 || s.NamespaceSelector.MatchNames[0] != "prod" {
		t.Errorf("selects %v in %v", s.Selector.MatchLabels, s.NamespaceSelector.MatchNames)
	}
	if len(s.Endpoints) != 1 || s.Endpoints[0].Port != "web-metrics" || s.Endpoints[0].Path != "/internal/metrics" ||
		s.Endpoints[0].Interval == nil || *s.Endpoints[0].Interval != "15s" {
		t.Errorf("endpoints %+v", s.Endpoints)
	}
}

// Without an Interval, Prometheus's own scrape interval applies.
func TestServiceMonitorDefaultInterval(t *testing.T) {
	p := serviceMonitor()
	p.Interval = ""
	var sm serviceMonitorSpec
	manifest.Decode(t, monitoring.NewServiceMonitor(manifest.Chart(), "sm", p).ServiceMonitor, &sm)
	if e := sm.Spec.Endpoints; len(e) != 1 || e[0].Interval != nil {
		t.Errorf("endpoints %+v, want one without an interval", e)
	}
}

func TestServiceMonitorErrors(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		spoil      func(*monitoring.ServiceMonitorProps)
	}{
		{"no release name", "monitoring: ServiceMonitorProps.Release.Name is empty", func(p *monitoring.ServiceMonitorProps) { p.Release.Name = "" }},
		{"no namespace", "monitoring: ServiceMonitorProps.Release.Namespace is empty", func(p *monitoring.ServiceMonitorProps) { p.Release.Namespace = "" }},
		{"no name", "monitoring: ServiceMonitorProps.Name is empty", func(p *monitoring.ServiceMonitorProps) { p.Name = "" }},
		{"no component", "monitoring: ServiceMonitorProps.Component is empty", func(p *monitoring.ServiceMonitorProps) { p.Component = "" }},
		{"no port", "monitoring: ServiceMonitorProps.Port is empty", func(p *monitoring.ServiceMonitorProps) { p.Port = "" }},
		{"no path", `monitoring: ServiceMonitorProps.Path is "", not a path from /`, func(p *monitoring.ServiceMonitorProps) { p.Path = "" }},
		{"relative path", `ServiceMonitorProps.Path is "metrics"`, func(p *monitoring.ServiceMonitorProps) { p.Path = "metrics" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := serviceMonitor()
			tc.spoil(&p)
			manifest.MustPanic(t, tc.want, func() { monitoring.NewServiceMonitor(manifest.Chart(), "sm", p) })
		})
	}
}

// The dashboard is valid JSON Grafana can load: panels with Prometheus
// queries for the release's namespace.
func TestDashboard(t *testing.T) {
	var cm struct {
		Kind     string
		Metadata metadata
		Data     map[string]string
	}
	manifest.Decode(t, monitoring.NewDashboard(manifest.Chart(), "d", monitoring.DashboardProps{Release: release}).ConfigMap, &cm)
	if cm.Kind != "ConfigMap" || cm.Metadata.Name != "caracal-dashboard" || cm.Metadata.Namespace != "prod" {
		t.Errorf("%s %s/%s", cm.Kind, cm.Metadata.Namespace, cm.Metadata.Name)
	}
	if cm.Metadata.Labels["grafana_dashboard"] != "1" || cm.Metadata.Labels["app.kubernetes.io/component"] != monitoring.Component {
		t.Errorf(`Grafana's sidecar loads ConfigMaps labelled grafana_dashboard: "1": %v`, cm.Metadata.Labels)
	}
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
	if err := json.Unmarshal([]byte(cm.Data["caracal.json"]), &d); err != nil {
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

func TestDashboardErrors(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		release    kube.Release
	}{
		{"no release name", "monitoring: DashboardProps.Release.Name is empty", kube.Release{Namespace: "prod"}},
		{"no namespace", "monitoring: DashboardProps.Release.Namespace is empty", kube.Release{Name: "caracal"}},
		{"not a DNS label", "not a DNS label", kube.Release{Name: "caracal", Namespace: "$__range"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			manifest.MustPanic(t, tc.want, func() { monitoring.NewDashboard(manifest.Chart(), "d", monitoring.DashboardProps{Release: tc.release}) })
		})
	}
}

func rules() monitoring.RulesProps {
	return monitoring.RulesProps{
		Release:                   release,
		Thresholds:                monitoring.Thresholds{Gateway5xxPercent: 5, GatewayLatencyP99Milliseconds: 1000, ConsumerLagMessages: 100, RestartsPer15Minutes: 3, VolumeUsagePercent: 85},
		LedgerBatchTimeoutSeconds: 300,
		Gateway:                   true,
		LedgerWriter:              true,
	}
}

func TestRules(t *testing.T) {
	p := rules()
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
	var rule struct {
		Kind     string
		Metadata metadata
		Spec     struct {
			Groups []struct {
				Name  string
				Rules []struct {
					Alert, Expr string
					Labels      map[string]string
				}
			}
		}
	}
	manifest.Decode(t, monitoring.NewRules(manifest.Chart(), "r", p).PrometheusRule, &rule)
	if rule.Kind != "PrometheusRule" || rule.Metadata.Name != "caracal-alerts" || rule.Metadata.Namespace != "prod" {
		t.Errorf("%s %s/%s", rule.Kind, rule.Metadata.Namespace, rule.Metadata.Name)
	}
	n := 0
	for _, g := range rule.Spec.Groups {
		for _, r := range g.Rules {
			if a := with[n]; g.Name != a.Group || r.Alert != a.Name || r.Expr != a.Expr || r.Labels["severity"] != a.Severity {
				t.Errorf("rule %d is %s/%s, want %s/%s", n, g.Name, r.Alert, a.Group, a.Name)
			}
			n++
		}
	}
	if n != len(with) || rule.Spec.Groups[0].Name != "caracal-gateway" {
		t.Errorf("%d rules in %d groups, want the %d alerts grouped in order", n, len(rule.Spec.Groups), len(with))
	}
}

// A threshold at its zero value would make its alert fire at the first
// error, or always; the ledger's would be no time range at all.
func TestRulesErrors(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		spoil      func(*monitoring.RulesProps)
	}{
		{"no release name", "monitoring: RulesProps.Release.Name is empty", func(p *monitoring.RulesProps) { p.Release.Name = "" }},
		{"no namespace", "monitoring: RulesProps.Release.Namespace is empty", func(p *monitoring.RulesProps) { p.Release.Namespace = "" }},
		{"no 5xx rate", "monitoring: RulesProps.Gateway5xxPercent is 0, not a percentage from 1 to 100", func(p *monitoring.RulesProps) { p.Gateway5xxPercent = 0 }},
		{"5xx rate above 100", "RulesProps.Gateway5xxPercent is 101", func(p *monitoring.RulesProps) { p.Gateway5xxPercent = 101 }},
		{"no latency", "monitoring: RulesProps.GatewayLatencyP99Milliseconds is 0, not at least 1", func(p *monitoring.RulesProps) { p.GatewayLatencyP99Milliseconds = 0 }},
		{"no restarts", "RulesProps.RestartsPer15Minutes is 0", func(p *monitoring.RulesProps) { p.RestartsPer15Minutes = 0 }},
		{"no volume usage", "RulesProps.VolumeUsagePercent is 0", func(p *monitoring.RulesProps) { p.VolumeUsagePercent = 0 }},
		{"volume usage above 100", "RulesProps.VolumeUsagePercent is 150", func(p *monitoring.RulesProps) { p.VolumeUsagePercent = 150 }},
		{"no batch timeout", "RulesProps.LedgerBatchTimeoutSeconds is 0", func(p *monitoring.RulesProps) { p.LedgerBatchTimeoutSeconds = 0 }},
		{"no consumer lag with Kafka", "RulesProps.ConsumerLagMessages is 0", func(p *monitoring.RulesProps) { p.Kafka, p.ConsumerLagMessages = true, 0 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := rules()
			tc.spoil(&p)
			manifest.MustPanic(t, tc.want, func() { monitoring.NewRules(manifest.Chart(), "r", p) })
		})
	}
	// Without Kafka, the gateway or the ledger writer their thresholds are
	// read by no alert: they may stay 0.
	p := rules()
	p.Gateway, p.LedgerWriter = false, false
	p.ConsumerLagMessages, p.Gateway5xxPercent, p.GatewayLatencyP99Milliseconds, p.LedgerBatchTimeoutSeconds = 0, 0, 0, 0
	monitoring.NewRules(manifest.Chart(), "r", p)
}

// The alerts of a component are there only where it is scraped; the
// pods' alerts always are.
func TestRulesFollowTheComponents(t *testing.T) {
	names := func(p monitoring.RulesProps) string {
		var out []string
		for _, a := range monitoring.Alerts(p) {
			out = append(out, a.Name)
		}
		return strings.Join(out, " ")
	}
	p := rules()
	p.Gateway, p.LedgerWriter = false, false
	if got := names(p); got != "CaracalPodCrashLooping CaracalVolumeNearlyFull" {
		t.Errorf("no component: %s", got)
	}
	p.LedgerWriter = true
	if got := names(p); got != "CaracalLedgerWriterStalled CaracalPodCrashLooping CaracalVolumeNearlyFull" {
		t.Errorf("the ledger writer: %s", got)
	}
	p.LedgerWriter, p.Gateway = false, true
	if got := names(p); got != "CaracalGatewayErrorRateHigh CaracalGatewayLatencyHigh CaracalPodCrashLooping CaracalVolumeNearlyFull" {
		t.Errorf("the gateway: %s", got)
	}
}

// A namespace stays inside its PromQL string literal: with the literal
// replaced by a plain one, every expression is the plain namespace's.
func TestRulesQuoteTheNamespace(t *testing.T) {
	plain := rules()
	plain.Kafka = true
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
		manifest.MustPanic(t, "not a DNS label", func() { monitoring.DashboardJSON(r) })
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
