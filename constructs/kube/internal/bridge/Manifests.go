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

// The chart's manifests, as Chart.toJson resolves them, in JSON text.
func Manifests_Resolve(chart cdk8s.Chart) *string {
	_init_.Initialize()

	if err := validateManifests_ResolveParameters(chart); err != nil {
		panic(err)
	}
	var returns *string

	_jsii_.StaticInvoke(
		"caracal-cdk8s-bridge.Manifests",
		"resolve",
		[]interface{}{chart},
		&returns,
	)

	return returns
}
