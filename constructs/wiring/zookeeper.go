package wiring

// ZooKeeperEndpoint is where Kafka brokers in ZooKeeper mode keep their
// metadata: a ZooKeeper ensemble.
type ZooKeeperEndpoint struct {
	// Peer is who serves it.
	Peer Peer
	// ConnectString is Kafka's zookeeper.connect: a comma-separated
	// host:port list of every member.
	ConnectString string
	// Port is the members' client port.
	Port int
}

// From is the flow from a component's pods to the ensemble.
func (e ZooKeeperEndpoint) From(component string) Flow {
	return Flow{From: Pods(component), To: e.Peer, Ports: []int{e.Port}}
}
