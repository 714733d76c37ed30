package main

import "testing"

func TestCondenseKeepsFindingsAndDropsPatches(t *testing.T) {
	out := `service/caracal-kafka unchanged (server dry run)
Error from server (Invalid): error when applying patch:
{"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{...}"}}}
to:
Resource: "apps/v1, Resource=statefulsets", GroupVersionKind: "apps/v1, Kind=StatefulSet"
Name: "caracal-redis", Namespace: "caracal"
for: "dist/redis.k8s.yaml": error when patching "dist/redis.k8s.yaml": StatefulSet.apps "caracal-redis" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas' are forbidden
Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false`
	got := condense(out)
	want := `StatefulSet.apps "caracal-redis" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas' are forbidden
Warning: would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false`
	if got != want {
		t.Errorf("got:\n%s", got)
	}
	if !immutable(out) {
		t.Error("a forbidden StatefulSet update is an immutable-field change")
	}
	if immutable("Deployment.apps \"x\" is invalid: spec.replicas: Invalid value: -1") {
		t.Error("an invalid value is not an immutable-field change")
	}
}
