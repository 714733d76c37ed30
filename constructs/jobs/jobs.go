// Package jobs turns the manual steps of the Caracal chart README into
// Jobs: database initialisation, migrations, Kafka topic creation, and
// the Merkle backfill an upgrade from v0.2 needs. Each waits, for a
// bounded time, for the datastore it needs, then runs the Caracal CLI
// from the application image.
//
// A Job is named after its pod template (see workload.Job), so it runs once
// for each: a re-sync finds it finished and changes nothing, and an
// upgrade, which changes the image, is a new Job that runs again. The
// database initialisation's template holds only its own image and the
// database, so it runs once per database, not per upgrade.
package jobs

import (
	"maps"
	"strconv"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/secrets"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// Components, the app.kubernetes.io/component of each Job.
const (
	DatabaseInitComponent      = "db-init"
	DatabaseMigrationComponent = "db-migrate"
	KafkaTopicsComponent       = "kafka-topics"
	MerkleBackfillComponent    = "merkle-backfill"
)

// Common configures what every Job has. The zero value of a field
// without a Default is refused.
type Common struct {
	// Release needs Name, Namespace and ClusterDomain.
	Release kube.Release
	// Image is the Caracal image, whose CLI the Jobs run.
	Image     kube.Image
	Endpoints wiring.Endpoints
	// BackoffLimit is the Job's retries (0: none); ActiveDeadlineSeconds
	// bounds a Job's run and WaitTimeoutSeconds the wait for a datastore,
	// each at least 1.
	BackoffLimit, ActiveDeadlineSeconds, WaitTimeoutSeconds int
	// Resources. Default: no requests or limits.
	Resources kube.Resources
	// ImagePullSecrets. Default: none.
	ImagePullSecrets []string
	// Extra is what the user adds to the Jobs' pods. Default: nothing.
	Extra workload.Extra
}

// refuse records what every Job refuses; a Job that waits for its
// datastores also refuses what the wait and DatastoreConfig need.
func (c Common) refuse(r *kube.Refusals, props string, waits bool) {
	r.Release(props+".Release", c.Release)
	r.Image(props+".Image", c.Image)
	r.AtLeast(props+".BackoffLimit", c.BackoffLimit, 0)
	r.AtLeast(props+".ActiveDeadlineSeconds", c.ActiveDeadlineSeconds, 1)
	c.Extra.Check(r, props+".Extra")
	if waits {
		c.Endpoints.Refuse(r, props+".Endpoints")
		r.AtLeast(props+".WaitTimeoutSeconds", c.WaitTimeoutSeconds, 1)
	}
}

// job is a Job with the Common settings and the datastore environment the
// Caracal CLI reads (DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD, ...).
func (c Common) job(name, component string, steps ...workload.Step) workload.Job {
	env, secrets := wiring.DatastoreConfig(c.Endpoints)
	env["WAIT_TIMEOUT"] = strconv.Itoa(c.WaitTimeoutSeconds)
	return workload.Job{
		Name: name, Component: component, Steps: steps, Env: env, Secrets: secrets,
		Resources: c.Resources, BackoffLimit: c.BackoffLimit, ActiveDeadlineSeconds: c.ActiveDeadlineSeconds,
		ImagePullSecrets: c.ImagePullSecrets, Extra: c.Extra,
	}
}

// Job is one step as a Job; its Report is the one datastore it works on
// and the Secret keys its pod reads (a Job serves no metrics).
type Job struct {
	constructs.Construct
	KubeJob cdk8s.ApiObject
	report  wiring.Report
}

// newJob adds j, which opens flow.
func newJob(scope constructs.Construct, id string, r kube.Release, j workload.Job, flow wiring.Flow) *Job {
	out := &Job{report: wiring.Report{Component: j.Component, Flows: []wiring.Flow{flow}, Secrets: j.SecretsRead()}}
	// The construct and all it holds are made in one jsii call.
	var b kube.Batch
	workload.AddJob(&b, &out.KubeJob, "job", r, j)
	out.Construct = b.MakeScope(scope, id)
	return out
}

// Report: see Job.
func (j *Job) Report() wiring.Report { return j.report }

func (c Common) step(name string, command ...string) workload.Step {
	return workload.Step{Name: name, Image: c.Image, Command: command}
}

// waitForPostgres runs pg_isready from the PostgreSQL image. The database
// is named by PGDATABASE, not --dbname, which libpq would read as a whole
// connection string (another host, say) if the name held an =.
func waitForPostgres(image kube.Image) workload.Step {
	check := `PGSSLMODE="$DB_SSLMODE" PGDATABASE="$DB_NAME" pg_isready --host="$DB_HOST" --port="$DB_PORT" --username="$DB_USER" --timeout=5`
	return workload.Step{Name: "wait-for-postgres", Image: image, Command: []string{"sh", "-c", workload.WaitScript("PostgreSQL at $DB_HOST:$DB_PORT", check)}, NoSecrets: true}
}

// kafkaClientConfig writes the client settings the Kafka tools need for
// a TLS or SASL endpoint, from the environment. The credentials go into a
// double-quoted JAAS option inside a properties line, which a quote, a
// backslash or a line break would end: credentials holding one are
// refused rather than written.
const kafkaClientConfig = `props=/tmp/client.properties
: > "$props"
echo "security.protocol=$KAFKA_SECURITY_PROTOCOL" >> "$props"
if [ -n "${KAFKA_SASL_MECHANISM:-}" ]; then
  for v in "$KAFKA_SASL_USERNAME" "$KAFKA_SASL_PASSWORD"; do
    if [ "$(printf '%s' "$v" | tr -d '"\\\r\n')" != "$v" ]; then
      echo "the Kafka SASL credentials hold a quote, a backslash or a line break, which client.properties cannot carry" >&2; exit 1
    fi
  done
  module=org.apache.kafka.common.security.scram.ScramLoginModule
  if [ "$KAFKA_SASL_MECHANISM" = PLAIN ]; then module=org.apache.kafka.common.security.plain.PlainLoginModule; fi
  echo "sasl.mechanism=$KAFKA_SASL_MECHANISM" >> "$props"
  echo "sasl.jaas.config=$module required username=\"$KAFKA_SASL_USERNAME\" password=\"$KAFKA_SASL_PASSWORD\";" >> "$props"
fi
`

// waitForKafka asks the brokers for their API versions, with the Kafka
// image's own tool, as the chart README's troubleshooting does. It knows
// the SASL credentials, if any, and nothing else secret.
func waitForKafka(image kube.Image, endpoint wiring.KafkaEndpoint) workload.Step {
	check := `/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server "$KAFKA_BOOTSTRAP_SERVERS" --command-config "$props" >/dev/null`
	return workload.Step{
		Name: "wait-for-kafka", Image: image,
		Command:   []string{"sh", "-c", kafkaClientConfig + workload.WaitScript("Kafka at $KAFKA_BOOTSTRAP_SERVERS", check)},
		Env:       map[string]string{"KAFKA_HEAP_OPTS": "-Xms64m -Xmx128m", "LOG_DIR": "/tmp"},
		NoSecrets: true,
		Secrets:   wiring.KafkaSASLSecrets(endpoint),
	}
}

// DatabaseProps configures a Job that works on the database.
type DatabaseProps struct {
	Common
	// PostgresImage provides pg_isready for the wait (not db init's).
	PostgresImage kube.Image
}

// refuse records what a Job that waits for PostgreSQL refuses.
func (p DatabaseProps) refuse(r *kube.Refusals, props string) {
	p.Common.refuse(r, props, true)
	r.Image(props+".PostgresImage", p.PostgresImage)
}

// NewDatabaseInit adds caracal-db-init: `caracal db init`, as the chart
// README runs it once at install. Its pod template holds nothing that an
// upgrade of the rest changes: its own image (its version label and name
// follow that image, not the Release's version), the database's settings
// only, and no wait step with the PostgreSQL image, so that it stays,
// finished, through upgrades: give it the image that initialised the
// database and keep it. Sync it after PostgreSQL is ready (Argo CD's wave
// and Flux's stage before it wait for that); until then it fails and is
// retried, up to BackoffLimit.
func NewDatabaseInit(scope constructs.Construct, id string, p DatabaseProps) *Job {
	r := kube.Refusals{Construct: "db-init"}
	p.Common.refuse(&r, "DatabaseProps", false)
	p.Endpoints.Database.Refuse(&r, "DatabaseProps.Endpoints.Database")
	r.Check()
	p.Release.Version = p.Image.Tag
	j := p.job("caracal-db-init", DatabaseInitComponent, p.step("db-init", "caracal", "db", "init"))
	for name := range j.Env {
		if !strings.HasPrefix(name, "DB_") {
			delete(j.Env, name)
		}
	}
	for name := range j.Secrets {
		if !strings.HasPrefix(name, "DB_") {
			delete(j.Secrets, name)
		}
	}
	return newJob(scope, id, p.Release, j, p.Endpoints.Database.From(DatabaseInitComponent))
}

// NewDatabaseMigration adds caracal-db-migrate: `caracal db migrate up`,
// once PostgreSQL answers. Sync it after NewDatabaseInit.
func NewDatabaseMigration(scope constructs.Construct, id string, p DatabaseProps) *Job {
	r := kube.Refusals{Construct: "db-migrate"}
	p.refuse(&r, "DatabaseProps")
	r.Check()
	return newJob(scope, id, p.Release, p.job("caracal-db-migrate", DatabaseMigrationComponent,
		waitForPostgres(p.PostgresImage),
		p.step("db-migrate", "caracal", "db", "migrate", "up"),
	), p.Endpoints.Database.From(DatabaseMigrationComponent))
}

// KafkaTopicsProps configures the topic creation.
type KafkaTopicsProps struct {
	Common
	// KafkaImage provides kafka-broker-api-versions.sh for the wait.
	KafkaImage kube.Image
}

// NewKafkaTopics adds caracal-kafka-topics: `caracal kafka create-topics`,
// once the brokers answer.
func NewKafkaTopics(scope constructs.Construct, id string, p KafkaTopicsProps) *Job {
	r := kube.Refusals{Construct: "kafka-topics"}
	p.refuse(&r, "KafkaTopicsProps", true)
	r.Image("KafkaTopicsProps.KafkaImage", p.KafkaImage)
	r.Check()
	return newJob(scope, id, p.Release, p.job("caracal-kafka-topics", KafkaTopicsComponent,
		waitForKafka(p.KafkaImage, p.Endpoints.Kafka),
		p.step("create-topics", "caracal", "kafka", "create-topics"),
	), p.Endpoints.Kafka.From(KafkaTopicsComponent))
}

// MerkleBackfillProps configures the backfill.
type MerkleBackfillProps struct {
	DatabaseProps
	// SourceVersion is the version whose events get Merkle roots.
	SourceVersion string
	// SigningKeySecret holds merkle_signing_key.pem, which signs the roots.
	SigningKeySecret string
}

// NewMerkleBackfill adds caracal-merkle-backfill: `caracal merkle backfill
// --source-version <SourceVersion>`, once PostgreSQL answers.
func NewMerkleBackfill(scope constructs.Construct, id string, p MerkleBackfillProps) *Job {
	r := kube.Refusals{Construct: "merkle-backfill"}
	p.DatabaseProps.refuse(&r, "MerkleBackfillProps")
	r.Empty("MerkleBackfillProps.SourceVersion", p.SourceVersion)
	r.Empty("MerkleBackfillProps.SigningKeySecret", p.SigningKeySecret)
	r.Check()
	key, keyEnv := secrets.MerkleKey(p.SigningKeySecret)
	j := p.job("caracal-merkle-backfill", MerkleBackfillComponent,
		waitForPostgres(p.PostgresImage),
		p.step("merkle-backfill", "caracal", "merkle", "backfill", "--source-version", p.SourceVersion),
	)
	j.Files = []workload.SecretFiles{key}
	maps.Copy(j.Env, keyEnv)
	return newJob(scope, id, p.Release, j, p.Endpoints.Database.From(MerkleBackfillComponent))
}
