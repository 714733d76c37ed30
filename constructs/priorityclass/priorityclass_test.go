package priorityclass_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/priorityclass"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
)

var release = kube.Release{Name: "caracal", Namespace: "payments", Version: "0.3.0"}

func build(p priorityclass.Props) *priorityclass.PriorityClass {
	return priorityclass.NewPriorityClass(manifest.Chart(), "pc", p)
}

func TestPriorityClass(t *testing.T) {
	pc := build(priorityclass.Props{Release: release, Name: "payments-datastores", Value: 100000})
	var got struct {
		Kind     string
		Metadata struct {
			Name      string
			Namespace *string
			Labels    map[string]string
		}
		Value            int
		GlobalDefault    *bool
		PreemptionPolicy string
		Description      string
	}
	raw, err := json.Marshal(pc.PriorityClass.ToJson())
	if err == nil {
		err = json.Unmarshal(raw, &got)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != "PriorityClass" || got.Metadata.Name != "payments-datastores" || got.Metadata.Namespace != nil {
		t.Errorf("%s %q in %v, want the cluster-wide PriorityClass payments-datastores", got.Kind, got.Metadata.Name, got.Metadata.Namespace)
	}
	// Never the default: every other pod of the cluster would get it.
	if got.Value != 100000 || got.GlobalDefault == nil || *got.GlobalDefault || got.PreemptionPolicy != "PreemptLowerPriority" {
		t.Errorf("value %d, globalDefault %v, preemption %q", got.Value, got.GlobalDefault, got.PreemptionPolicy)
	}
	if !strings.Contains(got.Description, "payments") || got.Metadata.Labels["app.kubernetes.io/component"] != priorityclass.Component {
		t.Errorf("description %q, labels %v", got.Description, got.Metadata.Labels)
	}
}

func TestPriorityClassErrors(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		props      priorityclass.Props
	}{
		{"no release name", "priorityclass: Props.Release.Name is empty", priorityclass.Props{Release: kube.Release{Namespace: "payments"}, Name: "pc", Value: 1}},
		{"no namespace", "priorityclass: Props.Release.Namespace is empty", priorityclass.Props{Release: kube.Release{Name: "caracal"}, Name: "pc", Value: 1}},
		{"no name", "priorityclass: Props.Name is empty", priorityclass.Props{Release: release, Value: 1}},
		{"zero value", "priorityclass: Props.Value 0 is not from 1 to 1000000000", priorityclass.Props{Release: release, Name: "pc"}},
		{"negative value", "Props.Value -5 is not", priorityclass.Props{Release: release, Name: "pc", Value: -5}},
		{"a system value", "Props.Value 1000000001 is not", priorityclass.Props{Release: release, Name: "pc", Value: priorityclass.MaxValue + 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if got := fmt.Sprint(recover()); !strings.Contains(got, tc.want) {
					t.Errorf("panic %q, want %q", got, tc.want)
				}
			}()
			build(tc.props)
		})
	}
	build(priorityclass.Props{Release: release, Name: "pc", Value: priorityclass.MaxValue}) // the highest allowed
}
