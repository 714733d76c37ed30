package wiring

import "caracal.dev/caracal-cdk8s/constructs/kube"

// Refuse records in r what keeps a client from reaching the database or
// logging in to it, or leaves its server unnamed (a flow to it would have
// an empty end); field names it in messages.
func (e DatabaseEndpoint) Refuse(r *kube.Refusals, field string) {
	e.Peer.refuse(r, field+".Peer")
	r.Empty(field+".Host", e.Host)
	r.Port(field+".Port", e.Port)
	r.Empty(field+".Name", e.Name)
	r.Empty(field+".User", e.User)
	r.SecretKey(field+".Password", e.Password)
}

// Refuse records what keeps a client from reaching Redis or logging in.
func (e RedisEndpoint) Refuse(r *kube.Refusals, field string) {
	e.Peer.refuse(r, field+".Peer")
	r.Empty(field+".Host", e.Host)
	r.Port(field+".Port", e.Port)
	r.SecretKey(field+".Password", e.Password)
}

// Refuse records a Kafka endpoint without brokers.
func (e KafkaEndpoint) Refuse(r *kube.Refusals, field string) {
	e.Peer.refuse(r, field+".Peer")
	r.Empty(field+".BootstrapServers", e.BootstrapServers)
}

// Refuse records what is missing from the endpoints of a Caracal process.
func (e Endpoints) Refuse(r *kube.Refusals, field string) {
	e.Database.Refuse(r, field+".Database")
	e.Redis.Refuse(r, field+".Redis")
	e.Kafka.Refuse(r, field+".Kafka")
}

func (p Peer) refuse(r *kube.Refusals, field string) {
	if p == (Peer{}) {
		r.Refuse("%s is empty: say who serves it (wiring.Pods or wiring.Outside)", field)
	}
}

// Refuse records an ensemble endpoint the brokers cannot reach.
func (e ZooKeeperEndpoint) Refuse(r *kube.Refusals, field string) {
	e.Peer.refuse(r, field+".Peer")
	r.Empty(field+".ConnectString", e.ConnectString)
	r.Port(field+".Port", e.Port)
}

// Refuse records a gateway endpoint a client cannot reach.
func (e GatewayEndpoint) Refuse(r *kube.Refusals, field string) {
	e.Peer.refuse(r, field+".Peer")
	r.Empty(field+".URL", e.URL)
	r.Port(field+".Port", e.Port)
}
