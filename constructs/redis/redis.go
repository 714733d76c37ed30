// Package redis is a single-node Redis with append-only persistence on a
// persistent volume, protected by a password read from a Secret.
package redis

import (
	"strconv"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

const (
	// Component is the app.kubernetes.io/component label value.
	Component = "redis"
	// DefaultName names the StatefulSet and the Service.
	DefaultName = "caracal-redis"
	// Port is Redis's port, on the pod and on the Service.
	Port = 6379

	portName = "redis"
)

// Props configures a Redis. The zero value of a field without a Default
// is refused.
type Props struct {
	workload.Datastore
	// Name of the StatefulSet and the Service. Default: DefaultName.
	Name string
	// Password is the Secret key holding the requirepass password.
	Password kube.SecretKey
	// Exporter, when set, runs redis_exporter beside the server, with the
	// Service <Name>-metrics for scraping. Default: none.
	Exporter *kube.Image
}

// ExporterPort is where redis_exporter serves metrics.
const ExporterPort = 9121

// Redis is the construct; Endpoint tells clients where it is.
type Redis struct {
	constructs.Construct
	props           Props
	StatefulSet     cdk8s.ApiObject
	HeadlessService cdk8s.ApiObject // governs the StatefulSet
	Service         cdk8s.ApiObject // for clients
	MetricsService  cdk8s.ApiObject // with the exporter only
	// Pod is the pod the StatefulSet runs.
	Pod workload.Pod
}

// check applies the defaults and refuses what has none.
func (p *Props) check() {
	if p.Name == "" {
		p.Name = DefaultName
	}
	r := kube.Refusals{Construct: "redis"}
	p.Datastore.Check(&r, "Props")
	r.SecretKey("Props.Password", p.Password)
	if p.Exporter != nil {
		r.Image("Props.Exporter", *p.Exporter)
	}
	r.Check()
}

// startScript writes requirepass into a config file readable only by the
// server, so the password is neither in the manifest nor on the command
// line of the process. Every byte of the password is written as \xHH in
// the config's double-quoted string, so that no byte (a quote, a
// backslash, a line break) can end the string or the line.
const startScript = `set -eu
umask 077
password=$(printf '%s' "$REDIS_PASSWORD" | od -An -v -tx1 | tr -d ' \n' | sed -e 's/../\\x&/g')
printf 'requirepass "%s"\n' "$password" > /tmp/redis.conf
exec redis-server /tmp/redis.conf --port "$REDIS_PORT" --dir /data --appendonly yes
`

// NewRedis adds a Redis to scope.
func NewRedis(scope constructs.Construct, id string, props Props) *Redis {
	props.check()
	r := props.Release
	rd := &Redis{props: props}
	port := kube.Port{Name: portName, Port: Port}
	var services kube.Batch
	services.Add(&rd.HeadlessService, workload.HeadlessServiceObject("headless", r, props.Name+"-headless", Component, port))
	services.Add(&rd.Service, workload.ServiceObject("service", r, workload.Service{Name: props.Name, Component: Component, Ports: []kube.Port{port}}))

	tmp := kube.Scratch{Name: "tmp", MountPath: "/tmp", SizeLimit: "16Mi"}
	containers := []*k8s.Container{server(props, port, tmp)}
	if props.Exporter != nil {
		exporter := workload.Exporter{
			Image:   *props.Exporter,
			Port:    ExporterPort,
			Env:     map[string]string{"REDIS_ADDR": "redis://127.0.0.1:" + strconv.Itoa(Port)},
			Secrets: map[string]kube.SecretKey{"REDIS_PASSWORD": props.Password},
		}
		sidecar := workload.AddSidecarExporter(&services, &rd.MetricsService, "metrics", r, props.Name, Component, exporter)
		containers = append(containers, sidecar)
	}
	rd.Pod = workload.Pod{
		Containers:       containers,
		Volumes:          []*k8s.Volume{tmp.Volume()},
		ImagePullSecrets: props.ImagePullSecrets,
		PriorityClass:    props.PriorityClass,
		Extra:            props.Extra,
	}
	workload.AddStatefulSet(&services, &rd.StatefulSet, "statefulset", r, workload.StatefulSet{
		Name:        props.Name,
		Component:   Component,
		ServiceName: props.Name + "-headless",
		Replicas:    1,
		Storage:     props.Storage,
		Pod:         rd.Pod,
	})
	// The construct and all it holds are made in one jsii call.
	rd.Construct = services.MakeScope(scope, id)
	return rd
}

// server is the Redis container.
func server(props Props, port kube.Port, tmp kube.Scratch) *k8s.Container {
	return &k8s.Container{
		Name:            kube.Str("redis"),
		Image:           kube.Str(props.Image.Ref()),
		ImagePullPolicy: kube.Str(props.Image.PullPolicy),
		Command:         kube.Command("sh", "-c", startScript),
		Ports:           kube.ContainerPorts(port),
		Env: &[]*k8s.EnvVar{
			kube.EnvFromSecret("REDIS_PASSWORD", props.Password),
			// redis-cli reads the password from here, for the probe.
			kube.EnvFromSecret("REDISCLI_AUTH", props.Password),
			kube.Env("REDIS_PORT", strconv.Itoa(Port)),
		},
		// Ready when it answers an authenticated PING; alive while the
		// port accepts connections (a loading dataset answers LOADING).
		ReadinessProbe:  kube.ExecProbe(kube.Timing{Period: 10, Timeout: 5, FailureThreshold: 3}, "sh", "-c", `redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping | grep -qx PONG`),
		LivenessProbe:   kube.TCPProbe(kube.Timing{InitialDelay: 10, Period: 20, Timeout: 5, FailureThreshold: 6}, portName),
		Resources:       props.Resources.Requirements(),
		SecurityContext: kube.ContainerSecurityContext(),
		VolumeMounts: &[]*k8s.VolumeMount{
			workload.DataMount("/data"),
			tmp.Mount(),
		},
	}
}

// Endpoint tells clients where Redis is and how to log in.
func (r *Redis) Endpoint() wiring.RedisEndpoint {
	return wiring.RedisEndpoint{Peer: wiring.Pods(Component), Host: r.Host(), Port: Port, Password: r.props.Password}
}

// Host is the DNS name clients connect to.
func (r *Redis) Host() string { return r.props.Release.ServiceHost(r.props.Name) }

// Report: Redis opens no flows (its clients report theirs); it is scraped
// when the exporter runs, and reads its password.
func (r *Redis) Report() wiring.Report {
	out := wiring.Report{Component: Component, Secrets: r.Pod.SecretsRead()}
	if r.props.Exporter != nil { // the MetricsService's
		out.Scrapes = []wiring.Scrape{wiring.MetricsScrape(Component)}
	}
	return out
}
