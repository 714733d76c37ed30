// external-secretsio
package externalsecretsio

import (
	"reflect"

	_jsii_ "github.com/aws/jsii-runtime-go/runtime"
)

func init() {
	_jsii_.RegisterClass(
		"external-secretsio.ExternalSecret",
		reflect.TypeOf((*ExternalSecret)(nil)).Elem(),
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
			j := jsiiProxy_ExternalSecret{}
			_jsii_.InitJsiiProxy(&j.Type__cdk8sApiObject)
			return &j
		},
	)
	_jsii_.RegisterStruct(
		"external-secretsio.ExternalSecretProps",
		reflect.TypeOf((*ExternalSecretProps)(nil)).Elem(),
	)
	_jsii_.RegisterStruct(
		"external-secretsio.ExternalSecretSpec",
		reflect.TypeOf((*ExternalSecretSpec)(nil)).Elem(),
	)
	_jsii_.RegisterStruct(
		"external-secretsio.ExternalSecretSpecData",
		reflect.TypeOf((*ExternalSecretSpecData)(nil)).Elem(),
	)
	_jsii_.RegisterStruct(
		"external-secretsio.ExternalSecretSpecDataRemoteRef",
		reflect.TypeOf((*ExternalSecretSpecDataRemoteRef)(nil)).Elem(),
	)
	_jsii_.RegisterEnum(
		"external-secretsio.ExternalSecretSpecDataRemoteRefConversionStrategy",
		reflect.TypeOf((*ExternalSecretSpecDataRemoteRefConversionStrategy)(nil)).Elem(),
		map[string]interface{}{
			"DEFAULT": ExternalSecretSpecDataRemoteRefConversionStrategy_DEFAULT,
			"UNICODE": ExternalSecretSpecDataRemoteRefConversionStrategy_UNICODE,
		},
	)
	_jsii_.RegisterEnum(
		"external-secretsio.ExternalSecretSpecDataRemoteRefDecodingStrategy",
		reflect.TypeOf((*ExternalSecretSpecDataRemoteRefDecodingStrategy)(nil)).Elem(),
		map[string]interface{}{
			"AUTO": ExternalSecretSpecDataRemoteRefDecodingStrategy_AUTO,
			"BASE64": ExternalSecretSpecDataRemoteRefDecodingStrategy_BASE64,
			"BASE64_URL": ExternalSecretSpecDataRemoteRefDecodingStrategy_BASE64_URL,
			"NONE": ExternalSecretSpecDataRemoteRefDecodingStrategy_NONE,
		},
	)
	_jsii_.RegisterEnum(
		"external-secretsio.ExternalSecretSpecRefreshPolicy",
		reflect.TypeOf((*ExternalSecretSpecRefreshPolicy)(nil)).Elem(),
		map[string]interface{}{
			"CREATED_ONCE": ExternalSecretSpecRefreshPolicy_CREATED_ONCE,
			"PERIODIC": ExternalSecretSpecRefreshPolicy_PERIODIC,
			"ON_CHANGE": ExternalSecretSpecRefreshPolicy_ON_CHANGE,
		},
	)
	_jsii_.RegisterStruct(
		"external-secretsio.ExternalSecretSpecSecretStoreRef",
		reflect.TypeOf((*ExternalSecretSpecSecretStoreRef)(nil)).Elem(),
	)
	_jsii_.RegisterEnum(
		"external-secretsio.ExternalSecretSpecSecretStoreRefKind",
		reflect.TypeOf((*ExternalSecretSpecSecretStoreRefKind)(nil)).Elem(),
		map[string]interface{}{
			"SECRET_STORE": ExternalSecretSpecSecretStoreRefKind_SECRET_STORE,
			"CLUSTER_SECRET_STORE": ExternalSecretSpecSecretStoreRefKind_CLUSTER_SECRET_STORE,
		},
	)
	_jsii_.RegisterStruct(
		"external-secretsio.ExternalSecretSpecTarget",
		reflect.TypeOf((*ExternalSecretSpecTarget)(nil)).Elem(),
	)
	_jsii_.RegisterEnum(
		"external-secretsio.ExternalSecretSpecTargetCreationPolicy",
		reflect.TypeOf((*ExternalSecretSpecTargetCreationPolicy)(nil)).Elem(),
		map[string]interface{}{
			"OWNER": ExternalSecretSpecTargetCreationPolicy_OWNER,
			"ORPHAN": ExternalSecretSpecTargetCreationPolicy_ORPHAN,
			"MERGE": ExternalSecretSpecTargetCreationPolicy_MERGE,
			"NONE": ExternalSecretSpecTargetCreationPolicy_NONE,
		},
	)
	_jsii_.RegisterEnum(
		"external-secretsio.ExternalSecretSpecTargetDeletionPolicy",
		reflect.TypeOf((*ExternalSecretSpecTargetDeletionPolicy)(nil)).Elem(),
		map[string]interface{}{
			"DELETE": ExternalSecretSpecTargetDeletionPolicy_DELETE,
			"MERGE": ExternalSecretSpecTargetDeletionPolicy_MERGE,
			"RETAIN": ExternalSecretSpecTargetDeletionPolicy_RETAIN,
		},
	)
	_jsii_.RegisterStruct(
		"external-secretsio.ExternalSecretSpecTargetTemplate",
		reflect.TypeOf((*ExternalSecretSpecTargetTemplate)(nil)).Elem(),
	)
	_jsii_.RegisterStruct(
		"external-secretsio.ExternalSecretSpecTargetTemplateMetadata",
		reflect.TypeOf((*ExternalSecretSpecTargetTemplateMetadata)(nil)).Elem(),
	)
}
