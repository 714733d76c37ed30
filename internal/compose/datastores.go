package compose

import (
	"caracal.dev/caracal-cdk8s/constructs/kafka"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/postgres"
	"caracal.dev/caracal-cdk8s/constructs/redis"
	"caracal.dev/caracal-cdk8s/constructs/secrets"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/zookeeper"
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
			Release: rel, Image: image(k.Metrics.Image), Kafka: e.Kafka, ImagePullSecrets: v.Global.ImagePullSecrets,
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
		Release:          rel,
		Image:            image(p.Image),
		Database:         p.Auth.Database,
		Username:         p.Auth.Username,
		Password:         passwordKey(secrets.PostgresPasswordKey),
		Storage:          b.storage(p.Persistence),
		Resources:        resources(p.Resources),
		ImagePullSecrets: v.Global.ImagePullSecrets,
		Exporter:         exporter(p.Metrics),
		PriorityClass:    b.priority,
	})
	b.built(pg)
	if bk := p.Backup; bk.Enabled {
		class := bk.Persistence.StorageClass
		if class == "" {
			class = v.Global.StorageClass
		}
		b.built(postgres.NewBackup(c, "backup", postgres.BackupProps{
			Release:          rel,
			Image:            image(p.Image),
			Database:         pg.Endpoint(),
			Schedule:         bk.Schedule,
			Retention:        bk.Retention,
			Storage:          kube.Storage{Size: string(bk.Persistence.Size), StorageClass: class},
			Resources:        resources(bk.Resources),
			ImagePullSecrets: v.Global.ImagePullSecrets,
			ClaimAnnotations: keep,
		}))
	}
	return pg.Endpoint()
}

func (b *builder) redis() wiring.RedisEndpoint {
	v := b.v
	r := v.Redis
	c, rel := b.chart("redis", waveDatastores)
	rd := redis.NewRedis(c, "redis", redis.Props{
		Release:          rel,
		Image:            image(r.Image),
		Password:         passwordKey(secrets.RedisPasswordKey),
		Storage:          b.storage(r.Persistence),
		Resources:        resources(r.Resources),
		ImagePullSecrets: v.Global.ImagePullSecrets,
		Exporter:         exporter(r.Metrics),
		PriorityClass:    b.priority,
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
		Release:                  rel,
		Replicas:                 k.ReplicaCount,
		Image:                    image(k.Image),
		DefaultReplicationFactor: k.Config.DefaultReplicationFactor,
		MinInsyncReplicas:        k.Config.MinInsyncReplicas,
		Storage:                  b.storage(k.Persistence),
		Resources:                resources(k.Resources),
		ImagePullSecrets:         v.Global.ImagePullSecrets,
		PriorityClass:            b.priority,
	}
	if z := k.ZooKeeper; z.Enabled {
		ensemble := zookeeper.NewZooKeeper(c, "zookeeper", zookeeper.Props{
			Release:          rel,
			Replicas:         z.ReplicaCount,
			Image:            image(z.Image),
			Storage:          b.storage(z.Persistence),
			Resources:        resources(z.Resources),
			ImagePullSecrets: v.Global.ImagePullSecrets,
			PriorityClass:    b.priority,
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
