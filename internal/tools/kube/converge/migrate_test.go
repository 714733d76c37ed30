package main

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The README's runbook has every step, and the steps the harness runs
// are plain kubectl commands it can run as written.
func TestReadmeRunbook(t *testing.T) {
	rb, err := readRunbook("../../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range runbookSteps {
		for _, line := range rb[step] {
			if step != "sync" && (!strings.HasPrefix(line, "kubectl -n caracal ") || strings.ContainsAny(line, "|;&$`\"'<>")) {
				t.Errorf("step %s: %q is not a plain kubectl command in the release's namespace", step, line)
			}
		}
	}
	if !strings.Contains(strings.Join(rb["orphan"], "\n"), "--cascade=orphan") {
		t.Error("the orphan step must keep the pods (--cascade=orphan)")
	}
}

func TestClaimProblems(t *testing.T) {
	before := map[string]claimState{"data-caracal-postgres-0": {"u1", "disk-a-000"}, "data-caracal-redis-0": {"u2", "disk-b-001"}}
	if p := claimProblems(before, before); len(p) != 0 {
		t.Errorf("the same claims: %v", p)
	}
	after := map[string]claimState{"data-caracal-postgres-0": {"u9", "disk-a-000"}}
	p := strings.Join(claimProblems(before, after), "\n")
	if !strings.Contains(p, "data-caracal-postgres-0 was UID u1 on disk-a-000, and is UID u9") || !strings.Contains(p, "data-caracal-redis-0 is gone") {
		t.Errorf("got %s", p)
	}
}

func TestHelmMark(t *testing.T) {
	u := &unstructured.Unstructured{}
	if helmMark(u) != "" {
		t.Error("an object without Helm's marks")
	}
	u.SetLabels(map[string]string{"app.kubernetes.io/managed-by": "Helm"})
	u.SetAnnotations(map[string]string{"meta.helm.sh/release-name": "caracal"})
	if got := helmMark(u); got != "managed-by: Helm, meta.helm.sh/release-name" {
		t.Errorf("got %q", got)
	}
	u.SetLabels(map[string]string{"owner": "helm", "name": "caracal"})
	u.SetAnnotations(nil)
	if got := helmMark(u); got != "Helm's release record" {
		t.Errorf("got %q", got)
	}
}
