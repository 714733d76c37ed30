package workload

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Stateless describes a stateless Caracal process. NewStateless turns it
// into a ServiceAccount, a ConfigMap with its settings, a Deployment, a
// PodDisruptionBudget when it can run more than one replica, and a
// HorizontalPodAutoscaler when it scales itself.
type Stateless struct {
	Name      string
	Component string
	Image     kube.Image
	// Command and Args are taken literally (see Command and Arg).
	Command []string
	Args    []kube.Arg
	// CommandOverride and ArgsOverride, when set, replace Command and Args
	// as written: Kubernetes expands $(VAR) in them.
	CommandOverride, ArgsOverride []string
	// Config holds the non-secret settings, as environment variables from
	// the ConfigMap <Name>-config; the pods roll when it changes. Without
	// settings there is no ConfigMap.
	Config map[string]string
	// Secrets are environment variables read from Secrets.
	Secrets map[string]kube.SecretKey
	// Files mounts keys of Secrets as read-only files.
	Files []SecretFiles
	Ports []kube.Port
	// Readiness and Liveness probes; they must differ.
	Readiness, Liveness *k8s.Probe
	Resources           kube.Resources
	// Replicas applies when Autoscaling is nil.
	Replicas    int
	Autoscaling *Autoscaling
	// TerminationGracePeriodSeconds: time to finish in-flight work after
	// SIGTERM.
	TerminationGracePeriodSeconds int
	ImagePullSecrets              []string
	// Extra is what the user adds to the pods.
	Extra Extra
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
		items[i] = &k8s.KeyToPath{Key: kube.Str(k), Path: kube.Str(k)}
	}
	return &k8s.Volume{Name: kube.Str(s.Volume), Secret: &k8s.SecretVolumeSource{SecretName: kube.Str(s.SecretName), Items: &items, DefaultMode: kube.Num(0o440)}},
		&k8s.VolumeMount{Name: kube.Str(s.Volume), MountPath: kube.Str(s.MountPath), ReadOnly: kube.Bool(true)}
}

// StatelessObjects are what NewStateless made.
type StatelessObjects struct {
	ServiceAccount      cdk8s.ApiObject
	ConfigMap           cdk8s.ApiObject // nil without settings
	Deployment          cdk8s.ApiObject
	PodDisruptionBudget cdk8s.ApiObject // nil for a single replica
	Autoscaler          cdk8s.ApiObject // nil without autoscaling
	// SecretsRead are the Secret keys its pods read.
	SecretsRead []kube.SecretKey
}

// maxReplicas is the most replicas the workload can run.
func (w Stateless) maxReplicas() int {
	if w.Autoscaling != nil {
		return w.Autoscaling.MaxReplicas
	}
	return w.Replicas
}

// NewStateless adds the objects of w (see Stateless) in the child scope id.
func NewStateless(scope constructs.Construct, id string, r kube.Release, w Stateless) *StatelessObjects {
	var b kube.Batch
	out := AddStateless(&b, id, r, w)
	b.Make(scope)
	return out
}

// AddStateless records in b what NewStateless adds; b's Make makes them,
// and sets the handles of the objects it returns.
func AddStateless(parent *kube.Batch, id string, r kube.Release, w Stateless) *StatelessObjects {
	out := &StatelessObjects{}
	b := parent.Scope(nil, id)
	b.Add(&out.ServiceAccount, ServiceAccountObject("service-account", r, w.Name, w.Component, w.Extra.ServiceAccountAnnotations))
	config, envFrom, annotations := w.config(r)
	if config != nil {
		b.Add(&out.ConfigMap, *config)
	}
	container, volumes := w.container(envFrom)
	out.SecretsRead = SecretsRead([]*k8s.Container{container}, volumes)
	b.Add(&out.Deployment, kube.Object{ID: "deployment", GVK: kube.DeploymentKind, Props: &k8s.KubeDeploymentProps{
		Metadata: r.Meta(w.Name, w.Component),
		Spec:     w.deploymentSpec(r, container, volumes, annotations),
	}})
	if w.maxReplicas() > 1 {
		b.Add(&out.PodDisruptionBudget, PodDisruptionBudgetObject("pdb", r, w.Name, w.Component, 1))
	}
	if w.Autoscaling != nil {
		b.Add(&out.Autoscaler, w.autoscaler(r))
	}
	return out
}

// config is the ConfigMap <Name>-config of the settings, with how the
// container reads it and the pod annotation that rolls the pods when it
// changes; all nil without settings.
func (w Stateless) config(r kube.Release) (*kube.Object, *[]*k8s.EnvFromSource, map[string]string) {
	if len(w.Config) == 0 {
		return nil, nil, nil
	}
	name := w.Name + "-config"
	cm := &kube.Object{ID: "config", GVK: kube.ConfigMapKind, Props: &k8s.KubeConfigMapProps{
		Metadata: r.Meta(name, w.Component),
		Data:     kube.StrMap(w.Config),
	}}
	return cm,
		&[]*k8s.EnvFromSource{{ConfigMapRef: &k8s.ConfigMapEnvSource{Name: kube.Str(name)}}},
		map[string]string{"checksum/config": kube.ConfigChecksum(w.Config)}
}

// container is the workload's one container, with a scratch /tmp (the
// root filesystem is read-only) and its Secret files, and the pod's
// volumes for them.
func (w Stateless) container(envFrom *[]*k8s.EnvFromSource) (*k8s.Container, []*k8s.Volume) {
	tmp := kube.Scratch{Name: "tmp", MountPath: "/tmp", SizeLimit: "64Mi"}
	mounts := []*k8s.VolumeMount{tmp.Mount()}
	volumes := []*k8s.Volume{tmp.Volume()}
	for _, f := range w.Files {
		v, m := f.volume()
		volumes = append(volumes, v)
		mounts = append(mounts, m)
	}
	c := &k8s.Container{
		Name:            kube.Str(w.Component),
		Image:           kube.Str(w.Image.Ref()),
		ImagePullPolicy: kube.Str(w.Image.PullPolicy),
		Command:         optCommand(w.Command),
		Args:            kube.ArgList(w.Args),
		EnvFrom:         envFrom,
		Ports:           kube.ContainerPorts(w.Ports...),
		ReadinessProbe:  w.Readiness,
		LivenessProbe:   w.Liveness,
		Resources:       w.Resources.Requirements(),
		Env:             envList(nil, w.Secrets),
		SecurityContext: kube.ContainerSecurityContext(),
		VolumeMounts:    &mounts,
	}
	if len(w.CommandOverride) > 0 {
		c.Command = kube.Strs(w.CommandOverride...)
	}
	if len(w.ArgsOverride) > 0 {
		c.Args = kube.Strs(w.ArgsOverride...)
	}
	return c, volumes
}

// deploymentSpec runs the pod of container and volumes, rolling out
// without ever going below the desired count.
func (w Stateless) deploymentSpec(r kube.Release, container *k8s.Container, volumes []*k8s.Volume, annotations map[string]string) *k8s.DeploymentSpec {
	spec := &k8s.DeploymentSpec{
		Selector: r.Selector(w.Component),
		Template: PodTemplate(r, w.Component, Pod{
			ServiceAccount:                w.Name,
			Containers:                    []*k8s.Container{container},
			Volumes:                       volumes,
			ImagePullSecrets:              w.ImagePullSecrets,
			Annotations:                   annotations,
			TerminationGracePeriodSeconds: w.TerminationGracePeriodSeconds,
			Extra:                         w.Extra,
		}),
		// New pods must be ready before old ones go; never below the
		// desired count during a rollout.
		Strategy: &k8s.DeploymentStrategy{Type: kube.Str("RollingUpdate"), RollingUpdate: &k8s.RollingUpdateDeployment{
			MaxUnavailable: kube.IntOrNumber(0),
			MaxSurge:       kube.IntOrString("25%"),
		}},
		RevisionHistoryLimit: kube.Num(5),
	}
	// With an autoscaler the Deployment leaves replicas alone, so a sync
	// never resets what the autoscaler chose.
	if w.Autoscaling == nil {
		spec.Replicas = kube.Num(w.Replicas)
	}
	return spec
}

// autoscaler scales the Deployment on its pods' CPU utilization.
func (w Stateless) autoscaler(r kube.Release) kube.Object {
	a := w.Autoscaling
	return kube.Object{ID: "hpa", GVK: kube.HorizontalPodAutoscalerKind, Props: &k8s.KubeHorizontalPodAutoscalerV2Props{
		Metadata: r.Meta(w.Name, w.Component),
		Spec: &k8s.HorizontalPodAutoscalerSpecV2{
			ScaleTargetRef: &k8s.CrossVersionObjectReferenceV2{ApiVersion: kube.Str("apps/v1"), Kind: kube.Str("Deployment"), Name: kube.Str(w.Name)},
			MinReplicas:    kube.Num(a.MinReplicas),
			MaxReplicas:    kube.Num(a.MaxReplicas),
			Metrics: &[]*k8s.MetricSpecV2{{
				Type: kube.Str("Resource"),
				Resource: &k8s.ResourceMetricSourceV2{Name: kube.Str("cpu"), Target: &k8s.MetricTargetV2{
					Type: kube.Str("Utilization"), AverageUtilization: kube.Num(a.TargetCPUUtilizationPercentage),
				}},
			}},
		},
	}}
}

// HealthProbes are the probes of every Caracal process, on its metrics
// port: /readyz says it can take work, /livez that it is not stuck. The
// liveness probe is more patient, so a busy process is not restarted.
func HealthProbes(port string) (readiness, liveness *k8s.Probe) {
	return kube.HTTPProbe(kube.Timing{Period: 10, Timeout: 3, FailureThreshold: 3}, port, "/readyz"),
		kube.HTTPProbe(kube.Timing{InitialDelay: 10, Period: 20, Timeout: 5, FailureThreshold: 3}, port, "/livez")
}

// NewServices adds a workload's Service for its traffic (exposed as e)
// and, beside it, <name>-metrics, a ClusterIP Service for scraping: a
// LoadBalancer never publishes metrics.
func NewServices(scope constructs.Construct, r kube.Release, name, component string, e Exposure, traffic, metrics kube.Port) (service, metricsService cdk8s.ApiObject) {
	var b kube.Batch
	AddServices(&b, &service, &metricsService, r, name, component, e, traffic, metrics)
	b.Make(scope)
	return service, metricsService
}

// AddServices records in b what NewServices adds; b's Make makes them
// and stores their handles in *service and *metricsService.
func AddServices(b *kube.Batch, service, metricsService *cdk8s.ApiObject, r kube.Release, name, component string, e Exposure, traffic, metrics kube.Port) {
	b.Add(service, ServiceObject("service", r, Service{Name: name, Component: component, Exposure: e, Ports: []kube.Port{traffic}}))
	b.Add(metricsService, ServiceObject("metrics", r, Service{Name: name + "-metrics", Component: component, Ports: []kube.Port{metrics}}))
}

// optCommand is Command, or nil for an empty list (the field is left out).
func optCommand(words []string) *[]*string {
	if len(words) == 0 {
		return nil
	}
	return kube.Command(words...)
}
