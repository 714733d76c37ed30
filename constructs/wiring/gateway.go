package wiring

// GatewayEndpoint is where the gateway takes calls inside the cluster.
type GatewayEndpoint struct {
	// Peer is who serves it: the gateway's pods.
	Peer Peer
	URL  string
	// Port is the port the gateway's pods serve it on.
	Port int
}

// From is the flow from a component's pods to the gateway.
func (e GatewayEndpoint) From(component string) Flow {
	return Flow{From: Pods(component), To: e.Peer, Ports: []int{e.Port}}
}
