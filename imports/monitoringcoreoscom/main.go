// monitoringcoreoscom
package monitoringcoreoscom

import (
	"reflect"

	_jsii_ "github.com/aws/jsii-runtime-go/runtime"
)

func init() {
	_jsii_.RegisterClass(
		"monitoringcoreoscom.PrometheusRule",
		reflect.TypeOf((*PrometheusRule)(nil)).Elem(),
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
			j := jsiiProxy_PrometheusRule{}
			_jsii_.InitJsiiProxy(&j.Type__cdk8sApiObject)
			return &j
		},
	)
	_jsii_.RegisterStruct(
		"monitoringcoreoscom.PrometheusRuleProps",
		reflect.TypeOf((*PrometheusRuleProps)(nil)).Elem(),
	)
	_jsii_.RegisterStruct(
		"monitoringcoreoscom.PrometheusRuleSpec",
		reflect.TypeOf((*PrometheusRuleSpec)(nil)).Elem(),
	)
	_jsii_.RegisterStruct(
		"monitoringcoreoscom.PrometheusRuleSpecGroups",
		reflect.TypeOf((*PrometheusRuleSpecGroups)(nil)).Elem(),
	)
	_jsii_.RegisterStruct(
		"monitoringcoreoscom.PrometheusRuleSpecGroupsRules",
		reflect.TypeOf((*PrometheusRuleSpecGroupsRules)(nil)).Elem(),
	)
	_jsii_.RegisterClass(
		"monitoringcoreoscom.ServiceMonitor",
		reflect.TypeOf((*ServiceMonitor)(nil)).Elem(),
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
			j := jsiiProxy_ServiceMonitor{}
			_jsii_.InitJsiiProxy(&j.Type__cdk8sApiObject)
			return &j
		},
	)
	_jsii_.RegisterStruct(
		"monitoringcoreoscom.ServiceMonitorProps",
		reflect.TypeOf((*ServiceMonitorProps)(nil)).Elem(),
	)
	_jsii_.RegisterStruct(
		"monitoringcoreoscom.ServiceMonitorSpec",
		reflect.TypeOf((*ServiceMonitorSpec)(nil)).Elem(),
	)
	_jsii_.RegisterStruct(
		"monitoringcoreoscom.ServiceMonitorSpecEndpoints",
		reflect.TypeOf((*ServiceMonitorSpecEndpoints)(nil)).Elem(),
	)
	_jsii_.RegisterEnum(
		"monitoringcoreoscom.ServiceMonitorSpecEndpointsScheme",
		reflect.TypeOf((*ServiceMonitorSpecEndpointsScheme)(nil)).Elem(),
		map[string]interface{}{
			"HTTP": ServiceMonitorSpecEndpointsScheme_HTTP,
			"HTTPS": ServiceMonitorSpecEndpointsScheme_HTTPS,
		},
	)
	_jsii_.RegisterStruct(
		"monitoringcoreoscom.ServiceMonitorSpecNamespaceSelector",
		reflect.TypeOf((*ServiceMonitorSpecNamespaceSelector)(nil)).Elem(),
	)
	_jsii_.RegisterStruct(
		"monitoringcoreoscom.ServiceMonitorSpecSelector",
		reflect.TypeOf((*ServiceMonitorSpecSelector)(nil)).Elem(),
	)
}
