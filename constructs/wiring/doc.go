// Package wiring is what components tell each other and the composition:
// where a datastore is and how to reach it (Endpoints), and how a Caracal
// process reads that from its environment (DatastoreConfig).
package wiring
