//go:build !no_runtime_type_checking

package bridge

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

func validateManifests_AddParameters(scope constructs.Construct, id *string, json *string) error {
	if scope == nil {
		return fmt.Errorf("parameter scope is required, but nil was provided")
	}

	if id == nil {
		return fmt.Errorf("parameter id is required, but nil was provided")
	}

	if json == nil {
		return fmt.Errorf("parameter json is required, but nil was provided")
	}

	return nil
}

func validateManifests_AddAllParameters(scope constructs.Construct, ids *[]*string, json *string) error {
	if scope == nil {
		return fmt.Errorf("parameter scope is required, but nil was provided")
	}

	if ids == nil {
		return fmt.Errorf("parameter ids is required, but nil was provided")
	}

	if json == nil {
		return fmt.Errorf("parameter json is required, but nil was provided")
	}

	return nil
}

func validateManifests_AddScopeParameters(scope constructs.Construct, id *string, ids *[]*string, json *string) error {
	if scope == nil {
		return fmt.Errorf("parameter scope is required, but nil was provided")
	}

	if id == nil {
		return fmt.Errorf("parameter id is required, but nil was provided")
	}

	if ids == nil {
		return fmt.Errorf("parameter ids is required, but nil was provided")
	}

	if json == nil {
		return fmt.Errorf("parameter json is required, but nil was provided")
	}

	return nil
}

func validateManifests_AddTreeParameters(scope constructs.Construct, json *string) error {
	if scope == nil {
		return fmt.Errorf("parameter scope is required, but nil was provided")
	}

	if json == nil {
		return fmt.Errorf("parameter json is required, but nil was provided")
	}

	return nil
}

func validateManifests_ResolveAllParameters(charts *[]cdk8s.Chart, path *string) error {
	if charts == nil {
		return fmt.Errorf("parameter charts is required, but nil was provided")
	}

	if path == nil {
		return fmt.Errorf("parameter path is required, but nil was provided")
	}

	return nil
}

func validateManifests_SynthParameters(plan *string, path *string) error {
	if plan == nil {
		return fmt.Errorf("parameter plan is required, but nil was provided")
	}

	if path == nil {
		return fmt.Errorf("parameter path is required, but nil was provided")
	}

	return nil
}
