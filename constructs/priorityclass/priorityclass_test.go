package priorityclass_test

import (
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/priorityclass"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"github.com/aws/constructs-go/constructs/v10"
)

func TestPriorityClass(t *testing.T) {
	objs := testkit.Construct(t, func(scope constructs.Construct) {
		priorityclass.NewPriorityClass(scope, "pc", priorityclass.Props{
			Release: kube.Release{Name: "caracal", Namespace: "payments", Version: "0.3.0"}, Name: "payments-datastores", Value: 100000,
		})
	})
	pc := objs.Must(t, "PriorityClass", "payments-datastores")
	if pc.Has("metadata.namespace") {
		t.Error("a PriorityClass is cluster-wide")
	}
	if pc.Int("value") != 100000 || testkit.Sprint(pc.MustGet(t, "globalDefault")) != "false" || pc.Str("preemptionPolicy") != "PreemptLowerPriority" {
		t.Errorf("%v", pc)
	}
	for _, p := range testkit.LabelProblems(pc) {
		t.Error(p)
	}
}
