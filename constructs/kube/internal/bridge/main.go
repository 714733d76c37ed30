// caracal-cdk8s-bridge
package bridge

import (
	"reflect"

	_jsii_ "github.com/aws/jsii-runtime-go/runtime"
)

func init() {
	_jsii_.RegisterClass(
		"caracal-cdk8s-bridge.Manifests",
		reflect.TypeOf((*Manifests)(nil)).Elem(),
		nil, // no members
		func() interface{} {
			return &jsiiProxy_Manifests{}
		},
	)
}
