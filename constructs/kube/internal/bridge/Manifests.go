package bridge

import (
	_init_ "caracal.dev/caracal-cdk8s/constructs/kube/internal/bridge/jsii"
	_jsii_ "github.com/aws/jsii-runtime-go/runtime"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// Makes and resolves API objects whose manifests cross the jsii bridge as JSON text.
type Manifests interface {
}

// The jsii proxy struct for Manifests
type jsiiProxy_Manifests struct {
	_ byte // padding
}

// Adds to scope, as id, the API object of the manifest in json: its apiVersion, kind and metadata are the ApiObject's props (the chart adds its labels and namespace to that metadata), and each other top-level field is added by a JSON patch.
func Manifests_Add(scope constructs.Construct, id *string, json *string) cdk8s.ApiObject {
	_init_.Initialize()

	if err := validateManifests_AddParameters(scope, id, json); err != nil {
		panic(err)
	}
	var returns cdk8s.ApiObject

	_jsii_.StaticInvoke(
		"caracal-cdk8s-bridge.Manifests",
		"add",
		[]interface{}{scope, id, json},
		&returns,
	)

	return returns
}

// Adds to scope the API objects of the manifests in json, in order, as add does each, in one call.
func Manifests_AddAll(scope constructs.Construct, ids *[]*string, json *string) *[]cdk8s.ApiObject {
	_init_.Initialize()

	if err := validateManifests_AddAllParameters(scope, ids, json); err != nil {
		panic(err)
	}
	var returns *[]cdk8s.ApiObject

	_jsii_.StaticInvoke(
		"caracal-cdk8s-bridge.Manifests",
		"addAll",
		[]interface{}{scope, ids, json},
		&returns,
	)

	return returns
}

// Adds to scope a construct id, and to that construct the API objects of the manifests in json, as addAll does, in one call: a construct that holds nothing but its objects costs one call, not two.
//
// Returns: the new construct, then its objects in order.
func Manifests_AddScope(scope constructs.Construct, id *string, ids *[]*string, json *string) *[]constructs.Construct {
	_init_.Initialize()

	if err := validateManifests_AddScopeParameters(scope, id, ids, json); err != nil {
		panic(err)
	}
	var returns *[]constructs.Construct

	_jsii_.StaticInvoke(
		"caracal-cdk8s-bridge.Manifests",
		"addScope",
		[]interface{}{scope, id, ids, json},
		&returns,
	)

	return returns
}

// Adds to scope a tree of constructs and API objects, in one call: json is a JSON array of entries, in order, each either an object ({"id": ..., "manifest": {...}}, made as add makes it) or a construct ({"id": ..., "scope": [entries]}, whose entries are added to it in turn). A construct that holds other constructs costs one call, not one per construct.
//
// Returns: what was made, in the order of the entries, each construct
// followed by what it holds.
func Manifests_AddTree(scope constructs.Construct, json *string) *[]constructs.Construct {
	_init_.Initialize()

	if err := validateManifests_AddTreeParameters(scope, json); err != nil {
		panic(err)
	}
	var returns *[]constructs.Construct

	_jsii_.StaticInvoke(
		"caracal-cdk8s-bridge.Manifests",
		"addTree",
		[]interface{}{scope, json},
		&returns,
	)

	return returns
}

// Writes the manifests of the charts, as Chart.toJson resolves each, to the file at path, as JSON text: an array with one array per chart, in the order of charts. They are most of what a synthesis moves, and a file moves them once; a jsii result would cross two pipes (through the runtime's relay process) and be parsed on each side of them.
func Manifests_ResolveAll(charts *[]cdk8s.Chart, path *string) {
	_init_.Initialize()

	if err := validateManifests_ResolveAllParameters(charts, path); err != nil {
		panic(err)
	}
	_jsii_.StaticInvokeVoid(
		"caracal-cdk8s-bridge.Manifests",
		"resolveAll",
		[]interface{}{charts, path},
	)
}

// Makes an app and resolves its charts, in one call: the file at plan holds the plan of the app, as JSON, {"charts": [...], "resolve": [...]}, where each chart is a tree's entry ({"id": ..., "scope": [entries]}, see addTree), made in order in a new App with cdk8s's hash suffixes disabled, and resolve lists the indexes of the charts whose manifests go, in that order, to the file at path, as resolveAll writes them. The plan, some hundred kilobytes, comes in a file for the reason the manifests go out in one: as a jsii argument it would be escaped into the request and parsed twice. Nothing made is returned: the app is of no use once resolved, and a handle costs a conversion on each side.
func Manifests_Synth(plan *string, path *string) {
	_init_.Initialize()

	if err := validateManifests_SynthParameters(plan, path); err != nil {
		panic(err)
	}
	_jsii_.StaticInvokeVoid(
		"caracal-cdk8s-bridge.Manifests",
		"synth",
		[]interface{}{plan, path},
	)
}
