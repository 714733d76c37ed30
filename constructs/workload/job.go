package workload

import (
	"fmt"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Step is one container of a Job.
type Step struct {
	Name    string
	Image   kube.Image
	Command []string          // taken literally (see Command)
	Env     map[string]string // added to the Job's Env for this step
	// NoSecrets keeps the Job's Secrets from this step: a step that only
	// waits for a server has no use for its passwords. Secrets are the
	// step's own.
	NoSecrets bool
	Secrets   map[string]kube.SecretKey
}

// Job describes a run-to-completion task: its steps run one after another
// (all but the last as init containers), each with the Job's environment.
type Job struct {
	// Name is the stable base name. The object is named
	// <Name>-<version>-<hash of its rendered pod template> (the version in
	// DNS-label form: the name is also the pods' hostname). So a Job runs
	// once per template, whatever changed it (a value, or this code):
	// syncing it again finds it finished and changes nothing, while an
	// upgrade, or any change, runs a new Job instead of failing on a Job's
	// immutable template. A finished Job is kept (no TTL): Argo CD and
	// Flux would create a deleted one again, and so run it again.
	Name      string
	Component string
	Steps     []Step
	Env       map[string]string
	Secrets   map[string]kube.SecretKey
	Files     []SecretFiles
	// Claims mounts persistent volume claims: volume name to claim name,
	// mounted at MountPaths[volume name].
	Claims     map[string]string
	MountPaths map[string]string
	Resources  kube.Resources
	// BackoffLimit retries; ActiveDeadlineSeconds bounds the whole run.
	BackoffLimit, ActiveDeadlineSeconds int
	ImagePullSecrets                    []string
	// Extra is what the user adds to the pods; its environment goes to
	// every step.
	Extra Extra
}

// jobName is the name of the Job object: it changes with its pod
// template, which is immutable, so a new template is a new Job, never a
// failed patch. The hash is of the template as rendered, so nothing that
// shapes it escapes. The rest of a Job's spec (retries, deadline) can
// change in place.
func jobName(r kube.Release, base string, template *k8s.PodTemplateSpec) string {
	rendered := kube.ManifestJSON(kube.JobKind, &k8s.KubeJobProps{Spec: &k8s.JobSpec{Template: template}})
	sum := kube.Checksum(string(rendered), r.Namespace)
	version := strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
			return c
		}
		return '-'
	}, strings.ToLower(r.Version))
	// The Job's name is also a label of its pods (job-name), at most 63
	// characters: a long version is cut, the hash keeps names apart.
	if room := kube.MaxLabelValue - len(base) - len(sum[:8]) - 2; len(version) > room {
		version = strings.TrimRight(version[:max(room, 0)], "-")
	}
	return fmt.Sprintf("%s-%s-%s", base, version, sum[:8])
}

// NewJob adds a Job and its ServiceAccount, and returns the Job.
func NewJob(scope constructs.Construct, id string, r kube.Release, j Job) (job cdk8s.ApiObject) {
	made(scope, func(b *kube.Batch) { AddJob(b, &job, id, r, j) })
	return job
}

// AddJob records in b what NewJob adds; b's Make makes them, and stores
// the Job's handle in *job.
func AddJob(b *kube.Batch, job *cdk8s.ApiObject, id string, r kube.Release, j Job) {
	sa := ServiceAccountObject("service-account", r, j.Name, j.Component, j.Extra.ServiceAccountAnnotations)
	pod, volumes := jobPod(j)
	template := jobTemplate(r, j.Component, j.Name, pod, volumes, j.ImagePullSecrets, j.Extra)
	objectsIn(b, job, id, sa, kube.Object{ID: "job", GVK: kube.JobKind, Props: &k8s.KubeJobProps{
		Metadata: r.Meta(jobName(r, j.Name, template), j.Component),
		Spec: &k8s.JobSpec{
			BackoffLimit:          kube.Num(j.BackoffLimit),
			ActiveDeadlineSeconds: kube.Num(j.ActiveDeadlineSeconds),
			Template:              template,
		},
	}})
}

// jobPod builds the containers of a Job: every step but the last is an
// init container, so they run in order and stop at the first failure.
func jobPod(j Job) ([]*k8s.Container, []*k8s.Volume) {
	tmp := kube.Scratch{Name: "tmp", MountPath: "/tmp", SizeLimit: "64Mi"}
	volumes := []*k8s.Volume{tmp.Volume()}
	mounts := []*k8s.VolumeMount{tmp.Mount()}
	for _, f := range j.Files {
		v, m := f.volume()
		volumes = append(volumes, v)
		mounts = append(mounts, m)
	}
	for _, name := range kube.SortedKeys(j.Claims) {
		volumes = append(volumes, &k8s.Volume{Name: kube.Str(name), PersistentVolumeClaim: &k8s.PersistentVolumeClaimVolumeSource{ClaimName: kube.Str(j.Claims[name])}})
		mounts = append(mounts, &k8s.VolumeMount{Name: kube.Str(name), MountPath: kube.Str(j.MountPaths[name])})
	}
	var containers []*k8s.Container
	for _, s := range j.Steps {
		env := map[string]string{}
		for k, v := range j.Env {
			env[k] = v
		}
		for k, v := range s.Env {
			env[k] = v
		}
		secrets := map[string]kube.SecretKey{}
		if !s.NoSecrets {
			for k, v := range j.Secrets {
				secrets[k] = v
			}
		}
		for k, v := range s.Secrets {
			secrets[k] = v
		}
		containers = append(containers, &k8s.Container{
			Name:            kube.Str(s.Name),
			Image:           kube.Str(s.Image.Ref()),
			ImagePullPolicy: kube.Str(s.Image.PullPolicy),
			Command:         kube.Command(s.Command...),
			Env:             envList(env, secrets),
			Resources:       j.Resources.Requirements(),
			SecurityContext: kube.ContainerSecurityContext(),
			VolumeMounts:    &mounts,
		})
	}
	return containers, volumes
}

func jobTemplate(r kube.Release, component, serviceAccount string, containers []*k8s.Container, volumes []*k8s.Volume, pullSecrets []string, extra Extra) *k8s.PodTemplateSpec {
	last := len(containers) - 1
	t := PodTemplate(r, component, Pod{
		ServiceAccount:   serviceAccount,
		Containers:       containers[last:],
		Volumes:          volumes,
		ImagePullSecrets: pullSecrets,
		Extra:            extra,
	})
	if last > 0 {
		init := make([]*k8s.Container, last)
		for i, c := range containers[:last] {
			step := *c
			extra.apply(&step)
			init[i] = &step
		}
		t.Spec.InitContainers = &init
	}
	t.Spec.RestartPolicy = kube.Str("Never")
	return t
}

// envList turns plain values and Secret references into environment
// variables, sorted by name.
func envList(values map[string]string, secrets map[string]kube.SecretKey) *[]*k8s.EnvVar {
	var env []*k8s.EnvVar
	for _, k := range kube.SortedKeys(values) {
		env = append(env, kube.Env(k, values[k]))
	}
	for _, k := range kube.SortedKeys(secrets) {
		env = append(env, kube.EnvFromSecret(k, secrets[k]))
	}
	if len(env) == 0 {
		return nil
	}
	return &env
}

// WaitScript is a shell script that runs check until it succeeds, for at
// most $WAIT_TIMEOUT seconds: a Job waits for its dependency, but never
// forever.
func WaitScript(what, check string) string {
	return strings.Join([]string{
		`end=$(( $(date +%s) + WAIT_TIMEOUT ))`,
		`until ` + check + `; do`,
		`  if [ "$(date +%s)" -ge "$end" ]; then echo "` + what + ` is not ready after ${WAIT_TIMEOUT}s" >&2; exit 1; fi`,
		`  echo "waiting for ` + what + `"; sleep 5`,
		`done`,
	}, "\n") + "\n"
}

// CronJob runs a Job on a schedule. Unlike a Job it keeps its name: a
// CronJob's template can change in place.
type CronJob struct {
	Job
	Schedule string // five-field cron, in TimeZone
	TimeZone string
	// TTLSecondsAfterFinished deletes the finished Jobs of the schedule
	// (no GitOps tool tracks them).
	TTLSecondsAfterFinished int
}

// NewCronJob adds a CronJob and its ServiceAccount. Runs never overlap, a
// missed run is dropped after ten minutes, and three finished Jobs of each
// outcome are kept for inspection.
func NewCronJob(scope constructs.Construct, id string, r kube.Release, cj CronJob) (cronJob cdk8s.ApiObject) {
	made(scope, func(b *kube.Batch) { AddCronJob(b, &cronJob, id, r, cj) })
	return cronJob
}

// AddCronJob records in b what NewCronJob adds; b's Make makes them, and
// stores the CronJob's handle in *cronJob.
func AddCronJob(b *kube.Batch, cronJob *cdk8s.ApiObject, id string, r kube.Release, cj CronJob) {
	sa := ServiceAccountObject("service-account", r, cj.Name, cj.Component, cj.Extra.ServiceAccountAnnotations)
	containers, volumes := jobPod(cj.Job)
	objectsIn(b, cronJob, id, sa, kube.Object{ID: "cronjob", GVK: kube.CronJobKind, Props: &k8s.KubeCronJobProps{
		Metadata: r.Meta(cj.Name, cj.Component),
		Spec: &k8s.CronJobSpec{
			Schedule:                   kube.Str(cj.Schedule),
			TimeZone:                   kube.Str(cj.TimeZone),
			ConcurrencyPolicy:          kube.Str("Forbid"),
			StartingDeadlineSeconds:    kube.Num(600),
			SuccessfulJobsHistoryLimit: kube.Num(3),
			FailedJobsHistoryLimit:     kube.Num(3),
			JobTemplate: &k8s.JobTemplateSpec{
				Metadata: &k8s.ObjectMeta{Labels: kube.StrMap(r.Labels(cj.Component))},
				Spec: &k8s.JobSpec{
					BackoffLimit:            kube.Num(cj.BackoffLimit),
					ActiveDeadlineSeconds:   kube.Num(cj.ActiveDeadlineSeconds),
					TtlSecondsAfterFinished: kube.Num(cj.TTLSecondsAfterFinished),
					Template:                jobTemplate(r, cj.Component, cj.Name, containers, volumes, cj.ImagePullSecrets, cj.Extra),
				},
			},
		},
	}})
}

// NewPersistentVolumeClaim adds a standalone claim (a StatefulSet makes
// its own from its template).
func NewPersistentVolumeClaim(scope constructs.Construct, id string, r kube.Release, name, component string, s kube.Storage) cdk8s.ApiObject {
	return PersistentVolumeClaimObject(id, r, name, component, s).New(scope)
}

// PersistentVolumeClaimObject is the object NewPersistentVolumeClaim
// adds, for a batch.
func PersistentVolumeClaimObject(id string, r kube.Release, name, component string, s kube.Storage) kube.Object {
	return kube.Object{ID: id, GVK: kube.PersistentVolumeClaimKind, Props: &k8s.KubePersistentVolumeClaimProps{
		Metadata: r.Meta(name, component),
		Spec:     s.ClaimSpec(),
	}}
}

// objectsIn records in b the construct id holding a ServiceAccount and
// the object that runs as it, whose handle goes to *into.
func objectsIn(b *kube.Batch, into *cdk8s.ApiObject, id string, sa, o kube.Object) {
	s := b.Scope(nil, id)
	s.Add(nil, sa)
	s.Add(into, o)
}

// made makes in scope, in one call, what record records in a batch.
func made(scope constructs.Construct, record func(*kube.Batch)) {
	var b kube.Batch
	record(&b)
	b.Make(scope)
}
