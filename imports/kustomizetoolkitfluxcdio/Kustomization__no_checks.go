//go:build no_runtime_type_checking

package kustomizetoolkitfluxcdio

// Building without runtime type checking enabled, so all the below just return nil

func validateKustomization_IsApiObjectParameters(o interface{}) error {
	return nil
}

func validateKustomization_IsConstructParameters(x interface{}) error {
	return nil
}

func validateKustomization_ManifestParameters(props *KustomizationProps) error {
	return nil
}

func validateKustomization_OfParameters(c constructs.IConstruct) error {
	return nil
}

func validateNewKustomizationParameters(scope constructs.Construct, id *string, props *KustomizationProps) error {
	return nil
}

