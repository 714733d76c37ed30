package postgres_test

import (
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/postgres"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/constructs-go/constructs/v10"
)

func TestBackup(t *testing.T) {
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		postgres.NewBackup(scope, "backup", postgres.BackupProps{
			Release:          release,
			Image:            kube.Image{Repository: "docker.io/library/postgres", Tag: "17.6", PullPolicy: "Always"},
			Database:         wiring.DatabaseEndpoint{Host: "caracal-postgres.ns1.svc.cluster.local", Port: 5432, Name: "caracal", User: "caracal", Password: kube.SecretKey{Name: "creds", Key: "pg"}},
			Schedule:         "0 2 * * *",
			Retention:        5,
			Storage:          kube.Storage{Size: "30Gi", StorageClass: "backup"},
			Resources:        kube.Resources{Requests: kube.ResourceList{CPU: "100m", Memory: "128Mi", EphemeralStorage: "64Mi"}, Limits: kube.ResourceList{CPU: "1", Memory: "512Mi", EphemeralStorage: "256Mi"}},
			ClaimAnnotations: map[string]string{"example.com/keep": "yes"},
		})
	})
	jobs := objs.OfKind("Job")
	if len(jobs) != 1 {
		t.Fatalf("one Job checks the volume at install: %s", objs.Summary())
	}
	check := jobs[0].Name()
	if got := objs.Summary(); got != "PersistentVolumeClaim/caracal-postgres-backup, ServiceAccount/caracal-postgres-backup-check, Job/"+check+", ServiceAccount/caracal-postgres-backup, CronJob/caracal-postgres-backup" {
		t.Fatalf("objects: %s", got)
	}
	// A WaitForFirstConsumer claim binds only for a pod: the check mounts
	// it at install, so Argo CD and Flux do not wait for the first backup.
	checkSpec := objs.PodSpecs()["Job/"+check]
	for _, p := range testkit.PodProblems(checkSpec) {
		t.Error(p)
	}
	if checkSpec.Str("volumes[backups].persistentVolumeClaim.claimName") != "caracal-postgres-backup" ||
		testkit.Containers(checkSpec)["check-volume"].Str("volumeMounts[backups].mountPath") != "/backups" {
		t.Errorf("the check mounts the claim: %v", checkSpec)
	}
	if jobs[0].Has("spec.ttlSecondsAfterFinished") {
		t.Error("the check is kept once finished, or GitOps would run it again")
	}
	pvc := objs.Must(t, "PersistentVolumeClaim", "caracal-postgres-backup")
	if pvc.Str(`metadata.annotations."example.com/keep"`) != "yes" || objs.Must(t, "CronJob", "caracal-postgres-backup").Has(`metadata.annotations."example.com/keep"`) {
		t.Error("the claim, and only the claim, carries ClaimAnnotations")
	}
	if pvc.Str("spec.resources.requests.storage") != "30Gi" || pvc.Str("spec.storageClassName") != "backup" {
		t.Errorf("claim %v", pvc["spec"])
	}
	cj := objs.Must(t, "CronJob", "caracal-postgres-backup")
	for path, want := range map[string]string{
		"spec.schedule": "0 2 * * *", "spec.timeZone": "Etc/UTC", "spec.concurrencyPolicy": "Forbid",
		"spec.startingDeadlineSeconds": "600", "spec.successfulJobsHistoryLimit": "3", "spec.failedJobsHistoryLimit": "3",
		"spec.jobTemplate.spec.activeDeadlineSeconds": "3600", "spec.jobTemplate.spec.backoffLimit": "2",
	} {
		if v, _ := cj.Get(path); testkit.Sprint(v) != want {
			t.Errorf("%s = %v, want %s", path, v, want)
		}
	}
	spec := objs.PodSpecs()["CronJob/caracal-postgres-backup"]
	for _, p := range testkit.PodProblems(spec) {
		t.Error(p)
	}
	if spec.Str("volumes[backups].persistentVolumeClaim.claimName") != "caracal-postgres-backup" {
		t.Error("the dumps go to the claim")
	}
	c := testkit.Containers(spec)["pg-dump"]
	env := testkit.Env(c)
	if env["PGHOST"].Str("value") != "caracal-postgres.ns1.svc.cluster.local" || env["RETENTION"].Str("value") != "5" || env["PGPASSWORD"].Str("valueFrom.secretKeyRef.key") != "pg" {
		t.Errorf("env %v", env)
	}
	script := testkit.Sprint(c["command"])
	for _, want := range []string{"pg_dump --format=custom", `mv "$file.partial" "$file"`, `tail -n +"$((RETENTION + 1))"`} {
		// (The manifest escapes $( from the kubelet: $$(.)
		if !strings.Contains(script, kube.KubeLiteral(want)) {
			t.Errorf("script lacks %q", want)
		}
	}
	if c.Str("volumeMounts[backups].mountPath") != "/backups" {
		t.Error("mounted at /backups")
	}
}
