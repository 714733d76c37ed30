// Package wiring is what components tell each other and the composition:
// where a datastore, the gateway or the ZooKeeper ensemble is and how to
// reach it (the endpoints, each naming its server as a Peer), how a Caracal
// process reads that from its environment (DatastoreConfig), and what a
// component needs (its Report: the Flows its pods open, where it is
// scraped, the Secret keys it reads), from which the composition derives
// the NetworkPolicies, the ServiceMonitors and the ExternalSecrets.
package wiring
