package compose_test

import (
	"encoding/json"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"caracal.dev/caracal-cdk8s/internal/compose"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"caracal.dev/caracal-cdk8s/internal/values"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// dummy is a component no part of the app knows: a process that reads a
// Secret of its own, talks to the database, takes traffic on 8080 and
// serves metrics.
type dummy struct {
	*workload.StatelessObjects
	report wiring.Report
}

func (d *dummy) Report() wiring.Report { return d.report }

func newDummy(scope constructs.Construct, w compose.Wiring) wiring.Reporter {
	token := kube.SecretKey{Name: "dummy-token", Key: "token"}
	objs := workload.NewStateless(scope, "dummy", w.Release, workload.Stateless{
		Name: "caracal-dummy", Component: "dummy",
		Image:    kube.Image{Repository: "example.com/dummy", Tag: "1.0.0", PullPolicy: "IfNotPresent"},
		Secrets:  map[string]kube.SecretKey{"TOKEN": token, "DB_PASSWORD": w.Endpoints.Database.Password},
		Ports:    []kube.Port{{Name: "http", Port: 8080}, {Name: kube.MetricsPort, Port: 9090}},
		Replicas: 1,
	})
	return &dummy{objs, wiring.Report{
		Component: "dummy",
		Flows: []wiring.Flow{
			w.Endpoints.Database.From("dummy"),
			{From: wiring.Anywhere, To: wiring.Pods("dummy"), Ports: []int{8080}},
		},
		Scrapes: []wiring.Scrape{wiring.MetricsScrape("dummy")},
		Secrets: objs.SecretsRead,
	}}
}

// build composes the values of sets with extra components.
func build(t *testing.T, sets []string, extra ...compose.Component) testkit.Objects {
	t.Helper()
	v, err := values.Parse(nil, sets)
	if err != nil {
		t.Fatal(err)
	}
	var objs testkit.Objects
	for _, c := range compose.Build(cdk8s.NewApp(nil), v, extra...) {
		raw, err := json.Marshal(c.Chart.ToJson())
		if err != nil {
			t.Fatal(err)
		}
		var list []testkit.Object
		if err := json.Unmarshal(raw, &list); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, list...)
	}
	return objs
}

// A component added in a composition of its own gets its NetworkPolicy
// (and a place in its server's), its ServiceMonitor and the ExternalSecret
// of the Secret it reads, from its report alone: nothing else names it.
func TestAComponentBringsItsPolicyMonitorAndSecrets(t *testing.T) {
	sets := []string{"monitoring.enabled=true", "secrets.mode=externalSecrets", "secrets.externalSecrets.storeRef.name=vault"}
	without := build(t, sets)
	with := build(t, sets, compose.Component{Chart: "dummy", New: newDummy})

	for _, o := range [][2]string{{"NetworkPolicy", "caracal-dummy"}, {"ServiceMonitor", "caracal-dummy"}, {"ExternalSecret", "dummy-token"}, {"Deployment", "caracal-dummy"}} {
		if _, ok := without.Find(o[0], o[1]); ok {
			t.Errorf("%s/%s without the component", o[0], o[1])
		}
		if _, ok := with.Find(o[0], o[1]); !ok {
			t.Errorf("no %s/%s with the component", o[0], o[1])
		}
	}
	if t.Failed() {
		return
	}

	policy := with.Must(t, "NetworkPolicy", "caracal-dummy")
	if policy.Str(`spec.podSelector.matchLabels."app.kubernetes.io/component"`) != "dummy" ||
		policy.Str(`spec.egress.0.to.0.podSelector.matchLabels."app.kubernetes.io/component"`) != "postgres" || policy.Int("spec.egress.0.ports.0.port") != 5432 ||
		policy.Has("spec.ingress.0.from") || policy.Int("spec.ingress.0.ports.0.port") != 8080 {
		t.Errorf("the dummy's policy: %v", policy["spec"])
	}
	// PostgreSQL's policy lets the dummy in, and only with it.
	from := func(objs testkit.Objects) bool {
		for _, rule := range objs.Must(t, "NetworkPolicy", "caracal-postgres").MustList(t, "spec.ingress") {
			if strings.Contains(testkit.Sprint(rule["from"]), "app.kubernetes.io/component:dummy") {
				return true
			}
		}
		return false
	}
	if !from(with) || from(without) {
		t.Errorf("PostgreSQL takes the dummy: %v with it, %v without", from(with), from(without))
	}

	monitor := with.Must(t, "ServiceMonitor", "caracal-dummy")
	if monitor.Str(`spec.selector.matchLabels."app.kubernetes.io/component"`) != "dummy" || monitor.Str("spec.endpoints.0.port") != "metrics" || monitor.Str("spec.endpoints.0.path") != "/metrics" {
		t.Errorf("the dummy's monitor: %v", monitor["spec"])
	}

	secret := with.Must(t, "ExternalSecret", "dummy-token")
	if data := secret.MustList(t, "spec.data"); len(data) != 1 || testkit.Sprint(data[0]) != "map[remoteRef:map[key:dummy-token property:token] secretKey:token]" {
		t.Errorf("the dummy's secret: %v", secret["spec"])
	}
	// The database password it reads too is synced once, with Caracal's.
	if n := len(with.OfKind("ExternalSecret")); n != len(without.OfKind("ExternalSecret"))+1 {
		t.Errorf("%d ExternalSecrets with the dummy, %d without", n, len(without.OfKind("ExternalSecret")))
	}
}

// TestExtraComponentsNeedARealApp: a plan is composed off the jsii
// goroutine, so a component that may make jsii objects of its own is
// refused there.
func TestExtraComponentsNeedARealApp(t *testing.T) {
	defer func() {
		if p := recover(); p == nil || !strings.Contains(p.(string), "need a real App") {
			t.Errorf("panicked with %v", p)
		}
	}()
	compose.Build(kube.NewPlan().App(), values.Defaults(), compose.Component{Chart: "dummy", New: newDummy})
}
