package mcpadapter_test

import (
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/mcpadapter"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/constructs-go/constructs/v10"
)

func TestMCPAdapterObjects(t *testing.T) {
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		mcpadapter.NewMCPAdapter(scope, "mcp", mcpadapter.Props{
			Release:     kube.Release{Name: "caracal", Namespace: "ns1", Version: "0.3.0", ClusterDomain: "cluster.local"},
			Image:       kube.Image{Repository: "ghcr.io/caracal/caracal-core", Tag: "0.3.0", PullPolicy: "Always"},
			Endpoints:   wiring.Endpoints{Database: wiring.DatabaseEndpoint{Host: "db", Port: 5432, Password: kube.SecretKey{Name: "s", Key: "k"}}},
			GatewayURL:  "https://caracal-gateway.ns1.svc.cluster.local:8443",
			ServiceType: "ClusterIP",
			Port:        8080,
			MetricsPort: 9090,
			Autoscaling: &workload.Autoscaling{MinReplicas: 2, MaxReplicas: 8, TargetCPUUtilizationPercentage: 70},
			Resources:   kube.Resources{Requests: kube.ResourceList{CPU: "1", Memory: "1Gi", EphemeralStorage: "1Gi"}, Limits: kube.ResourceList{CPU: "2", Memory: "2Gi", EphemeralStorage: "2Gi"}},
		})
	})
	want := "ServiceAccount/caracal-mcp-adapter, ConfigMap/caracal-mcp-adapter-config, Deployment/caracal-mcp-adapter, PodDisruptionBudget/caracal-mcp-adapter, HorizontalPodAutoscaler/caracal-mcp-adapter, Service/caracal-mcp-adapter, Service/caracal-mcp-adapter-metrics"
	if got := objs.Summary(); got != want {
		t.Fatalf("objects:\n%s\nwant:\n%s", got, want)
	}
	for _, p := range testkit.PodProblems(objs.PodSpecs()["Deployment/caracal-mcp-adapter"]) {
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
}
