// Package gateway is Caracal's gateway proxy: a Deployment serving HTTPS,
// authenticating callers by JWT, mutual TLS or API key, behind a Service
// (a LoadBalancer by default) and an autoscaler.
package gateway

import (
	"strconv"

	"caracal.dev/caracal-cdk8s/constructs/gateway/auth"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

const (
	// Component is the app.kubernetes.io/component label value.
	Component = "gateway"
	// DefaultName names the Deployment and its Service.
	DefaultName = "caracal-gateway"

	// Authentication modes (see package auth).
	AuthJWT    = auth.JWT
	AuthMTLS   = auth.MTLS
	AuthAPIKey = auth.APIKey

	// Keys of the TLS secret, as the chart README creates it.
	TLSCertKey      = "server.crt"
	TLSKeyKey       = "server.key"
	TLSCAKey        = "ca.crt"
	JWTPublicKeyKey = "jwt_public.pem"
	// APIKeysKey is the key of the API keys secret.
	APIKeysKey = "api_keys"

	tlsDir     = "/etc/caracal/tls"
	apiKeysDir = "/etc/caracal/api-keys"
)

// Props configures a gateway.
type Props struct {
	Release kube.Release
	// Name of the Deployment and the Service. Default: DefaultName; the
	// metrics Service is <Name>-metrics.
	Name      string
	Image     kube.Image
	Endpoints wiring.Endpoints
	// ServiceType of the public Service: ClusterIP, NodePort or LoadBalancer.
	ServiceType string
	HTTPSPort   int
	MetricsPort int
	// AuthMode: AuthJWT (jwt_public.pem of TLSSecret), AuthMTLS (ca.crt of
	// TLSSecret, needs TLS) or AuthAPIKey (APIKeysKey of APIKeysSecret).
	AuthMode      string
	TLS           bool
	TLSSecret     string
	APIKeysSecret string
	// Replicas applies without Autoscaling.
	Replicas         int
	Autoscaling      *workload.Autoscaling
	Resources        kube.Resources
	ImagePullSecrets []string
}

// Gateway is the construct; URL tells other workloads where it is.
type Gateway struct {
	constructs.Construct
	*workload.StatelessObjects
	props          Props
	Service        k8s.KubeService // public: the HTTPS port only
	MetricsService k8s.KubeService // in-cluster: the metrics port
}

// NewGateway adds a gateway to scope.
func NewGateway(scope constructs.Construct, id string, props Props) *Gateway {
	if props.Name == "" {
		props.Name = DefaultName
	}
	if props.AuthMode == AuthMTLS && !props.TLS {
		panic("gateway: mtls needs TLS") // the values layer refuses this combination first
	}
	c := constructs.NewConstruct(scope, kube.Str(id))
	r := props.Release
	g := &Gateway{Construct: c, props: props}
	https := kube.Port{Name: "https", Port: props.HTTPSPort}
	metrics := kube.Port{Name: workload.MetricsPort, Port: props.MetricsPort}

	config, secrets := wiring.DatastoreConfig(props.Endpoints)
	config["CARACAL_LISTEN_PORT"] = strconv.Itoa(props.HTTPSPort)
	config["CARACAL_METRICS_PORT"] = strconv.Itoa(props.MetricsPort)
	config["CARACAL_AUTH_MODE"] = props.AuthMode
	config["CARACAL_TLS_ENABLED"] = strconv.FormatBool(props.TLS)
	var files []workload.SecretFiles
	tls := workload.SecretFiles{Volume: "tls", SecretName: props.TLSSecret, MountPath: tlsDir, Keys: TLSSecretKeys(props.TLS, props.AuthMode)}
	if props.TLS {
		config["CARACAL_TLS_CERT_FILE"] = tls.Path(TLSCertKey)
		config["CARACAL_TLS_KEY_FILE"] = tls.Path(TLSKeyKey)
	}
	switch props.AuthMode {
	case AuthJWT:
		config["CARACAL_JWT_PUBLIC_KEY_FILE"] = tls.Path(JWTPublicKeyKey)
	case AuthMTLS:
		config["CARACAL_MTLS_CA_FILE"] = tls.Path(TLSCAKey)
	case AuthAPIKey:
		keys := workload.SecretFiles{Volume: "api-keys", SecretName: props.APIKeysSecret, MountPath: apiKeysDir, Keys: []string{APIKeysKey}}
		files = append(files, keys)
		config["CARACAL_API_KEYS_FILE"] = keys.Path(APIKeysKey)
	}
	if len(tls.Keys) > 0 {
		files = append(files, tls)
	}

	ready, live := workload.HealthProbes(metrics.Name)
	g.StatelessObjects = workload.NewStateless(c, "workload", r, workload.Stateless{
		Name:             props.Name,
		Component:        Component,
		Image:            props.Image,
		Command:          []string{"caracal", "gateway", "serve"},
		Config:           config,
		Secrets:          secrets,
		Files:            files,
		Ports:            []kube.Port{https, metrics},
		Readiness:        ready,
		Liveness:         live,
		Resources:        props.Resources,
		Replicas:         props.Replicas,
		Autoscaling:      props.Autoscaling,
		ImagePullSecrets: props.ImagePullSecrets,
		// In-flight requests finish before the pod stops.
		TerminationGracePeriodSeconds: 30,
	})
	g.Service, g.MetricsService = workload.NewServices(r, c, props.Name, Component, props.ServiceType, https, metrics)
	return g
}

// TLSSecretKeys are the keys of the TLS secret a gateway reads, and the
// only ones it mounts: a key missing from the Secret would keep the pod
// from starting.
func TLSSecretKeys(tls bool, authMode string) []string {
	var keys []string
	if tls {
		keys = append(keys, TLSCertKey, TLSKeyKey)
	}
	switch authMode {
	case AuthJWT:
		keys = append(keys, JWTPublicKeyKey)
	case AuthMTLS:
		keys = append(keys, TLSCAKey)
	}
	return keys
}

// URL is the gateway's address inside the cluster.
func (g *Gateway) URL() string {
	scheme := "http"
	if g.props.TLS {
		scheme = "https"
	}
	return kube.URL(scheme, g.props.Release.ServiceHost(g.props.Name), g.props.HTTPSPort)
}
