// Package zookeeper is an Apache ZooKeeper ensemble, for Kafka brokers in
// ZooKeeper mode: clusters still migrating from Caracal v0.2, whose Kafka
// predates KRaft.
package zookeeper

import (
	"fmt"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
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

var (
	clientPort   = kube.Port{Name: "client", Port: ClientPort}
	peerPort     = kube.Port{Name: "peer", Port: PeerPort}
	electionPort = kube.Port{Name: "election", Port: ElectionPort}
)

// Props configure an ensemble.
type Props struct {
	workload.Datastore
	// Name of the StatefulSet and the client Service. Default: DefaultName.
	Name string
	// Replicas is the number of servers: required, odd (an even ensemble
	// tolerates no more failures than one server fewer).
	Replicas int
}

// ZooKeeper is the construct; Endpoint tells Kafka where it is.
type ZooKeeper struct {
	constructs.Construct
	props           Props
	HeadlessService cdk8s.ApiObject
	Service         cdk8s.ApiObject
	StatefulSet     cdk8s.ApiObject
	// PodDisruptionBudget lets a drain keep the ensemble's majority; nil
	// for a single server, which it would never let go.
	PodDisruptionBudget cdk8s.ApiObject
	secrets             []kube.SecretKey
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
	props = props.withDefaults()
	r := props.Release
	z := &ZooKeeper{props: props}
	var services kube.Batch
	services.Add(&z.HeadlessService, workload.HeadlessServiceObject("headless", r, z.headlessName(), Component, clientPort, peerPort, electionPort))
	services.Add(&z.Service, workload.ServiceObject("service", r, workload.Service{Name: props.Name, Component: Component, Ports: []kube.Port{clientPort}}))
	pod := z.pod()
	z.secrets = pod.SecretsRead()
	workload.AddStatefulSet(&services, &z.StatefulSet, "statefulset", r, workload.StatefulSet{
		Name:        props.Name,
		Component:   Component,
		ServiceName: z.headlessName(),
		Replicas:    props.Replicas,
		// The ensemble forms only when a majority runs.
		Parallel: true,
		Storage:  props.Storage,
		Pod:      pod,
	})
	if props.Replicas > 1 {
		// A drain keeps the ensemble's majority.
		services.Add(&z.PodDisruptionBudget, workload.PodDisruptionBudgetObject("pdb", r, props.Name, Component, (props.Replicas-1)/2))
	}
	// The construct and all it holds are made in one jsii call.
	z.Construct = services.MakeScope(scope, id)
	return z
}

// withDefaults fills in the defaults and refuses what has none.
func (p Props) withDefaults() Props {
	if p.Name == "" {
		p.Name = DefaultName
	}
	r := kube.Refusals{Construct: "zookeeper"}
	p.Datastore.Check(&r, "Props")
	if p.Replicas < 1 || p.Replicas%2 == 0 {
		r.Refuse("Props.Replicas is %d: an ensemble needs an odd number of servers", p.Replicas)
	}
	r.Check()
	return p
}

// pod is a server's pod: the data on the volume, scratch space for the
// configuration the entrypoint writes, the logs and /tmp.
func (z *ZooKeeper) pod() workload.Pod {
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
	return workload.Pod{
		Containers:       []*k8s.Container{z.container(mounts)},
		Volumes:          volumes,
		ImagePullSecrets: z.props.ImagePullSecrets,
		PriorityClass:    z.props.PriorityClass,
		Extra:            z.props.Extra,
		// No node may hold the ensemble's majority.
		Quorum: z.props.Replicas,
	}
}

func (z *ZooKeeper) container(mounts []*k8s.VolumeMount) *k8s.Container {
	p := z.props
	return &k8s.Container{
		Name:            kube.Str("zookeeper"),
		Image:           kube.Str(p.Image.Ref()),
		ImagePullPolicy: kube.Str(p.Image.PullPolicy),
		Command:         kube.Command("sh", "-c", startScript),
		Ports:           kube.ContainerPorts(clientPort, peerPort, electionPort),
		Env: &[]*k8s.EnvVar{
			kube.Env("ZOO_SERVERS", z.servers()),
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
		ReadinessProbe:  kube.TCPProbe(kube.Timing{Period: 10, Timeout: 5, FailureThreshold: 3}, clientPort.Name),
		LivenessProbe:   kube.TCPProbe(kube.Timing{InitialDelay: 30, Period: 20, Timeout: 5, FailureThreshold: 6}, electionPort.Name),
		Resources:       p.Resources.Requirements(),
		SecurityContext: kube.ContainerSecurityContext(),
		VolumeMounts:    &mounts,
	}
}

// servers is ZOO_SERVERS: the image's entrypoint writes each word as a
// line of zoo.cfg.
func (z *ZooKeeper) servers() string {
	servers := make([]string, z.props.Replicas)
	for i := range servers {
		servers[i] = kube.PropertiesWord(fmt.Sprintf("server.%d", i+1), fmt.Sprintf("%s:%d:%d;%d", z.podHost(i), PeerPort, ElectionPort, ClientPort))
	}
	return strings.Join(servers, " ")
}

func (z *ZooKeeper) headlessName() string { return z.props.Name + "-headless" }

func (z *ZooKeeper) podHost(i int) string {
	return fmt.Sprintf("%s-%d.%s", z.props.Name, i, z.props.Release.ServiceHost(z.headlessName()))
}

// Endpoint tells Kafka brokers in ZooKeeper mode where the ensemble is:
// zookeeper.connect lists every member.
func (z *ZooKeeper) Endpoint() wiring.ZooKeeperEndpoint {
	hosts := make([]string, z.props.Replicas)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("%s:%d", z.podHost(i), ClientPort)
	}
	return wiring.ZooKeeperEndpoint{Peer: wiring.Pods(Component), ConnectString: strings.Join(hosts, ","), Port: ClientPort}
}

// Report is what the ensemble needs: its members follow the leader and
// elect one on the peer and election ports.
func (z *ZooKeeper) Report() wiring.Report {
	return wiring.Report{
		Component: Component,
		Flows:     []wiring.Flow{{From: wiring.Pods(Component), To: wiring.Pods(Component), Ports: []int{PeerPort, ElectionPort}}},
		Secrets:   z.secrets,
	}
}
