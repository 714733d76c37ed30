package compose

import (
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/secrets"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"caracal.dev/caracal-cdk8s/internal/values"
	"github.com/distribution/reference"
)

// What follows turns values into the props types of the constructs.

func (b *builder) storage(p values.Persistence) kube.Storage {
	return kube.Storage{Size: string(p.Size), StorageClass: b.v.Global.StorageClass}
}

// externalEndpoints are the managed datastores of the values: where they
// are, how to reach them, and where their credentials are.
func externalEndpoints(v *values.Values) wiring.Endpoints {
	secret := func(name, key, fallback string) kube.SecretKey {
		if name == "" {
			return passwordKey(fallback)
		}
		return kube.SecretKey{Name: name, Key: key}
	}
	db, rd, kf := v.ExternalDatabase, v.ExternalRedis, v.ExternalKafka
	e := wiring.Endpoints{
		Database: wiring.DatabaseEndpoint{
			Peer: wiring.Outside(external.Database),
			Host: db.Host, Port: db.Port, Name: db.Database, User: db.Username, SSLMode: db.SSLMode,
			Password: secret(db.ExistingSecret, db.ExistingSecretPasswordKey, secrets.PostgresPasswordKey),
		},
		Redis: wiring.RedisEndpoint{
			Peer: wiring.Outside(external.Redis),
			Host: rd.Host, Port: rd.Port, TLS: rd.TLS,
			Password: secret(rd.ExistingSecret, rd.ExistingSecretPasswordKey, secrets.RedisPasswordKey),
		},
		Kafka: wiring.KafkaEndpoint{Peer: wiring.Outside(external.Kafka), BootstrapServers: kf.BootstrapServers, TLS: kf.TLS},
	}
	if m := kf.SASL.Mechanism; m != "none" {
		e.Kafka.SASLMechanism = m
		e.Kafka.SASLUsername = kube.SecretKey{Name: kf.SASL.ExistingSecret, Key: "username"}
		e.Kafka.SASLPassword = kube.SecretKey{Name: kf.SASL.ExistingSecret, Key: "password"}
	}
	return e
}

// exporter is the image of an enabled exporter, else nil.
func (b *builder) exporter(e values.Exporter) *kube.Image {
	if !e.Enabled {
		return nil
	}
	img := b.image(e.Image)
	return &img
}

// autoscaling is nil when autoscaling is off.
func autoscaling(a values.Autoscaling) *workload.Autoscaling {
	if !a.Enabled {
		return nil
	}
	return &workload.Autoscaling{MinReplicas: a.MinReplicas, MaxReplicas: a.MaxReplicas, TargetCPUUtilizationPercentage: a.TargetCPUUtilizationPercentage}
}

func passwordKey(key string) kube.SecretKey {
	return kube.SecretKey{Name: secrets.DefaultName, Key: key}
}

// image is an image of the values, pulled from global.imageRegistry when
// that is set: the registry replaces the image's own (docker.io for a
// short name), the path and the tag stay.
func (b *builder) image(i values.Image) kube.Image {
	repo := i.Repository
	if registry := b.v.Global.ImageRegistry; registry != "" {
		// The values refuse a repository that does not parse; one that
		// reached here unchecked keeps its path whole.
		if named, err := reference.ParseNormalizedNamed(repo); err == nil {
			repo = reference.Path(named)
		}
		repo = registry + "/" + repo
	}
	return kube.Image{Repository: repo, Tag: i.Tag, PullPolicy: i.PullPolicy}
}

func resourceList(l values.ResourceList) kube.ResourceList {
	return kube.ResourceList{CPU: string(l.CPU), Memory: string(l.Memory), EphemeralStorage: string(l.EphemeralStorage)}
}

func resources(r values.Resources) kube.Resources {
	return kube.Resources{Requests: resourceList(r.Requests), Limits: resourceList(r.Limits)}
}
