package gateway_test

import (
	"reflect"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/gateway"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
	"github.com/aws/constructs-go/constructs/v10"
)

var endpoints = wiring.Endpoints{
	Database: wiring.DatabaseEndpoint{Peer: wiring.Outside("database"), Host: "db.example", Port: 5432, Name: "caracal", User: "app", Password: kube.SecretKey{Name: "creds", Key: "pg"}},
	Redis:    wiring.RedisEndpoint{Peer: wiring.Pods("redis"), Host: "redis.example", Port: 6379, Password: kube.SecretKey{Name: "creds", Key: "redis"}},
	Kafka:    wiring.KafkaEndpoint{Peer: wiring.Pods("kafka"), BootstrapServers: "k1:9092,k2:9092"},
}

func props() gateway.Props {
	return gateway.Props{
		Process: workload.Process{
			Release:     kube.Release{Name: "caracal", Namespace: "ns1", Version: "0.3.0", ClusterDomain: "cluster.local"},
			Image:       kube.Image{Repository: "ghcr.io/caracal/caracal-core", Tag: "0.3.0", PullPolicy: "Always"},
			Endpoints:   endpoints,
			Replicas:    3,
			Autoscaling: &workload.Autoscaling{MinReplicas: 3, MaxReplicas: 10, TargetCPUUtilizationPercentage: 70},
			Resources:   kube.Resources{Requests: kube.ResourceList{CPU: "250m", Memory: "256Mi", EphemeralStorage: "64Mi"}, Limits: kube.ResourceList{CPU: "2", Memory: "1Gi", EphemeralStorage: "256Mi"}},
		},
		Service:       workload.Exposure{Type: "LoadBalancer"},
		HTTPSPort:     8443,
		MetricsPort:   9090,
		AuthMode:      gateway.AuthJWT,
		TLS:           true,
		TLSSecret:     "caracal-tls",
		APIKeysSecret: "caracal-api-keys",
	}
}

func build(t *testing.T, p gateway.Props) (manifest.Objects, *gateway.Gateway) {
	var g *gateway.Gateway
	objs := manifest.Construct(t, func(scope constructs.Construct) { g = gateway.NewGateway(scope, "gw", p) })
	return objs, g
}

func podSpec(t *testing.T, objs manifest.Objects) manifest.Object {
	t.Helper()
	return objs.PodSpecs()["Deployment/caracal-gateway"]
}

// secretItems lists the keys mounted from each Secret.
func secretItems(spec manifest.Object) map[string][]string {
	out := map[string][]string{}
	vols, _ := spec.Get("volumes")
	for _, v := range vols.([]any) {
		m := v.(map[string]any)
		s, ok := m["secret"].(map[string]any)
		if !ok {
			continue
		}
		for _, it := range s["items"].([]any) {
			out[s["secretName"].(string)] = append(out[s["secretName"].(string)], it.(map[string]any)["key"].(string))
		}
	}
	return out
}

func TestGatewayObjects(t *testing.T) {
	objs, _ := build(t, props())
	want := "ServiceAccount/caracal-gateway, ConfigMap/caracal-gateway-config, Deployment/caracal-gateway, PodDisruptionBudget/caracal-gateway, HorizontalPodAutoscaler/caracal-gateway, Service/caracal-gateway, Service/caracal-gateway-metrics"
	if got := objs.Summary(); got != want {
		t.Fatalf("objects:\n%s\nwant:\n%s", got, want)
	}
	for _, o := range objs {
		for _, p := range manifest.LabelProblems(o) {
			t.Error(p)
		}
	}
	svc := objs.Must(t, "Service", "caracal-gateway")
	if svc.Str("spec.type") != "LoadBalancer" || svc.Int("spec.ports[https].port") != 8443 || svc.Has("spec.ports[metrics]") {
		t.Errorf("the public Service serves HTTPS only: %v", svc["spec"])
	}
	metrics := objs.Must(t, "Service", "caracal-gateway-metrics")
	if metrics.Str("spec.type") != "ClusterIP" || metrics.Int("spec.ports[metrics].port") != 9090 {
		t.Errorf("metrics stay in the cluster: %v", metrics["spec"])
	}
}

// The pod reads the passwords from Secrets, the settings from its
// ConfigMap, and mounts only the TLS keys it reads, read-only.
func TestGatewayPod(t *testing.T) {
	objs, _ := build(t, props())
	spec := podSpec(t, objs)
	for _, p := range manifest.PodProblems(spec) {
		t.Error(p)
	}
	if spec.Str("serviceAccountName") != "caracal-gateway" {
		t.Error("the pods run as their own ServiceAccount")
	}
	if v, _ := objs.Must(t, "ServiceAccount", "caracal-gateway").Get("automountServiceAccountToken"); v != false {
		t.Error("the ServiceAccount mounts no token")
	}
	c := manifest.Containers(spec)["gateway"]
	env := manifest.Env(c)
	if env["DB_PASSWORD"].Str("valueFrom.secretKeyRef.key") != "pg" || env["REDIS_PASSWORD"].Str("valueFrom.secretKeyRef.name") != "creds" || env["DB_PASSWORD"].Has("value") {
		t.Errorf("passwords come from Secrets: %v", env)
	}
	if c.Str("envFrom.0.configMapRef.name") != "caracal-gateway-config" {
		t.Error("settings come from the ConfigMap")
	}
	cfg := objs.Must(t, "ConfigMap", "caracal-gateway-config")
	for k, want := range map[string]string{
		"DB_HOST": "db.example", "DB_PORT": "5432", "DB_NAME": "caracal", "DB_USER": "app",
		"REDIS_HOST": "redis.example", "KAFKA_BOOTSTRAP_SERVERS": "k1:9092,k2:9092",
		"CARACAL_LISTEN_PORT": "8443", "CARACAL_AUTH_MODE": "jwt", "CARACAL_TLS_ENABLED": "true",
		"CARACAL_JWT_PUBLIC_KEY_FILE": "/etc/caracal/tls/jwt_public.pem",
	} {
		if got := cfg.Str(`data.` + k); got != want {
			t.Errorf("config %s = %q, want %q", k, got, want)
		}
	}
	if got := secretItems(spec); !reflect.DeepEqual(got, map[string][]string{"caracal-tls": {"server.crt", "server.key", "jwt_public.pem"}}) {
		t.Errorf("mounted: %v", got)
	}
	if v, _ := c.Get("volumeMounts.1.readOnly"); v != true {
		t.Error("the TLS secret is mounted read-only")
	}
}

// The autoscaler owns the replica count.
func TestGatewayAutoscaling(t *testing.T) {
	objs, g := build(t, props())
	dep := objs.Must(t, "Deployment", "caracal-gateway")
	if dep.Has("spec.replicas") {
		t.Error("with an autoscaler the Deployment must not set replicas")
	}
	hpa := objs.Must(t, "HorizontalPodAutoscaler", "caracal-gateway")
	if hpa.Str("apiVersion") != "autoscaling/v2" || hpa.Int("spec.minReplicas") != 3 || hpa.Int("spec.maxReplicas") != 10 || hpa.Int("spec.metrics.0.resource.target.averageUtilization") != 70 || hpa.Str("spec.scaleTargetRef.name") != "caracal-gateway" {
		t.Errorf("hpa: %v", hpa["spec"])
	}
	if g.URL() != "https://caracal-gateway.ns1.svc.cluster.local:8443" {
		t.Error(g.URL())
	}
	if e := g.Endpoint(); e != (wiring.GatewayEndpoint{Peer: wiring.Pods("gateway"), URL: g.URL(), Port: 8443}) {
		t.Errorf("endpoint %+v", e)
	}
}

func TestGatewayReport(t *testing.T) {
	_, g := build(t, props())
	// The flows to the datastores in order, then the public HTTPS port;
	// the Secrets in the order the pod reads them: environment, then files.
	report := wiring.Report{
		Component: "gateway",
		Flows: []wiring.Flow{
			{From: wiring.Pods("gateway"), To: wiring.Outside("database"), Ports: []int{5432}},
			{From: wiring.Pods("gateway"), To: wiring.Pods("redis"), Ports: []int{6379}},
			{From: wiring.Pods("gateway"), To: wiring.Pods("kafka"), Ports: []int{9092}},
			{From: wiring.Anywhere, To: wiring.Pods("gateway"), Ports: []int{8443}},
		},
		Scrapes: []wiring.Scrape{{Component: "gateway", Port: "metrics", Path: "/metrics"}},
		Secrets: []kube.SecretKey{
			{Name: "creds", Key: "pg"}, {Name: "creds", Key: "redis"},
			{Name: "caracal-tls", Key: "server.crt"}, {Name: "caracal-tls", Key: "server.key"}, {Name: "caracal-tls", Key: "jwt_public.pem"},
		},
	}
	if got := g.Report(); !reflect.DeepEqual(got, report) {
		t.Errorf("report:\n%+v\nwant:\n%+v", got, report)
	}
}

// The API keys and Kafka's SASL credentials are Secrets the gateway reads
// too.
func TestGatewayReportsEverySecretItReads(t *testing.T) {
	p := props()
	p.AuthMode, p.TLS = gateway.AuthAPIKey, false
	p.Endpoints.Kafka.SASLMechanism = "PLAIN"
	p.Endpoints.Kafka.SASLUsername = kube.SecretKey{Name: "sasl", Key: "username"}
	p.Endpoints.Kafka.SASLPassword = kube.SecretKey{Name: "sasl", Key: "password"}
	_, g := build(t, p)
	want := []kube.SecretKey{
		{Name: "creds", Key: "pg"}, {Name: "sasl", Key: "password"}, {Name: "sasl", Key: "username"}, {Name: "creds", Key: "redis"},
		{Name: "caracal-api-keys", Key: "api_keys"},
	}
	if got := g.Report().Secrets; !reflect.DeepEqual(got, want) {
		t.Errorf("secrets %v, want %v", got, want)
	}
}

// The minimal props: the ports, the replicas and the Service type are
// defaults.
func TestGatewayMinimalProps(t *testing.T) {
	objs, g := build(t, gateway.Props{
		Process: workload.Process{
			Release:   kube.Release{Name: "r", Namespace: "ns", ClusterDomain: "example.org"},
			Image:     kube.Image{Repository: "caracal", Tag: "1", PullPolicy: "IfNotPresent"},
			Endpoints: endpoints,
		},
		AuthMode:      gateway.AuthAPIKey,
		APIKeysSecret: "keys",
	})
	want := "ServiceAccount/caracal-gateway, ConfigMap/caracal-gateway-config, Deployment/caracal-gateway, Service/caracal-gateway, Service/caracal-gateway-metrics"
	if got := objs.Summary(); got != want {
		t.Fatalf("objects:\n%s\nwant:\n%s", got, want)
	}
	svc := objs.Must(t, "Service", "caracal-gateway")
	if svc.Str("spec.type") != "ClusterIP" || svc.Int("spec.ports[https].port") != gateway.DefaultHTTPSPort {
		t.Errorf("service %v", svc["spec"])
	}
	if objs.Must(t, "Service", "caracal-gateway-metrics").Int("spec.ports[metrics].port") != gateway.DefaultMetricsPort {
		t.Error("metrics port")
	}
	if objs.Must(t, "Deployment", "caracal-gateway").Int("spec.replicas") != 1 {
		t.Error("one replica by default")
	}
	if g.URL() != "http://caracal-gateway.ns.svc.example.org:8443" {
		t.Error(g.URL())
	}
}

func TestGatewayAuthModesMountWhatTheyNeed(t *testing.T) {
	for _, tc := range []struct {
		mode   string
		tls    bool
		mounts map[string][]string
		config string
	}{
		{gateway.AuthMTLS, true, map[string][]string{"caracal-tls": {"server.crt", "server.key", "ca.crt"}}, "CARACAL_MTLS_CA_FILE"},
		{gateway.AuthAPIKey, true, map[string][]string{"caracal-tls": {"server.crt", "server.key"}, "caracal-api-keys": {"api_keys"}}, "CARACAL_API_KEYS_FILE"},
		{gateway.AuthJWT, false, map[string][]string{"caracal-tls": {"jwt_public.pem"}}, "CARACAL_JWT_PUBLIC_KEY_FILE"},
		{gateway.AuthAPIKey, false, map[string][]string{"caracal-api-keys": {"api_keys"}}, "CARACAL_API_KEYS_FILE"},
	} {
		p := props()
		p.AuthMode, p.TLS = tc.mode, tc.tls
		objs, g := build(t, p)
		spec := podSpec(t, objs)
		if got := secretItems(spec); !reflect.DeepEqual(got, tc.mounts) {
			t.Errorf("%s, tls %v: mounted %v, want %v", tc.mode, tc.tls, got, tc.mounts)
		}
		cfg := objs.Must(t, "ConfigMap", "caracal-gateway-config")
		if cfg.Str("data."+tc.config) == "" || cfg.Str("data.CARACAL_AUTH_MODE") != tc.mode {
			t.Errorf("%s: config %v", tc.mode, cfg["data"])
		}
		if !tc.tls && (cfg.Has("data.CARACAL_TLS_CERT_FILE") || g.URL() != "http://caracal-gateway.ns1.svc.cluster.local:8443") {
			t.Errorf("%s without TLS: %v %s", tc.mode, cfg["data"], g.URL())
		}
	}
}

func TestGatewayWithoutAutoscaling(t *testing.T) {
	p := props()
	p.Autoscaling, p.Replicas = nil, 4
	objs, _ := build(t, p)
	if objs.Must(t, "Deployment", "caracal-gateway").Int("spec.replicas") != 4 {
		t.Error("replicas follow Replicas without an autoscaler")
	}
	if _, ok := objs.Find("HorizontalPodAutoscaler", "caracal-gateway"); ok {
		t.Error("no autoscaler")
	}
	p.Replicas = 1
	objs, _ = build(t, p)
	if _, ok := objs.Find("PodDisruptionBudget", "caracal-gateway"); ok {
		t.Error("a single replica gets no disruption budget: it would block every drain")
	}
}

// A change of settings rolls the pods.
func TestGatewayChecksumFollowsConfig(t *testing.T) {
	sum := func(p gateway.Props) string {
		objs, _ := build(t, p)
		return objs.Must(t, "Deployment", "caracal-gateway").Str(`spec.template.metadata.annotations."checksum/config"`)
	}
	a := props()
	b := props()
	b.AuthMode = gateway.AuthAPIKey
	if sum(a) == "" || sum(a) == sum(b) || sum(a) != sum(props()) {
		t.Error("the checksum must follow the settings, and only them")
	}
}

// Zero values without a default are refused at construction, each with
// its field named; mtls checks client certificates against ca.crt, which
// only TLS mounts.
func TestGatewayErrors(t *testing.T) {
	for fragment, change := range map[string]func(*gateway.Props){
		"gateway: Props.Release.Name is empty":      func(p *gateway.Props) { p.Release.Name = "" },
		"Props.Release.Namespace is empty":          func(p *gateway.Props) { p.Release.Namespace = "" },
		"Props.Image.Repository is empty":           func(p *gateway.Props) { p.Image.Repository = "" },
		"Props.Image.Tag is empty":                  func(p *gateway.Props) { p.Image.Tag = "" },
		"Props.Endpoints.Database.Peer is empty":    func(p *gateway.Props) { p.Endpoints.Database.Peer = wiring.Peer{} },
		"Props.Endpoints.Database.Host is empty":    func(p *gateway.Props) { p.Endpoints.Database.Host = "" },
		"Props.Endpoints.Redis.Port is 0":           func(p *gateway.Props) { p.Endpoints.Redis.Port = 0 },
		"Props.Endpoints.Kafka.BootstrapServers is": func(p *gateway.Props) { p.Endpoints.Kafka.BootstrapServers = "" },
		"Props.HTTPSPort is 70000":                  func(p *gateway.Props) { p.HTTPSPort = 70000 },
		"Props.Service: LoadBalancerSourceRanges and LoadBalancerClass need Type LoadBalancer, not NodePort": func(p *gateway.Props) {
			p.Service = workload.Exposure{Type: "NodePort", LoadBalancerClass: "example.com/lb"}
		},
		"Props.Service.ExternalTrafficPolicy needs Type NodePort or LoadBalancer": func(p *gateway.Props) {
			p.Service = workload.Exposure{ExternalTrafficPolicy: "Local"}
		},
		`Props.Service.ExternalTrafficPolicy "local" is not Cluster or Local`: func(p *gateway.Props) { p.Service.ExternalTrafficPolicy = "local" },
		"Props.MetricsPort is -1":            func(p *gateway.Props) { p.MetricsPort = -1 },
		"Props.Replicas is -1, below 1":      func(p *gateway.Props) { p.Autoscaling, p.Replicas = nil, -1 },
		"Props.Autoscaling.MaxReplicas is 2": func(p *gateway.Props) { p.Autoscaling.MaxReplicas = 2 },
		`Props.AuthMode "" is none of`:       func(p *gateway.Props) { p.AuthMode = "" },
		"Props.AuthMode mtls needs TLS":      func(p *gateway.Props) { p.AuthMode, p.TLS = gateway.AuthMTLS, false },
		"Props.TLSSecret is empty":           func(p *gateway.Props) { p.TLSSecret = "" },
		"Props.APIKeysSecret is empty":       func(p *gateway.Props) { p.AuthMode, p.APIKeysSecret = gateway.AuthAPIKey, "" },
	} {
		p := props()
		change(&p)
		manifest.MustPanic(t, fragment, func() { build(t, p) })
	}
}

// The public Service carries its load balancer's settings; the metrics
// Service none of them.
func TestGatewayServiceExposure(t *testing.T) {
	p := props()
	p.Service = workload.Exposure{
		Type:                     "LoadBalancer",
		Annotations:              map[string]string{"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"},
		LoadBalancerSourceRanges: []string{"10.0.0.0/8"},
		LoadBalancerClass:        "service.k8s.aws/nlb",
		ExternalTrafficPolicy:    "Local",
	}
	objs, _ := build(t, p)
	svc := objs.Must(t, "Service", "caracal-gateway")
	if svc.Str(`metadata.annotations."service.beta.kubernetes.io/aws-load-balancer-scheme"`) != "internal" ||
		svc.Str("spec.loadBalancerSourceRanges.0") != "10.0.0.0/8" || svc.Str("spec.loadBalancerClass") != "service.k8s.aws/nlb" || svc.Str("spec.externalTrafficPolicy") != "Local" {
		t.Errorf("public Service %v", svc)
	}
	metrics := objs.Must(t, "Service", "caracal-gateway-metrics")
	if metrics.Str("spec.type") != "ClusterIP" || metrics.Has("metadata.annotations") && metrics.Has(`metadata.annotations."service.beta.kubernetes.io/aws-load-balancer-scheme"`) || metrics.Has("spec.loadBalancerClass") {
		t.Errorf("metrics Service %v", metrics)
	}
}
