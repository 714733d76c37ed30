// kustomizetoolkitfluxcdio
package kustomizetoolkitfluxcdio

import (
	"reflect"

	_jsii_ "github.com/aws/jsii-runtime-go/runtime"
)

func init() {
	_jsii_.RegisterClass(
		"kustomizetoolkitfluxcdio.Kustomization",
		reflect.TypeOf((*Kustomization)(nil)).Elem(),
		[]_jsii_.Member{
			_jsii_.MemberMethod{JsiiMethod: "addDependency", GoMethod: "AddDependency"},
			_jsii_.MemberMethod{JsiiMethod: "addJsonPatch", GoMethod: "AddJsonPatch"},
			_jsii_.MemberProperty{JsiiProperty: "apiGroup", GoGetter: "ApiGroup"},
			_jsii_.MemberProperty{JsiiProperty: "apiVersion", GoGetter: "ApiVersion"},
			_jsii_.MemberProperty{JsiiProperty: "chart", GoGetter: "Chart"},
			_jsii_.MemberProperty{JsiiProperty: "kind", GoGetter: "Kind"},
			_jsii_.MemberProperty{JsiiProperty: "metadata", GoGetter: "Metadata"},
			_jsii_.MemberProperty{JsiiProperty: "name", GoGetter: "Name"},
			_jsii_.MemberProperty{JsiiProperty: "node", GoGetter: "Node"},
			_jsii_.MemberMethod{JsiiMethod: "toJson", GoMethod: "ToJson"},
			_jsii_.MemberMethod{JsiiMethod: "toString", GoMethod: "ToString"},
		},
		func() interface{} {
			j := jsiiProxy_Kustomization{}
			_jsii_.InitJsiiProxy(&j.Type__cdk8sApiObject)
			return &j
		},
	)
	_jsii_.RegisterStruct(
		"kustomizetoolkitfluxcdio.KustomizationProps",
		reflect.TypeOf((*KustomizationProps)(nil)).Elem(),
	)
	_jsii_.RegisterStruct(
		"kustomizetoolkitfluxcdio.KustomizationSpec",
		reflect.TypeOf((*KustomizationSpec)(nil)).Elem(),
	)
	_jsii_.RegisterStruct(
		"kustomizetoolkitfluxcdio.KustomizationSpecDependsOn",
		reflect.TypeOf((*KustomizationSpecDependsOn)(nil)).Elem(),
	)
	_jsii_.RegisterStruct(
		"kustomizetoolkitfluxcdio.KustomizationSpecSourceRef",
		reflect.TypeOf((*KustomizationSpecSourceRef)(nil)).Elem(),
	)
	_jsii_.RegisterEnum(
		"kustomizetoolkitfluxcdio.KustomizationSpecSourceRefKind",
		reflect.TypeOf((*KustomizationSpecSourceRefKind)(nil)).Elem(),
		map[string]interface{}{
			"OCI_REPOSITORY": KustomizationSpecSourceRefKind_OCI_REPOSITORY,
			"GIT_REPOSITORY": KustomizationSpecSourceRefKind_GIT_REPOSITORY,
			"BUCKET": KustomizationSpecSourceRefKind_BUCKET,
		},
	)
}
