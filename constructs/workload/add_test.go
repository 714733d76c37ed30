package workload

import (
	"reflect"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Each New function makes, in its scope, what its Add function records in
// a batch: the same tree, the same manifests, and its handles at the same
// paths. The app's own constructs use the Add functions; the New ones are
// for any other cdk8s app, and are checked here.
func TestNewMakesWhatAddRecords(t *testing.T) {
	img := kube.Image{Repository: "r", Tag: "1", PullPolicy: "IfNotPresent"}
	exporter := Exporter{Image: img, Port: 9121}
	job := Job{Name: "caracal-db-init", Component: "db-init", Steps: []Step{{Name: "init", Image: img, Command: []string{"true"}}}, BackoffLimit: 1, ActiveDeadlineSeconds: 60}
	set := StatefulSet{Name: "caracal-redis", Component: "redis", ServiceName: "caracal-redis-headless", Replicas: 1,
		Storage: kube.Storage{Size: "1Gi"}, Pod: Pod{Containers: []*k8s.Container{exporter.Container()}}}
	port := kube.Port{Name: "http", Port: 80}
	metrics := kube.Port{Name: kube.MetricsPort, Port: 9090}
	app := cdk8s.NewApp(nil)
	made := cdk8s.NewChart(app, jsii.String("made"), nil)
	handles := map[string]cdk8s.ApiObject{}
	handles["job"] = NewJob(made, "job", testRelease, job)
	handles["cronjob"] = NewCronJob(made, "cronjob", testRelease, CronJob{Job: job, Schedule: "0 3 * * *", TimeZone: "Etc/UTC", TTLSecondsAfterFinished: 60})
	handles["set"] = NewStatefulSet(made, "set", testRelease, set)
	handles["service"], handles["metrics"] = NewServices(made, testRelease, "caracal-gateway", "gateway", Exposure{}, port, metrics)
	_, handles["exporter"] = NewSidecarExporter(made, "exporter", testRelease, "caracal-redis", "redis", exporter)
	handles["claim"] = NewPersistentVolumeClaim(made, "claim", testRelease, "caracal-backups", "backup", kube.Storage{Size: "1Gi"})

	recorded := cdk8s.NewChart(app, jsii.String("recorded"), nil)
	want := map[string]*cdk8s.ApiObject{}
	for _, k := range []string{"job", "cronjob", "set", "service", "metrics", "exporter", "claim"} {
		want[k] = new(cdk8s.ApiObject)
	}
	var b kube.Batch
	AddJob(&b, want["job"], "job", testRelease, job)
	AddCronJob(&b, want["cronjob"], "cronjob", testRelease, CronJob{Job: job, Schedule: "0 3 * * *", TimeZone: "Etc/UTC", TTLSecondsAfterFinished: 60})
	AddStatefulSet(&b, want["set"], "set", testRelease, set)
	AddServices(&b, want["service"], want["metrics"], testRelease, "caracal-gateway", "gateway", Exposure{}, port, metrics)
	AddSidecarExporter(&b, want["exporter"], "exporter", testRelease, "caracal-redis", "redis", exporter)
	b.Add(want["claim"], PersistentVolumeClaimObject("claim", testRelease, "caracal-backups", "backup", kube.Storage{Size: "1Gi"}))
	b.Make(recorded)

	for k, h := range handles {
		w := *want[k]
		if h == nil || w == nil || *h.Node().Id() != *w.Node().Id() || *h.Kind() != *w.Kind() {
			t.Errorf("%s: the handle %v, recorded %v", k, h, w)
		}
	}
	paths := func(c cdk8s.Chart) []string {
		var out []string
		for _, n := range (*c.Node().FindAll(constructs.ConstructOrder_PREORDER))[1:] {
			out = append(out, *n.Node().Id())
		}
		return out
	}
	if got, want := paths(made), paths(recorded); !reflect.DeepEqual(got, want) {
		t.Errorf("tree %v, recorded %v", got, want)
	}
	resolved, err := kube.ResolveAll(made, recorded)
	if err != nil {
		t.Fatal(err)
	}
	if len(resolved[0]) != 10 || !reflect.DeepEqual(resolved[0], resolved[1]) {
		t.Errorf("%d manifests made, %d recorded, or they differ", len(resolved[0]), len(resolved[1]))
	}
}
