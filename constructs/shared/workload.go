package shared

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Workload describes a stateless Caracal process. NewWorkload turns it
// into a ServiceAccount, a ConfigMap with its settings, a Deployment, a
// PodDisruptionBudget when it can run more than one replica, and a
// HorizontalPodAutoscaler when it scales itself.
type Workload struct {
	Name      string
	Component string
	Image     Image
	// Command and Args are taken literally (see Command and Arg).
	Command []string
	Args    []Arg
	// Config holds the non-secret settings, as environment variables from
	// the ConfigMap <Name>-config; the pods roll when it changes. Without
	// settings there is no ConfigMap.
	Config map[string]string
	// Secrets are environment variables read from Secrets.
	Secrets map[string]SecretKey
	// Files mounts keys of Secrets as read-only files.
	Files []SecretFiles
	Ports []Port
	// Readiness and Liveness probes; they must differ.
	Readiness, Liveness *k8s.Probe
	Resources           Resources
	// Replicas applies when Autoscaling is nil.
	Replicas    int
	Autoscaling *Autoscaling
	// TerminationGracePeriodSeconds: time to finish in-flight work after
	// SIGTERM.
	TerminationGracePeriodSeconds int
	ImagePullSecrets              []string
}

// Autoscaling scales a Deployment on CPU.
type Autoscaling struct {
	MinReplicas, MaxReplicas, TargetCPUUtilizationPercentage int
}

// SecretFiles mounts some keys of a Secret as files in one directory.
type SecretFiles struct {
	Volume     string // volume name
	SecretName string
	MountPath  string
	Keys       []string
}

// Path is where a key of the Secret appears in the container.
func (s SecretFiles) Path(key string) string { return s.MountPath + "/" + key }

// volume mounts the keys read-only, readable by the pod's group only.
func (s SecretFiles) volume() (*k8s.Volume, *k8s.VolumeMount) {
	items := make([]*k8s.KeyToPath, len(s.Keys))
	for i, k := range s.Keys {
		items[i] = &k8s.KeyToPath{Key: Str(k), Path: Str(k)}
	}
	return &k8s.Volume{Name: Str(s.Volume), Secret: &k8s.SecretVolumeSource{SecretName: Str(s.SecretName), Items: &items, DefaultMode: Num(0o440)}},
		&k8s.VolumeMount{Name: Str(s.Volume), MountPath: Str(s.MountPath), ReadOnly: Bool(true)}
}

// WorkloadObjects are what NewWorkload made.
type WorkloadObjects struct {
	ServiceAccount      k8s.KubeServiceAccount
	ConfigMap           k8s.KubeConfigMap // nil without settings
	Deployment          k8s.KubeDeployment
	PodDisruptionBudget k8s.KubePodDisruptionBudget       // nil for a single replica
	Autoscaler          k8s.KubeHorizontalPodAutoscalerV2 // nil without autoscaling
}

// maxReplicas is the most replicas the workload can run.
func (w Workload) maxReplicas() int {
	if w.Autoscaling != nil {
		return w.Autoscaling.MaxReplicas
	}
	return w.Replicas
}

func (r Release) NewWorkload(scope constructs.Construct, id string, w Workload) *WorkloadObjects {
	c := constructs.NewConstruct(scope, Str(id))
	out := &WorkloadObjects{}
	out.ServiceAccount = r.NewServiceAccount(c, "service-account", w.Name, w.Component)
	configName := w.Name + "-config"
	var envFrom *[]*k8s.EnvFromSource
	var annotations map[string]string
	if len(w.Config) > 0 {
		out.ConfigMap = k8s.NewKubeConfigMap(c, Str("config"), &k8s.KubeConfigMapProps{
			Metadata: r.Meta(configName, w.Component),
			Data:     StrMap(w.Config),
		})
		envFrom = &[]*k8s.EnvFromSource{{ConfigMapRef: &k8s.ConfigMapEnvSource{Name: Str(configName)}}}
		annotations = map[string]string{"checksum/config": ConfigChecksum(w.Config)}
	}

	tmp := Scratch{Name: "tmp", MountPath: "/tmp", SizeLimit: "64Mi"}
	mounts := []*k8s.VolumeMount{tmp.Mount()}
	volumes := []*k8s.Volume{tmp.Volume()}
	for _, f := range w.Files {
		v, m := f.volume()
		volumes = append(volumes, v)
		mounts = append(mounts, m)
	}
	container := &k8s.Container{
		Name:            Str(w.Component),
		Image:           Str(w.Image.Ref()),
		ImagePullPolicy: Str(w.Image.PullPolicy),
		Command:         optCommand(w.Command),
		Args:            argList(w.Args),
		EnvFrom:         envFrom,
		Ports:           ContainerPorts(w.Ports...),
		ReadinessProbe:  w.Readiness,
		LivenessProbe:   w.Liveness,
		Resources:       w.Resources.Requirements(),
		Env:             envList(nil, w.Secrets),
		SecurityContext: ContainerSecurityContext(),
		VolumeMounts:    &mounts,
	}
	spec := &k8s.DeploymentSpec{
		Selector: r.Selector(w.Component),
		Template: r.PodTemplate(w.Component, Pod{
			ServiceAccount:                w.Name,
			Containers:                    []*k8s.Container{container},
			Volumes:                       volumes,
			ImagePullSecrets:              w.ImagePullSecrets,
			Annotations:                   annotations,
			TerminationGracePeriodSeconds: w.TerminationGracePeriodSeconds,
		}),
		// New pods must be ready before old ones go; never below the
		// desired count during a rollout.
		Strategy: &k8s.DeploymentStrategy{Type: Str("RollingUpdate"), RollingUpdate: &k8s.RollingUpdateDeployment{
			MaxUnavailable: IntOrNumber(0),
			MaxSurge:       IntOrString("25%"),
		}},
		RevisionHistoryLimit: Num(5),
	}
	// With an autoscaler the Deployment leaves replicas alone, so a sync
	// never resets what the autoscaler chose.
	if w.Autoscaling == nil {
		spec.Replicas = Num(w.Replicas)
	}
	out.Deployment = k8s.NewKubeDeployment(c, Str("deployment"), &k8s.KubeDeploymentProps{
		Metadata: r.Meta(w.Name, w.Component),
		Spec:     spec,
	})
	if w.maxReplicas() > 1 {
		out.PodDisruptionBudget = r.NewPodDisruptionBudget(c, "pdb", w.Name, w.Component, 1)
	}
	if a := w.Autoscaling; a != nil {
		out.Autoscaler = k8s.NewKubeHorizontalPodAutoscalerV2(c, Str("hpa"), &k8s.KubeHorizontalPodAutoscalerV2Props{
			Metadata: r.Meta(w.Name, w.Component),
			Spec: &k8s.HorizontalPodAutoscalerSpecV2{
				ScaleTargetRef: &k8s.CrossVersionObjectReferenceV2{ApiVersion: Str("apps/v1"), Kind: Str("Deployment"), Name: Str(w.Name)},
				MinReplicas:    Num(a.MinReplicas),
				MaxReplicas:    Num(a.MaxReplicas),
				Metrics: &[]*k8s.MetricSpecV2{{
					Type: Str("Resource"),
					Resource: &k8s.ResourceMetricSourceV2{Name: Str("cpu"), Target: &k8s.MetricTargetV2{
						Type: Str("Utilization"), AverageUtilization: Num(a.TargetCPUUtilizationPercentage),
					}},
				}},
			},
		})
	}
	return out
}

// HealthProbes are the probes of every Caracal process, on its metrics
// port: /readyz says it can take work, /livez that it is not stuck. The
// liveness probe is more patient, so a busy process is not restarted.
func HealthProbes(port string) (readiness, liveness *k8s.Probe) {
	return HTTPProbe(Timing{Period: 10, Timeout: 3, FailureThreshold: 3}, port, "/readyz"),
		HTTPProbe(Timing{InitialDelay: 10, Period: 20, Timeout: 5, FailureThreshold: 3}, port, "/livez")
}

// NewServices adds a workload's Service for its traffic (of the given
// type) and, beside it, <name>-metrics, a ClusterIP Service for scraping:
// a LoadBalancer never publishes metrics.
func (r Release) NewServices(scope constructs.Construct, name, component, typ string, traffic, metrics Port) (k8s.KubeService, k8s.KubeService) {
	return r.NewService(scope, "service", Service{Name: name, Component: component, Type: typ, Ports: []Port{traffic}}),
		r.NewService(scope, "metrics", Service{Name: name + "-metrics", Component: component, Ports: []Port{metrics}})
}

// HTTPProbe checks an HTTP path on a named port.
func HTTPProbe(t Timing, port, path string) *k8s.Probe {
	return t.apply(&k8s.Probe{HttpGet: &k8s.HttpGetAction{Port: IntOrString(port), Path: Str(path), Scheme: Str("HTTP")}})
}

// DatastoreConfig is the settings every Caracal process shares: where its
// datastores are and how to reach them, under the names the Caracal CLI
// reads (DB_HOST, ...).
func DatastoreConfig(e Endpoints) (config map[string]string, secrets map[string]SecretKey) {
	config = map[string]string{
		"DB_HOST":                 e.Database.Host,
		"DB_PORT":                 fmt.Sprint(e.Database.Port),
		"DB_NAME":                 e.Database.Name,
		"DB_USER":                 e.Database.User,
		"DB_SSLMODE":              e.Database.SSLMode,
		"REDIS_HOST":              e.Redis.Host,
		"REDIS_PORT":              fmt.Sprint(e.Redis.Port),
		"REDIS_TLS":               fmt.Sprint(e.Redis.TLS),
		"KAFKA_BOOTSTRAP_SERVERS": e.Kafka.BootstrapServers,
		"KAFKA_SECURITY_PROTOCOL": e.Kafka.SecurityProtocol(),
	}
	secrets = map[string]SecretKey{
		"DB_PASSWORD":    e.Database.Password,
		"REDIS_PASSWORD": e.Redis.Password,
	}
	if e.Kafka.SASLMechanism != "" {
		config["KAFKA_SASL_MECHANISM"] = e.Kafka.SASLMechanism
		for name, key := range KafkaSASLSecrets(e.Kafka) {
			secrets[name] = key
		}
	}
	return config, secrets
}

// KafkaSASLSecrets are the variables of the SASL credentials. The
// mechanism must be one Kafka knows: it also goes into a client
// properties file (written at run time) and picks the JAAS login module.
func KafkaSASLSecrets(k KafkaEndpoint) map[string]SecretKey {
	switch k.SASLMechanism {
	case "":
		return nil
	case "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512":
	default:
		panic(fmt.Sprintf("shared: the SASL mechanism %q is not PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", k.SASLMechanism))
	}
	return map[string]SecretKey{"KAFKA_SASL_USERNAME": k.SASLUsername, "KAFKA_SASL_PASSWORD": k.SASLPassword}
}

// optCommand is Command, or nil for an empty list (the field is left out).
func optCommand(words []string) *[]*string {
	if len(words) == 0 {
		return nil
	}
	return Command(words...)
}
