// Package postgres is a single-node PostgreSQL: a StatefulSet with one
// persistent volume and a Service, its password read from a Secret.
package postgres

import (
	"fmt"
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
	Component = "postgres"
	// DefaultName names the StatefulSet and the Service.
	DefaultName = "caracal-postgres"
	// Port is PostgreSQL's port, on the pod and on the Service.
	Port = 5432

	portName = "postgresql"
	dataDir  = "/var/lib/postgresql/data"
)

// Props configures a PostgreSQL. The zero value of a field without a
// Default is refused.
type Props struct {
	workload.Datastore
	// Name of the StatefulSet and the Service. Default: DefaultName.
	Name     string
	Database string
	Username string
	// Password is the Secret key holding the password of Username.
	Password kube.SecretKey
	// Exporter, when set, runs postgres_exporter beside the server, with
	// the Service <Name>-metrics for scraping. Default: none.
	Exporter *kube.Image
}

// ExporterPort is where postgres_exporter serves metrics.
const ExporterPort = 9187

// Postgres is the construct; Endpoint tells clients where it is.
type Postgres struct {
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
	r := kube.Refusals{Construct: "postgres"}
	p.Datastore.Check(&r, "Props")
	r.Empty("Props.Database", p.Database)
	r.Empty("Props.Username", p.Username)
	r.SecretKey("Props.Password", p.Password)
	if p.Exporter != nil {
		r.Image("Props.Exporter", *p.Exporter)
	}
	r.Check()
}

// NewPostgres adds a PostgreSQL to scope.
func NewPostgres(scope constructs.Construct, id string, props Props) *Postgres {
	props.check()
	r := props.Release
	p := &Postgres{props: props}
	port := kube.Port{Name: portName, Port: Port}
	var services kube.Batch
	services.Add(&p.HeadlessService, workload.HeadlessServiceObject("headless", r, props.Name+"-headless", Component, port))
	services.Add(&p.Service, workload.ServiceObject("service", r, workload.Service{Name: props.Name, Component: Component, Ports: []kube.Port{port}}))

	run := kube.Scratch{Name: "run", MountPath: "/var/run/postgresql", SizeLimit: "16Mi"}
	tmp := kube.Scratch{Name: "tmp", MountPath: "/tmp", SizeLimit: "256Mi"}
	// Parallel queries use /dev/shm; the runtime's default of 64Mi is too
	// small and memory-backed space counts against the memory limit anyway.
	shm := &k8s.Volume{Name: kube.Str("dshm"), EmptyDir: &k8s.EmptyDirVolumeSource{
		Medium: kube.Str("Memory"), SizeLimit: kube.Quantity("256Mi"),
	}}
	containers := []*k8s.Container{server(props, port, run, tmp)}
	if props.Exporter != nil {
		sidecar := workload.AddSidecarExporter(&services, &p.MetricsService, "metrics", r, props.Name, Component, exporter(props))
		containers = append(containers, sidecar)
	}
	p.Pod = workload.Pod{
		Containers:       containers,
		Volumes:          []*k8s.Volume{run.Volume(), tmp.Volume(), shm},
		ImagePullSecrets: props.ImagePullSecrets,
		PriorityClass:    props.PriorityClass,
		Extra:            props.Extra,
		// A clean shutdown writes a checkpoint; give it time.
		TerminationGracePeriodSeconds: 60,
	}
	workload.AddStatefulSet(&services, &p.StatefulSet, "statefulset", r, workload.StatefulSet{
		Name:        props.Name,
		Component:   Component,
		ServiceName: props.Name + "-headless",
		Replicas:    1,
		Storage:     props.Storage,
		Pod:         p.Pod,
	})
	// The construct and all it holds are made in one jsii call.
	p.Construct = services.MakeScope(scope, id)
	return p
}

// server is the PostgreSQL container.
func server(props Props, port kube.Port, run, tmp kube.Scratch) *k8s.Container {
	// pg_isready against the real database and user for readiness; the
	// server alone for liveness, more patiently, so a busy server is not
	// killed for being slow.
	// Both name the user: the pod's UID has no passwd entry to default to.
	ready := []string{"pg_isready", "--host=127.0.0.1", "--port=" + strconv.Itoa(Port), "--username=" + props.Username, "--dbname=" + kube.LibpqDatabase(props.Database)}
	alive := []string{"pg_isready", "--host=127.0.0.1", "--port=" + strconv.Itoa(Port), "--username=" + props.Username}
	return &k8s.Container{
		Name:            kube.Str("postgres"),
		Image:           kube.Str(props.Image.Ref()),
		ImagePullPolicy: kube.Str(props.Image.PullPolicy),
		Ports:           kube.ContainerPorts(port),
		Env: &[]*k8s.EnvVar{
			kube.Env("POSTGRES_DB", props.Database),
			kube.Env("POSTGRES_USER", props.Username),
			kube.EnvFromSecret("POSTGRES_PASSWORD", props.Password),
			// A subdirectory: the volume's root may hold lost+found.
			kube.Env("PGDATA", dataDir+"/pgdata"),
		},
		StartupProbe:    kube.ExecProbe(kube.Timing{Period: 10, Timeout: 5, FailureThreshold: 30}, alive...),
		ReadinessProbe:  kube.ExecProbe(kube.Timing{Period: 10, Timeout: 5, FailureThreshold: 3}, ready...),
		LivenessProbe:   kube.ExecProbe(kube.Timing{Period: 20, Timeout: 10, FailureThreshold: 6}, alive...),
		Resources:       props.Resources.Requirements(),
		SecurityContext: kube.ContainerSecurityContext(),
		VolumeMounts: &[]*k8s.VolumeMount{
			workload.DataMount(dataDir),
			run.Mount(), tmp.Mount(),
			{Name: kube.Str("dshm"), MountPath: kube.Str("/dev/shm")},
		},
	}
}

// exporter is postgres_exporter, reading the server over loopback.
func exporter(props Props) workload.Exporter {
	return workload.Exporter{
		Image: *props.Exporter, Port: ExporterPort,
		Env: map[string]string{
			// postgres_exporter prefixes postgresql://user:password@.
			"DATA_SOURCE_URI":  fmt.Sprintf("127.0.0.1:%d/%s?%s", Port, kube.URIPathSegment(props.Database), kube.URIQuery(map[string]string{"sslmode": "disable"})),
			"DATA_SOURCE_USER": props.Username,
		},
		Secrets: map[string]kube.SecretKey{"DATA_SOURCE_PASS": props.Password},
	}
}

// Endpoint tells clients where the database is and how to log in.
func (p *Postgres) Endpoint() wiring.DatabaseEndpoint {
	return wiring.DatabaseEndpoint{
		Peer: wiring.Pods(Component),
		Host: p.Host(), Port: Port, Name: p.props.Database, User: p.props.Username, Password: p.props.Password, SSLMode: "disable",
	}
}

// Host is the DNS name clients connect to.
func (p *Postgres) Host() string { return p.props.Release.ServiceHost(p.props.Name) }

// Report: PostgreSQL opens no flows (its clients report theirs); it is
// scraped when the exporter runs, and reads its password.
func (p *Postgres) Report() wiring.Report {
	out := wiring.Report{Component: Component, Secrets: p.Pod.SecretsRead()}
	if p.props.Exporter != nil { // the MetricsService's
		out.Scrapes = []wiring.Scrape{wiring.MetricsScrape(Component)}
	}
	return out
}
