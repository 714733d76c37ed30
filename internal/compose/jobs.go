package compose

import (
	"caracal.dev/caracal-cdk8s/constructs/jobs"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/internal/values"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// jobs adds the day-2 steps of the chart README as Jobs, each in its own
// wave, in the README's order: db init (once per database), the
// migrations, the topics, and the Merkle backfill when an upgrade from
// v0.2 asks for it.
func (b *builder) jobs(e wiring.Endpoints) {
	v := b.v
	j := v.Jobs
	common := func(wave int, img values.Image) (cdk8s.Chart, jobs.Common) {
		c, rel := b.chart(stageOf(wave), wave)
		return c, jobs.Common{
			Release: rel, Image: b.image(img), Endpoints: e,
			BackoffLimit: j.BackoffLimit, ActiveDeadlineSeconds: j.ActiveDeadlineSeconds, WaitTimeoutSeconds: j.WaitTimeoutSeconds,
			Resources: resources(j.Resources), ImagePullSecrets: v.Global.ImagePullSecrets,
			Extra: b.extra(j.Pod),
		}
	}
	pg := b.image(v.PostgreSQL.Image)
	if j.DBInit.Enabled {
		c, cm := common(waveDBInit, j.DBInit.Image)
		b.built(jobs.NewDatabaseInit(c, "db-init", jobs.DatabaseProps{Common: cm, PostgresImage: pg}))
	}
	c, cm := common(waveDBMigrate, v.Gateway.Image)
	b.built(jobs.NewDatabaseMigration(c, "db-migrate", jobs.DatabaseProps{Common: cm, PostgresImage: pg}))
	c, cm = common(waveTopics, v.Gateway.Image)
	b.built(jobs.NewKafkaTopics(c, "kafka-topics", jobs.KafkaTopicsProps{Common: cm, KafkaImage: b.image(v.Kafka.Image)}))
	if mb := v.Upgrade.MerkleBackfill; mb.Enabled {
		c, cm := common(waveBackfill, v.Gateway.Image)
		b.built(jobs.NewMerkleBackfill(c, "merkle-backfill", jobs.MerkleBackfillProps{
			DatabaseProps: jobs.DatabaseProps{Common: cm, PostgresImage: pg},
			SourceVersion: mb.SourceVersion, SigningKeySecret: v.Consumers.LedgerWriter.Merkle.SigningKeySecretName,
		}))
	}
}
