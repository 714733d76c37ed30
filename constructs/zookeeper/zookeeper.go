// Package zookeeper is an Apache ZooKeeper ensemble, for Kafka brokers in
// ZooKeeper mode: clusters still migrating from Caracal v0.2, whose Kafka
// predates KRaft.
package zookeeper

import (
	"fmt"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

const (
	// Component is the app.kubernetes.io/component label value.
	Component = "zookeeper"
	// DefaultName names the StatefulSet and the client Service; pods are
	// DefaultName-0, -1, ...
	DefaultName = "caracal-zookeeper"
	// Ports: clients, followers to the leader, leader election.
	ClientPort   = 2181
	PeerPort     = 2888
	ElectionPort = 3888
)

// Props configures an ensemble.
type Props struct {
	Release kube.Release
	// Name of the StatefulSet and the client Service. Default: DefaultName.
	Name             string
	Replicas         int
	Image            kube.Image
	Storage          kube.Storage
	Resources        kube.Resources
	ImagePullSecrets []string
	// PriorityClass of the pods, e.g. one above the applications' so that
	// the datastores are placed first when a cluster is short ("": none).
	PriorityClass string
}

// ZooKeeper is the construct; ConnectString tells Kafka where it is.
type ZooKeeper struct {
	constructs.Construct
	props               Props
	HeadlessService     k8s.KubeService
	Service             k8s.KubeService
	StatefulSet         cdk8s.ApiObject
	PodDisruptionBudget k8s.KubePodDisruptionBudget
}

// startScript gives each pod its server id from its ordinal, then runs the
// image's entrypoint, which writes the configuration from ZOO_* variables.
const startScript = `set -eu
export ZOO_MY_ID=$(( ${HOSTNAME##*-} + 1 ))
mkdir -p "$ZOO_DATA_DIR" "$ZOO_DATA_LOG_DIR"
exec /docker-entrypoint.sh zkServer.sh start-foreground
`

// NewZooKeeper adds an ensemble to scope.
func NewZooKeeper(scope constructs.Construct, id string, props Props) *ZooKeeper {
	if props.Name == "" {
		props.Name = DefaultName
	}
	c := constructs.NewConstruct(scope, kube.Str(id))
	r := props.Release
	z := &ZooKeeper{Construct: c, props: props}
	client := kube.Port{Name: "client", Port: ClientPort}
	peer := kube.Port{Name: "peer", Port: PeerPort}
	election := kube.Port{Name: "election", Port: ElectionPort}
	z.HeadlessService = workload.NewHeadlessService(c, "headless", r, z.headlessName(), Component, client, peer, election)
	z.Service = workload.NewService(c, "service", r, workload.Service{Name: props.Name, Component: Component, Ports: []kube.Port{client}})

	servers := make([]string, props.Replicas)
	for i := range servers {
		// The image's entrypoint writes each word of ZOO_SERVERS as a
		// line of zoo.cfg.
		servers[i] = kube.PropertiesWord(fmt.Sprintf("server.%d", i+1), fmt.Sprintf("%s:%d:%d;%d", z.podHost(i), PeerPort, ElectionPort, ClientPort))
	}
	scratch := []kube.Scratch{
		{Name: "conf", MountPath: "/conf", SizeLimit: "1Mi"},
		{Name: "logs", MountPath: "/logs", SizeLimit: "256Mi"},
		{Name: "tmp", MountPath: "/tmp", SizeLimit: "64Mi"},
	}
	mounts := []*k8s.VolumeMount{workload.DataMount("/data")}
	var volumes []*k8s.Volume
	for _, s := range scratch {
		mounts = append(mounts, s.Mount())
		volumes = append(volumes, s.Volume())
	}
	container := &k8s.Container{
		Name:            kube.Str("zookeeper"),
		Image:           kube.Str(props.Image.Ref()),
		ImagePullPolicy: kube.Str(props.Image.PullPolicy),
		Command:         kube.Command("sh", "-c", startScript),
		Ports:           kube.ContainerPorts(client, peer, election),
		Env: &[]*k8s.EnvVar{
			kube.Env("ZOO_SERVERS", strings.Join(servers, " ")),
			// Snapshots and the transaction log on the volume, in
			// subdirectories (its root may hold lost+found); old ones are
			// purged daily.
			kube.Env("ZOO_DATA_DIR", "/data/zookeeper"),
			kube.Env("ZOO_DATA_LOG_DIR", "/data/zookeeper-log"),
			kube.Env("ZOO_AUTOPURGE_PURGEINTERVAL", "24"),
			kube.Env("ZOO_AUTOPURGE_SNAPRETAINCOUNT", "3"),
			kube.Env("ZOO_STANDALONE_ENABLED", "false"),
			kube.Env("ZOO_4LW_COMMANDS_WHITELIST", "ruok,srvr"),
			kube.Env("JVMFLAGS", "-XX:MaxRAMPercentage=50.0"),
		},
		// Ready when it serves clients; alive while it takes part in
		// elections, which every member listens for.
		ReadinessProbe:  kube.TCPProbe(kube.Timing{Period: 10, Timeout: 5, FailureThreshold: 3}, client.Name),
		LivenessProbe:   kube.TCPProbe(kube.Timing{InitialDelay: 30, Period: 20, Timeout: 5, FailureThreshold: 6}, election.Name),
		Resources:       props.Resources.Requirements(),
		SecurityContext: kube.ContainerSecurityContext(),
		VolumeMounts:    &mounts,
	}
	z.StatefulSet = workload.NewStatefulSet(c, "statefulset", r, workload.StatefulSet{
		Name:        props.Name,
		Component:   Component,
		ServiceName: z.headlessName(),
		Replicas:    props.Replicas,
		// The ensemble forms only when a majority runs.
		Parallel: true,
		Storage:  props.Storage,
		Pod: workload.Pod{
			Containers:       []*k8s.Container{container},
			Volumes:          volumes,
			ImagePullSecrets: props.ImagePullSecrets,
			PriorityClass:    props.PriorityClass,
			// No node may hold the ensemble's majority.
			Quorum: props.Replicas,
		},
	})
	if props.Replicas > 1 {
		// A drain keeps the ensemble's majority.
		z.PodDisruptionBudget = workload.NewPodDisruptionBudget(c, "pdb", r, props.Name, Component, (props.Replicas-1)/2)
	}
	return z
}

func (z *ZooKeeper) headlessName() string { return z.props.Name + "-headless" }

func (z *ZooKeeper) podHost(i int) string {
	return fmt.Sprintf("%s-%d.%s", z.props.Name, i, z.props.Release.ServiceHost(z.headlessName()))
}

// ConnectString is Kafka's zookeeper.connect: every member.
func (z *ZooKeeper) ConnectString() string {
	hosts := make([]string, z.props.Replicas)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("%s:%d", z.podHost(i), ClientPort)
	}
	return strings.Join(hosts, ",")
}
