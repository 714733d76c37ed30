package postgres_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/postgres"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
	"github.com/aws/constructs-go/constructs/v10"
)

func backupProps() postgres.BackupProps {
	return postgres.BackupProps{
		Release:          release,
		Image:            kube.Image{Repository: "docker.io/library/postgres", Tag: "17.6", PullPolicy: "Always"},
		Database:         wiring.DatabaseEndpoint{Peer: wiring.Pods("postgres"), Host: "caracal-postgres.ns1.svc.cluster.local", Port: 5432, Name: "caracal", User: "caracal", Password: kube.SecretKey{Name: "creds", Key: "pg"}},
		Schedule:         "0 2 * * *",
		Retention:        5,
		Storage:          kube.Storage{Size: "30Gi", StorageClass: "backup"},
		Resources:        kube.Resources{Requests: kube.ResourceList{CPU: "100m", Memory: "128Mi", EphemeralStorage: "64Mi"}, Limits: kube.ResourceList{CPU: "1", Memory: "512Mi", EphemeralStorage: "256Mi"}},
		ClaimAnnotations: map[string]string{"example.com/keep": "yes"},
	}
}

func buildBackup(t *testing.T, p postgres.BackupProps) (manifest.Objects, *postgres.Backup) {
	var b *postgres.Backup
	objs := manifest.Construct(t, func(scope constructs.Construct) { b = postgres.NewBackup(scope, "backup", p) })
	return objs, b
}

// The dumps reach the database on its port and read its password; they
// serve no metrics.
func TestBackupReport(t *testing.T) {
	_, backup := buildBackup(t, backupProps())
	want := wiring.Report{
		Component: postgres.BackupComponent,
		Flows:     []wiring.Flow{{From: wiring.Pods(postgres.BackupComponent), To: wiring.Pods("postgres"), Ports: []int{5432}}},
		Secrets:   []kube.SecretKey{{Name: "creds", Key: "pg"}},
	}
	if got := backup.Report(); !reflect.DeepEqual(got, want) {
		t.Errorf("report %+v", got)
	}
}

func TestBackup(t *testing.T) {
	objs, _ := buildBackup(t, backupProps())
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
	for _, p := range manifest.PodProblems(checkSpec) {
		t.Error(p)
	}
	if checkSpec.Str("volumes[backups].persistentVolumeClaim.claimName") != "caracal-postgres-backup" ||
		manifest.Containers(checkSpec)["check-volume"].Str("volumeMounts[backups].mountPath") != "/backups" {
		t.Errorf("the check mounts the claim: %v", checkSpec)
	}
	if jobs[0].Has("spec.ttlSecondsAfterFinished") {
		t.Error("the check is kept once finished, or GitOps would run it again")
	}
}

// The CronJob dumps to the claim, which alone carries ClaimAnnotations,
// with libpq's variables, the password from the Secret.
func TestBackupCronJob(t *testing.T) {
	objs, _ := buildBackup(t, backupProps())
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
		if v, _ := cj.Get(path); fmt.Sprint(v) != want {
			t.Errorf("%s = %v, want %s", path, v, want)
		}
	}
	spec := objs.PodSpecs()["CronJob/caracal-postgres-backup"]
	for _, p := range manifest.PodProblems(spec) {
		t.Error(p)
	}
	if spec.Str("volumes[backups].persistentVolumeClaim.claimName") != "caracal-postgres-backup" {
		t.Error("the dumps go to the claim")
	}
	c := manifest.Containers(spec)["pg-dump"]
	env := manifest.Env(c)
	if env["PGHOST"].Str("value") != "caracal-postgres.ns1.svc.cluster.local" || env["RETENTION"].Str("value") != "5" || env["PGPASSWORD"].Str("valueFrom.secretKeyRef.key") != "pg" {
		t.Errorf("env %v", env)
	}
	script := fmt.Sprint(c["command"])
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

// Zero values without a default are refused at construction.
func TestBackupErrors(t *testing.T) {
	for fragment, change := range map[string]func(*postgres.BackupProps){
		"postgres backup: BackupProps.Release.Name is empty": func(p *postgres.BackupProps) { p.Release.Name = "" },
		"BackupProps.Image.Tag is empty":                     func(p *postgres.BackupProps) { p.Image.Tag = "" },
		"BackupProps.Database.Peer is empty":                 func(p *postgres.BackupProps) { p.Database.Peer = wiring.Peer{} },
		"BackupProps.Database.Host is empty":                 func(p *postgres.BackupProps) { p.Database.Host = "" },
		"BackupProps.Database.Port is 0":                     func(p *postgres.BackupProps) { p.Database.Port = 0 },
		"BackupProps.Database.Password.Key is empty":         func(p *postgres.BackupProps) { p.Database.Password.Key = "" },
		"BackupProps.Schedule is empty":                      func(p *postgres.BackupProps) { p.Schedule = "" },
		"BackupProps.Retention is 0, below 1":                func(p *postgres.BackupProps) { p.Retention = 0 },
		"BackupProps.Storage.Size is empty":                  func(p *postgres.BackupProps) { p.Storage.Size = "" },
	} {
		p := backupProps()
		change(&p)
		manifest.MustPanic(t, fragment, func() { buildBackup(t, p) })
	}
}
