//go:build no_runtime_type_checking

package monitoringcoreoscom

// Building without runtime type checking enabled, so all the below just return nil

func validatePrometheusRule_IsApiObjectParameters(o interface{}) error {
	return nil
}

func validatePrometheusRule_IsConstructParameters(x interface{}) error {
	return nil
}

func validatePrometheusRule_ManifestParameters(props *PrometheusRuleProps) error {
	return nil
}

func validatePrometheusRule_OfParameters(c constructs.IConstruct) error {
	return nil
}

func validateNewPrometheusRuleParameters(scope constructs.Construct, id *string, props *PrometheusRuleProps) error {
	return nil
}

