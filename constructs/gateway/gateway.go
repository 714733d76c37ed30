// Package gateway is Caracal's gateway proxy: a Deployment serving HTTPS,
// authenticating callers by JWT, mutual TLS or API key, behind a Service
// (a LoadBalancer by default) and an autoscaler.
package gateway

import (
	"cmp"
	"slices"
	"strconv"

	"caracal.dev/caracal-cdk8s/constructs/gateway/auth"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
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

	// DefaultHTTPSPort and DefaultMetricsPort are the ports of a zero
	// Props.
	DefaultHTTPSPort   = 8443
	DefaultMetricsPort = 9090

	tlsDir     = "/etc/caracal/tls"
	apiKeysDir = "/etc/caracal/api-keys"
)

// Props configures a gateway. The zero value of a field without a
// Default is refused.
type Props struct {
	workload.Process
	// Name of the Deployment and the Service. Default: DefaultName; the
	// metrics Service is <Name>-metrics.
	Name string
	// Service is how the public Service is reached: its type (default
	// ClusterIP) and its load balancer's settings.
	Service workload.Exposure
	// HTTPSPort serves callers. Default: DefaultHTTPSPort.
	HTTPSPort int
	// MetricsPort serves /metrics, /readyz and /livez. Default:
	// DefaultMetricsPort.
	MetricsPort int
	// AuthMode: AuthJWT (jwt_public.pem of TLSSecret), AuthMTLS (ca.crt of
	// TLSSecret, needs TLS) or AuthAPIKey (APIKeysKey of APIKeysSecret).
	AuthMode string
	// TLS serves HTTPS with server.crt and server.key of TLSSecret.
	// Default: off.
	TLS bool
	// TLSSecret is required when TLS is on or AuthMode reads it.
	TLSSecret string
	// APIKeysSecret is required with AuthAPIKey.
	APIKeysSecret string
}

// check applies the defaults and refuses what has none.
func (p *Props) check() {
	if p.Name == "" {
		p.Name = DefaultName
	}
	p.HTTPSPort = cmp.Or(p.HTTPSPort, DefaultHTTPSPort)
	p.MetricsPort = cmp.Or(p.MetricsPort, DefaultMetricsPort)
	r := kube.Refusals{Construct: "gateway"}
	p.Process.Check(&r, "Props")
	p.Service.Refuse(&r, "Props.Service")
	r.Port("Props.HTTPSPort", p.HTTPSPort)
	r.Port("Props.MetricsPort", p.MetricsPort)
	switch {
	case !slices.Contains(auth.Modes, p.AuthMode):
		r.Refuse("Props.AuthMode %q is none of %v", p.AuthMode, auth.Modes)
	case p.AuthMode == AuthMTLS && !p.TLS:
		r.Refuse("Props.AuthMode mtls needs TLS") // the values layer refuses this combination first
	}
	if len(TLSSecretKeys(p.TLS, p.AuthMode)) > 0 {
		r.Empty("Props.TLSSecret", p.TLSSecret)
	}
	if p.AuthMode == AuthAPIKey {
		r.Empty("Props.APIKeysSecret", p.APIKeysSecret)
	}
	r.Check()
}

// Gateway is the construct; Endpoint tells other workloads where it is.
type Gateway struct {
	constructs.Construct
	*workload.StatelessObjects
	props          Props
	Service        cdk8s.ApiObject // public: the HTTPS port only
	MetricsService cdk8s.ApiObject // in-cluster: the metrics port
}

// NewGateway adds a gateway to scope.
func NewGateway(scope constructs.Construct, id string, props Props) *Gateway {
	props.check()
	r := props.Release
	g := &Gateway{props: props}
	https := kube.Port{Name: "https", Port: props.HTTPSPort}
	metrics := kube.Port{Name: kube.MetricsPort, Port: props.MetricsPort}
	config, secrets := wiring.DatastoreConfig(props.Endpoints)
	files := authConfig(props, config)
	s := props.Stateless(props.Name, Component, []string{"caracal", "gateway", "serve"}, metrics, https)
	s.Config, s.Secrets, s.Files = config, secrets, files
	// In-flight requests finish before the pod stops.
	s.TerminationGracePeriodSeconds = 30
	// The construct and all it holds are made in one jsii call.
	var b kube.Batch
	g.StatelessObjects = workload.AddStateless(&b, "workload", r, s)
	workload.AddServices(&b, &g.Service, &g.MetricsService, r, props.Name, Component, props.Service, https, metrics)
	g.Construct = b.MakeScope(scope, id)
	return g
}

// authConfig adds the settings of the ports, TLS and the authentication
// mode to config, and returns the Secret files they name.
func authConfig(props Props, config map[string]string) []workload.SecretFiles {
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
	return files
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

// Endpoint tells other workloads where the gateway is.
func (g *Gateway) Endpoint() wiring.GatewayEndpoint {
	return wiring.GatewayEndpoint{Peer: wiring.Pods(Component), URL: g.URL(), Port: g.props.HTTPSPort}
}

// Report: the gateway reaches the datastores and takes calls from
// anywhere on its HTTPS port; it is scraped, and reads the datastore
// passwords, its TLS files, the API keys and any Kafka credentials.
func (g *Gateway) Report() wiring.Report {
	public := wiring.Flow{From: wiring.Anywhere, To: wiring.Pods(Component), Ports: []int{g.props.HTTPSPort}}
	return wiring.ProcessReport(Component, g.props.Endpoints, g.SecretsRead, public)
}
