package mcpadapter_test

import (
	"reflect"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/mcpadapter"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
	"github.com/aws/constructs-go/constructs/v10"
)

var gatewayEndpoint = wiring.GatewayEndpoint{Peer: wiring.Pods("gateway"), URL: "https://caracal-gateway.ns1.svc.cluster.local:8443", Port: 8443}

func props() mcpadapter.Props {
	return mcpadapter.Props{
		Process: workload.Process{
			Release: kube.Release{Name: "caracal", Namespace: "ns1", Version: "0.3.0", ClusterDomain: "cluster.local"},
			Image:   kube.Image{Repository: "ghcr.io/caracal/caracal-core", Tag: "0.3.0", PullPolicy: "Always"},
			Endpoints: wiring.Endpoints{
				Database: wiring.DatabaseEndpoint{Peer: wiring.Pods("postgres"), Host: "db", Port: 5432, Name: "caracal", User: "app", Password: kube.SecretKey{Name: "s", Key: "pg"}},
				Redis:    wiring.RedisEndpoint{Peer: wiring.Outside("redis"), Host: "redis", Port: 6380, Password: kube.SecretKey{Name: "s", Key: "redis"}},
				Kafka:    wiring.KafkaEndpoint{Peer: wiring.Pods("kafka"), BootstrapServers: "kafka:9092"},
			},
			Autoscaling: &workload.Autoscaling{MinReplicas: 2, MaxReplicas: 8, TargetCPUUtilizationPercentage: 70},
			Resources:   kube.Resources{Requests: kube.ResourceList{CPU: "1", Memory: "1Gi", EphemeralStorage: "1Gi"}, Limits: kube.ResourceList{CPU: "2", Memory: "2Gi", EphemeralStorage: "2Gi"}},
		},
		Gateway:     gatewayEndpoint,
		Service:     workload.Exposure{Type: "ClusterIP"},
		Port:        8080,
		MetricsPort: 9090,
	}
}

func build(t *testing.T, p mcpadapter.Props) (manifest.Objects, *mcpadapter.MCPAdapter) {
	var m *mcpadapter.MCPAdapter
	objs := manifest.Construct(t, func(scope constructs.Construct) { m = mcpadapter.NewMCPAdapter(scope, "mcp", p) })
	return objs, m
}

func TestMCPAdapterObjects(t *testing.T) {
	objs, m := build(t, props())
	want := "ServiceAccount/caracal-mcp-adapter, ConfigMap/caracal-mcp-adapter-config, Deployment/caracal-mcp-adapter, PodDisruptionBudget/caracal-mcp-adapter, HorizontalPodAutoscaler/caracal-mcp-adapter, Service/caracal-mcp-adapter, Service/caracal-mcp-adapter-metrics"
	if got := objs.Summary(); got != want {
		t.Fatalf("objects:\n%s\nwant:\n%s", got, want)
	}
	for _, o := range objs {
		for _, p := range manifest.LabelProblems(o) {
			t.Error(p)
		}
	}
	for _, p := range manifest.PodProblems(objs.PodSpecs()["Deployment/caracal-mcp-adapter"]) {
		t.Error(p)
	}
	hpa := objs.Must(t, "HorizontalPodAutoscaler", "caracal-mcp-adapter")
	if hpa.Int("spec.minReplicas") != 2 || hpa.Int("spec.maxReplicas") != 8 {
		t.Errorf("hpa %v", hpa["spec"])
	}
	if svc := objs.Must(t, "Service", "caracal-mcp-adapter"); svc.Int("spec.ports[http].port") != 8080 {
		t.Errorf("service %v", svc["spec"])
	}
	cfg := objs.Must(t, "ConfigMap", "caracal-mcp-adapter-config")
	if cfg.Str("data.CARACAL_GATEWAY_URL") != "https://caracal-gateway.ns1.svc.cluster.local:8443" || cfg.Str("data.CARACAL_LISTEN_PORT") != "8080" {
		t.Errorf("config %v", cfg["data"])
	}
	// The datastores in order, then the gateway's HTTPS port, then the
	// adapter's own port, open to anyone.
	report := wiring.Report{
		Component: "mcp-adapter",
		Flows: []wiring.Flow{
			{From: wiring.Pods("mcp-adapter"), To: wiring.Pods("postgres"), Ports: []int{5432}},
			{From: wiring.Pods("mcp-adapter"), To: wiring.Outside("redis"), Ports: []int{6380}},
			{From: wiring.Pods("mcp-adapter"), To: wiring.Pods("kafka"), Ports: []int{9092}},
			{From: wiring.Pods("mcp-adapter"), To: wiring.Pods("gateway"), Ports: []int{8443}},
			{From: wiring.Anywhere, To: wiring.Pods("mcp-adapter"), Ports: []int{8080}},
		},
		Scrapes: []wiring.Scrape{{Component: "mcp-adapter", Port: "metrics", Path: "/metrics"}},
		Secrets: []kube.SecretKey{{Name: "s", Key: "pg"}, {Name: "s", Key: "redis"}},
	}
	if got := m.Report(); !reflect.DeepEqual(got, report) {
		t.Errorf("report:\n%+v\nwant:\n%+v", got, report)
	}
}

// The ports, the replicas and the Service type are defaults.
func TestMCPAdapterMinimalProps(t *testing.T) {
	p := props()
	objs, m := build(t, mcpadapter.Props{
		Process: workload.Process{
			Release:   kube.Release{Name: "r", Namespace: "ns", ClusterDomain: "example.org"},
			Image:     kube.Image{Repository: "caracal", Tag: "1", PullPolicy: "IfNotPresent"},
			Endpoints: p.Endpoints,
		},
		Gateway: gatewayEndpoint,
	})
	want := "ServiceAccount/caracal-mcp-adapter, ConfigMap/caracal-mcp-adapter-config, Deployment/caracal-mcp-adapter, Service/caracal-mcp-adapter, Service/caracal-mcp-adapter-metrics"
	if got := objs.Summary(); got != want {
		t.Fatalf("objects:\n%s\nwant:\n%s", got, want)
	}
	if got := objs.Must(t, "ConfigMap", "caracal-mcp-adapter-config").Str("data.CARACAL_GATEWAY_URL"); got != gatewayEndpoint.URL {
		t.Errorf("gateway URL %q", got)
	}
	svc := objs.Must(t, "Service", "caracal-mcp-adapter")
	if svc.Str("spec.type") != "ClusterIP" || svc.Int("spec.ports[http].port") != mcpadapter.DefaultPort || objs.Must(t, "Deployment", "caracal-mcp-adapter").Int("spec.replicas") != 1 {
		t.Errorf("defaults: %v", svc["spec"])
	}
	flows := m.Report().Flows
	if len(flows) != 5 || !reflect.DeepEqual(flows[4], wiring.Flow{From: wiring.Anywhere, To: wiring.Pods("mcp-adapter"), Ports: []int{mcpadapter.DefaultPort}}) {
		t.Errorf("flows %+v", flows)
	}
}

// Zero values without a default are refused at construction, each with
// its field named.
func TestMCPAdapterErrors(t *testing.T) {
	for fragment, change := range map[string]func(*mcpadapter.Props){
		"mcp-adapter: Props.Release.Name is empty":       func(p *mcpadapter.Props) { p.Release.Name = "" },
		"Props.Release.ClusterDomain is empty":           func(p *mcpadapter.Props) { p.Release.ClusterDomain = "" },
		"Props.Image.Tag is empty":                       func(p *mcpadapter.Props) { p.Image.Tag = "" },
		"Props.Endpoints.Redis.Peer is empty":            func(p *mcpadapter.Props) { p.Endpoints.Redis.Peer = wiring.Peer{} },
		"Props.Endpoints.Database.Name is empty":         func(p *mcpadapter.Props) { p.Endpoints.Database.Name = "" },
		"Props.Port is 65536":                            func(p *mcpadapter.Props) { p.Port = 65536 },
		"Props.Replicas is -2, below 1":                  func(p *mcpadapter.Props) { p.Replicas = -2 },
		"Props.Autoscaling.MinReplicas is 0":             func(p *mcpadapter.Props) { p.Autoscaling.MinReplicas = 0 },
		"Props.Gateway.Peer is empty: say who serves it": func(p *mcpadapter.Props) { p.Gateway = wiring.GatewayEndpoint{} },
		"Props.Gateway.URL is empty": func(p *mcpadapter.Props) {
			p.Gateway = wiring.GatewayEndpoint{Peer: wiring.Pods("gateway"), Port: 8443}
		},
		"Props.Gateway.Port is 0":     func(p *mcpadapter.Props) { p.Gateway = wiring.GatewayEndpoint{Peer: wiring.Pods("gateway"), URL: "x"} },
		"Props.Gateway.Peer is empty": func(p *mcpadapter.Props) { p.Gateway = wiring.GatewayEndpoint{URL: "x", Port: 1} },
	} {
		p := props()
		change(&p)
		manifest.MustPanic(t, fragment, func() { build(t, p) })
	}
}
