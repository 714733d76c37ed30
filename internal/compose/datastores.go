package compose

import (
	"cmp"

	"caracal.dev/caracal-cdk8s/constructs/kafka"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/postgres"
	"caracal.dev/caracal-cdk8s/constructs/redis"
	"caracal.dev/caracal-cdk8s/constructs/secrets"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"caracal.dev/caracal-cdk8s/constructs/zookeeper"
	"caracal.dev/caracal-cdk8s/internal/values"
)

// datastores adds the in-cluster datastores that are enabled and returns
// where every datastore is: from the constructs, or the external
// endpoints of the values.
func (b *builder) datastores() wiring.Endpoints {
	v := b.v
	e := externalEndpoints(v)
	if v.PostgreSQL.Enabled {
		e.Database = b.postgres()
	}
	if v.Redis.Enabled {
		e.Redis = b.redis()
	}
	if v.Kafka.Enabled {
		e.Kafka = b.kafka()
	}
	// The exporter watches the Kafka Caracal uses, in the cluster or not:
	// it is the one source of consumer lag.
	if k := v.Kafka; k.Metrics.Enabled {
		c, rel := b.chart("kafka-exporter", waveDatastores)
		b.built(kafka.NewExporter(c, "exporter", kafka.ExporterProps{
			Release: rel, Image: b.image(k.Metrics.Image), Kafka: e.Kafka, ImagePullSecrets: v.Global.ImagePullSecrets,
			Extra: b.extra(k.Metrics.Pod),
		}))
	}
	return e
}

// postgres adds PostgreSQL and, when enabled, its backups.
func (b *builder) postgres() wiring.DatabaseEndpoint {
	v := b.v
	p := v.PostgreSQL
	c, rel := b.chart("postgres", waveDatastores)
	pg := postgres.NewPostgres(c, "postgres", postgres.Props{
		Datastore: b.datastore(rel, p.Image, p.Persistence, p.Resources, p.Pod),
		Database:  p.Auth.Database,
		Username:  p.Auth.Username,
		Password:  passwordKey(secrets.PostgresPasswordKey),
		Exporter:  b.exporter(p.Metrics),
	})
	b.built(pg)
	if bk := p.Backup; bk.Enabled {
		class := bk.Persistence.StorageClass
		if class == "" {
			class = v.Global.StorageClass
		}
		b.built(postgres.NewBackup(c, "backup", postgres.BackupProps{
			Release:          rel,
			Image:            b.image(p.Image),
			Database:         pg.Endpoint(),
			Schedule:         bk.Schedule,
			Retention:        bk.Retention,
			Storage:          kube.Storage{Size: string(bk.Persistence.Size), StorageClass: class},
			Resources:        resources(bk.Resources),
			ImagePullSecrets: v.Global.ImagePullSecrets,
			ClaimAnnotations: keep,
			Extra:            b.extra(bk.Pod),
		}))
	}
	return pg.Endpoint()
}

func (b *builder) redis() wiring.RedisEndpoint {
	v := b.v
	r := v.Redis
	c, rel := b.chart("redis", waveDatastores)
	rd := redis.NewRedis(c, "redis", redis.Props{
		Datastore: b.datastore(rel, r.Image, r.Persistence, r.Resources, r.Pod),
		Password:  passwordKey(secrets.RedisPasswordKey),
		Exporter:  b.exporter(r.Metrics),
	})
	b.built(rd)
	return rd.Endpoint()
}

// kafka adds the brokers: in KRaft mode, or on a ZooKeeper ensemble it
// adds first.
func (b *builder) kafka() wiring.KafkaEndpoint {
	v := b.v
	k := v.Kafka
	c, rel := b.chart("kafka", waveDatastores)
	brokers := kafka.BrokerProps{
		Datastore:                b.datastore(rel, k.Image, k.Persistence, k.Resources, k.Pod),
		Replicas:                 k.ReplicaCount,
		DefaultReplicationFactor: k.Config.DefaultReplicationFactor,
		MinInsyncReplicas:        k.Config.MinInsyncReplicas,
	}
	if z := k.ZooKeeper; z.Enabled {
		ensemble := zookeeper.NewZooKeeper(c, "zookeeper", zookeeper.Props{
			Datastore: b.datastore(rel, z.Image, z.Persistence, z.Resources, z.Pod),
			Replicas:  z.ReplicaCount,
		})
		b.built(ensemble)
		zk := kafka.NewZooKeeperMode(c, "kafka", kafka.ZooKeeperModeProps{BrokerProps: brokers, ZooKeeper: ensemble.Endpoint()})
		b.built(zk)
		return zk.Endpoint()
	}
	kr := kafka.NewKRaft(c, "kafka", kafka.KRaftProps{BrokerProps: brokers})
	b.built(kr)
	return kr.Endpoint()
}

// datastore is what a datastore is built with, from its values: in the
// release's chart, on the datastores' PriorityClass. Its own
// priorityClassName wins over that class, which wins over global's.
func (b *builder) datastore(rel kube.Release, img values.Image, p values.Persistence, res values.Resources, pod values.Pod) workload.Datastore {
	extra := b.extra(pod)
	extra.PriorityClassName = pod.PriorityClassName
	return workload.Datastore{
		Release:          rel,
		Image:            b.image(img),
		Storage:          b.storage(p),
		Resources:        resources(res),
		ImagePullSecrets: b.v.Global.ImagePullSecrets,
		PriorityClass:    cmp.Or(b.priority, b.v.Global.PriorityClassName),
		Extra:            extra,
	}
}
