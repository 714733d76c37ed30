// Package postgres is a single-node PostgreSQL: a StatefulSet with one
// persistent volume and a Service, its password read from a Secret.
package postgres

import (
	"fmt"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"strconv"

	"caracal.dev/caracal-cdk8s/constructs/shared"
	"github.com/aws/constructs-go/constructs/v10"
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

// Props configures a PostgreSQL.
type Props struct {
	Release shared.Release
	// Name of the StatefulSet and the Service. Default: DefaultName.
	Name     string
	Image    shared.Image
	Database string
	Username string
	// Password is the Secret key holding the password of Username.
	Password         shared.SecretKey
	Storage          shared.Storage
	Resources        shared.Resources
	ImagePullSecrets []string
	// PriorityClass of the pods, e.g. one above the applications' so that
	// the datastores are placed first when a cluster is short ("": none).
	PriorityClass string
	// Exporter, when set, runs postgres_exporter beside the server, with
	// the Service <Name>-metrics for scraping.
	Exporter *shared.Image
}

// ExporterPort is where postgres_exporter serves metrics.
const ExporterPort = 9187

// Postgres is the construct; Endpoint tells clients where it is.
type Postgres struct {
	constructs.Construct
	props           Props
	StatefulSet     cdk8s.ApiObject
	HeadlessService k8s.KubeService // governs the StatefulSet
	Service         k8s.KubeService // for clients
	MetricsService  k8s.KubeService // with the exporter only
}

// NewPostgres adds a PostgreSQL to scope.
func NewPostgres(scope constructs.Construct, id string, props Props) *Postgres {
	if props.Name == "" {
		props.Name = DefaultName
	}
	c := constructs.NewConstruct(scope, shared.Str(id))
	r := props.Release
	p := &Postgres{Construct: c, props: props}
	port := shared.Port{Name: portName, Port: Port}
	p.HeadlessService = r.NewHeadlessService(c, "headless", props.Name+"-headless", Component, port)
	p.Service = r.NewService(c, "service", shared.Service{Name: props.Name, Component: Component, Ports: []shared.Port{port}})

	run := shared.Scratch{Name: "run", MountPath: "/var/run/postgresql", SizeLimit: "16Mi"}
	tmp := shared.Scratch{Name: "tmp", MountPath: "/tmp", SizeLimit: "256Mi"}
	// Parallel queries use /dev/shm; the runtime's default of 64Mi is too
	// small and memory-backed space counts against the memory limit anyway.
	shm := &k8s.Volume{Name: shared.Str("dshm"), EmptyDir: &k8s.EmptyDirVolumeSource{
		Medium: shared.Str("Memory"), SizeLimit: shared.Quantity("256Mi"),
	}}
	// pg_isready against the real database and user for readiness; the
	// server alone for liveness, more patiently, so a busy server is not
	// killed for being slow.
	// Both name the user: the pod's UID has no passwd entry to default to.
	ready := []string{"pg_isready", "--host=127.0.0.1", "--port=" + strconv.Itoa(Port), "--username=" + props.Username, "--dbname=" + shared.LibpqDatabase(props.Database)}
	alive := []string{"pg_isready", "--host=127.0.0.1", "--port=" + strconv.Itoa(Port), "--username=" + props.Username}
	container := &k8s.Container{
		Name:            shared.Str("postgres"),
		Image:           shared.Str(props.Image.Ref()),
		ImagePullPolicy: shared.Str(props.Image.PullPolicy),
		Ports:           shared.ContainerPorts(port),
		Env: &[]*k8s.EnvVar{
			shared.Env("POSTGRES_DB", props.Database),
			shared.Env("POSTGRES_USER", props.Username),
			shared.EnvFromSecret("POSTGRES_PASSWORD", props.Password),
			// A subdirectory: the volume's root may hold lost+found.
			shared.Env("PGDATA", dataDir+"/pgdata"),
		},
		StartupProbe:    shared.ExecProbe(shared.Timing{Period: 10, Timeout: 5, FailureThreshold: 30}, alive...),
		ReadinessProbe:  shared.ExecProbe(shared.Timing{Period: 10, Timeout: 5, FailureThreshold: 3}, ready...),
		LivenessProbe:   shared.ExecProbe(shared.Timing{Period: 20, Timeout: 10, FailureThreshold: 6}, alive...),
		Resources:       props.Resources.Requirements(),
		SecurityContext: shared.ContainerSecurityContext(),
		VolumeMounts: &[]*k8s.VolumeMount{
			shared.DataMount(dataDir),
			run.Mount(), tmp.Mount(),
			{Name: shared.Str("dshm"), MountPath: shared.Str("/dev/shm")},
		},
	}
	containers := []*k8s.Container{container}
	if props.Exporter != nil {
		exporter := shared.Exporter{
			Image: *props.Exporter, Port: ExporterPort,
			Env: map[string]string{
				// postgres_exporter prefixes postgresql://user:password@.
				"DATA_SOURCE_URI":  fmt.Sprintf("127.0.0.1:%d/%s?%s", Port, shared.URIPathSegment(props.Database), shared.URIQuery(map[string]string{"sslmode": "disable"})),
				"DATA_SOURCE_USER": props.Username,
			},
			Secrets: map[string]shared.SecretKey{"DATA_SOURCE_PASS": props.Password},
		}
		var sidecar *k8s.Container
		sidecar, p.MetricsService = r.NewSidecarExporter(c, "metrics", props.Name, Component, exporter)
		containers = append(containers, sidecar)
	}
	p.StatefulSet = r.NewStatefulSet(c, "statefulset", shared.StatefulSet{
		Name:        props.Name,
		Component:   Component,
		ServiceName: props.Name + "-headless",
		Replicas:    1,
		Storage:     props.Storage,
		Pod: shared.Pod{
			Containers:       containers,
			Volumes:          []*k8s.Volume{run.Volume(), tmp.Volume(), shm},
			ImagePullSecrets: props.ImagePullSecrets,
			PriorityClass:    props.PriorityClass,
			// A clean shutdown writes a checkpoint; give it time.
			TerminationGracePeriodSeconds: 60,
		},
	})
	return p
}

// Endpoint tells clients where the database is and how to log in.
func (p *Postgres) Endpoint() shared.DatabaseEndpoint {
	return shared.DatabaseEndpoint{Host: p.Host(), Port: Port, Name: p.props.Database, User: p.props.Username, Password: p.props.Password, SSLMode: "disable"}
}

// Host is the DNS name clients connect to.
func (p *Postgres) Host() string { return p.props.Release.ServiceHost(p.props.Name) }
