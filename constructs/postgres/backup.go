package postgres

import (
	"strconv"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// BackupComponent is the app.kubernetes.io/component of the backups.
const BackupComponent = "postgres-backup"

// BackupProps configures scheduled pg_dump backups. The zero value of a
// field without a Default is refused.
type BackupProps struct {
	// Release needs Name, Namespace and ClusterDomain.
	Release kube.Release
	// Name of the CronJob and of the claim the dumps go to. Default:
	// caracal-postgres-backup.
	Name string
	// Image provides pg_dump; use the server's, so the versions match.
	Image kube.Image
	// Database is the endpoint backed up, e.g. Postgres.Endpoint().
	Database wiring.DatabaseEndpoint
	Schedule string // five-field cron, UTC
	// Retention is the number of dumps kept, at least 1.
	Retention int
	// Storage is the dumps' volume; Size is required.
	Storage kube.Storage
	// Resources of the dump. Default: no requests or limits.
	Resources kube.Resources
	// ImagePullSecrets. Default: none.
	ImagePullSecrets []string
	// ClaimAnnotations go on the claim only, e.g. to keep a GitOps tool
	// from ever pruning the dumps. Default: none.
	ClaimAnnotations map[string]string
	// Extra is what the user adds to the pods of the backups and of the
	// volume check. Default: nothing.
	Extra workload.Extra
}

// check applies the defaults and refuses what has none.
func (p *BackupProps) check() {
	if p.Name == "" {
		p.Name = DefaultName + "-backup"
	}
	r := kube.Refusals{Construct: "postgres backup"}
	r.Release("BackupProps.Release", p.Release)
	r.Image("BackupProps.Image", p.Image)
	p.Database.Refuse(&r, "BackupProps.Database")
	r.Empty("BackupProps.Schedule", p.Schedule)
	r.AtLeast("BackupProps.Retention", p.Retention, 1)
	r.Empty("BackupProps.Storage.Size", p.Storage.Size)
	p.Extra.Check(&r, "BackupProps.Extra")
	r.Check()
}

// Backup is the construct.
type Backup struct {
	constructs.Construct
	Claim cdk8s.ApiObject
	// VolumeCheck mounts the claim once, at install: a claim of a
	// WaitForFirstConsumer class (the default of most clouds) binds only
	// for a pod, and the first backup may be a day away. Until then Argo CD
	// and Flux would wait for the claim, and stall the sync.
	VolumeCheck cdk8s.ApiObject
	CronJob     cdk8s.ApiObject
	report      wiring.Report
}

// checkScript proves the volume writable by the backup's user.
const checkScript = `set -eu
probe="/backups/.write-check-$(hostname)"
: > "$probe"
rm -f -- "$probe"
echo "the backup volume is bound and writable"
`

// backupScript dumps the database in pg_dump's custom format (restore with
// pg_restore), renames the dump into place only when it is complete, and
// keeps the newest $RETENTION dumps.
const backupScript = `set -eu
rm -f /backups/*.partial
file="/backups/caracal-$(date -u +%Y%m%dT%H%M%SZ).dump"
pg_dump --format=custom --no-owner --file="$file.partial"
mv "$file.partial" "$file"
echo "wrote $file"
ls -1 /backups/caracal-*.dump | sort -r | tail -n +"$((RETENTION + 1))" | while read -r old; do
  rm -f -- "$old"
  echo "removed $old"
done
`

// NewBackup adds a CronJob that dumps the database to its own volume.
func NewBackup(scope constructs.Construct, id string, p BackupProps) *Backup {
	p.check()
	r := p.Release
	b := &Backup{}
	// The construct and all it holds are made in one jsii call.
	var batch kube.Batch
	batch.Add(&b.Claim, workload.PersistentVolumeClaimObject("claim", r.With(p.ClaimAnnotations), p.Name, BackupComponent, p.Storage))
	check := backupJob(p, p.Name+"-check", workload.Step{Name: "check-volume", Image: p.Image, Command: []string{"sh", "-c", checkScript}})
	check.ActiveDeadlineSeconds = 600
	workload.AddJob(&batch, &b.VolumeCheck, "check", r, check)
	db := p.Database
	dump := backupJob(p, p.Name, workload.Step{Name: "pg-dump", Image: p.Image, Command: []string{"sh", "-c", backupScript}})
	// libpq reads these; the password never appears on a command line.
	dump.Env = map[string]string{
		"PGHOST": db.Host, "PGPORT": strconv.Itoa(db.Port), "PGDATABASE": db.Name, "PGUSER": db.User,
		"RETENTION": strconv.Itoa(p.Retention),
	}
	dump.Secrets = map[string]kube.SecretKey{"PGPASSWORD": db.Password}
	dump.ActiveDeadlineSeconds = 3600
	workload.AddCronJob(&batch, &b.CronJob, "cronjob", r, workload.CronJob{
		Job:      dump,
		Schedule: p.Schedule,
		TimeZone: "Etc/UTC",
		// Finished runs are kept by the history limits instead.
		TTLSecondsAfterFinished: 7 * 24 * 3600,
	})
	b.Construct = batch.MakeScope(scope, id)
	b.report = wiring.Join(
		wiring.Report{Component: BackupComponent, Flows: []wiring.Flow{db.From(BackupComponent)}, Secrets: check.SecretsRead()},
		wiring.Report{Secrets: dump.SecretsRead()},
	)
	return b
}

// backupJob is a Job of the backups that runs step with the claim at
// /backups.
func backupJob(p BackupProps, name string, step workload.Step) workload.Job {
	return workload.Job{
		Name:             name,
		Component:        BackupComponent,
		Steps:            []workload.Step{step},
		Claims:           map[string]string{"backups": p.Name},
		MountPaths:       map[string]string{"backups": "/backups"},
		Resources:        p.Resources,
		BackoffLimit:     2,
		ImagePullSecrets: p.ImagePullSecrets,
		Extra:            p.Extra,
	}
}

// Report: the backups reach the database they dump, and read its
// password; they serve no metrics.
func (b *Backup) Report() wiring.Report { return b.report }
