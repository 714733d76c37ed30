package main

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/argoproj/gitops-engine/pkg/sync"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestSummarizeDiff(t *testing.T) {
	live := `{"metadata":{"name":"x","resourceVersion":"1","annotations":{"a.b/c":"1"}},"spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"c","image":"v1"}]}}}}`
	predicted := `{"metadata":{"name":"x","resourceVersion":"2","annotations":{"a.b/c":"2"}},"spec":{"replicas":3,"paused":true,"template":{"spec":{"containers":[{"name":"c","image":"v2"},{"name":"d"}]}}}}`
	got := summarizeDiff([]byte(live), []byte(predicted))
	want := "metadata.annotations[a.b/c], spec.paused, spec.replicas, spec.template.spec.containers[0].image, spec.template.spec.containers[1]"
	if got != want {
		t.Errorf("summary\n %s\nwant\n %s", got, want)
	}
	if s := summarizeDiff([]byte(`{"a":1}`), []byte(`{"a":1}`)); s != "differs" {
		t.Errorf("no visible path: %q", s)
	}
	var many []string
	for _, k := range strings.Split("a b c d e f g h i j", " ") {
		many = append(many, `"`+k+`":1`)
	}
	s := summarizeDiff([]byte(`{}`), []byte("{"+strings.Join(many, ",")+"}"))
	if !strings.HasSuffix(s, "(+2 more)") {
		t.Errorf("long summary %q", s)
	}
}

func secret(data map[string]string, stringData map[string]string) *unstructured.Unstructured {
	u := obj("v1", "Secret", "caracal", "creds")
	if data != nil {
		m := map[string]interface{}{}
		for k, v := range data {
			m[k] = base64.StdEncoding.EncodeToString([]byte(v))
		}
		u.Object["data"] = m
	}
	if stringData != nil {
		m := map[string]interface{}{}
		for k, v := range stringData {
			m[k] = v
		}
		u.Object["stringData"] = m
	}
	return u
}

// The OutOfSync summary of a Secret names keys, never values (plain or
// base64), whichever diff Argo CD would use.
func TestCompareSecretDoesNotLeak(t *testing.T) {
	const oldValue, newValue = "old-pa55word", "new-pa55word"
	for _, serverSide := range []bool{true, false} {
		target := secret(nil, map[string]string{"password": newValue, "user": "admin"})
		live := secret(map[string]string{"password": oldValue, "user": "admin"}, nil)
		recon := sync.ReconciliationResult{
			Target: []*unstructured.Unstructured{target},
			Live:   []*unstructured.Unstructured{live},
		}
		statuses, err := compare(recon, "caracal", diffOptions(serverSide, nil))
		if err != nil {
			t.Fatal(err)
		}
		if len(statuses) != 1 || !statuses[0].OutOfSync || !statuses[0].Counted {
			t.Fatalf("server-side %v: statuses %+v", serverSide, statuses)
		}
		summary := statuses[0].Summary
		if !strings.Contains(summary, "data.password") {
			t.Errorf("server-side %v: summary %q should name data.password", serverSide, summary)
		}
		for _, secretText := range []string{oldValue, newValue,
			base64.StdEncoding.EncodeToString([]byte(oldValue)), base64.StdEncoding.EncodeToString([]byte(newValue)), "admin"} {
			if strings.Contains(summary, secretText) {
				t.Errorf("server-side %v: summary %q leaks %q", serverSide, summary, secretText)
			}
		}
		if strings.Contains(summary, "user") {
			t.Errorf("server-side %v: unchanged key listed: %q", serverSide, summary)
		}
	}
}

func TestCompareStatuses(t *testing.T) {
	cm := func(name string, data string) *unstructured.Unstructured {
		u := obj("v1", "ConfigMap", "caracal", name)
		u.Object["data"] = map[string]interface{}{"k": data}
		return u
	}
	same := cm("same", "v")
	sameLive := cm("same", "v")
	sameLive.Object["status"] = map[string]interface{}{"ignored": "by the */* status override"}
	extra := cm("extra", "v")
	extra.SetAnnotations(map[string]string{trackingAnnotation: "caracal:/ConfigMap:caracal/extra"})
	hookTarget := obj("batch/v1", "Job", "caracal", "migrate")
	hookTarget.SetAnnotations(map[string]string{"argocd.argoproj.io/hook": "Sync"})
	recon := sync.ReconciliationResult{
		Target: []*unstructured.Unstructured{same, cm("missing", "v"), cm("changed", "new"), nil, nil},
		Live:   []*unstructured.Unstructured{sameLive, nil, cm("changed", "old"), extra, hookTarget},
	}
	statuses, err := compare(recon, "caracal", diffOptions(false, nil))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]resourceStatus{}
	for _, s := range statuses {
		got[s.Key.Name] = s
	}
	if got["same"].OutOfSync {
		t.Errorf("same: %+v", got["same"])
	}
	if s := got["missing"]; !s.OutOfSync || s.Summary != "missing from the cluster" {
		t.Errorf("missing: %+v", s)
	}
	if s := got["changed"]; !s.OutOfSync || s.Summary != "data.k" {
		t.Errorf("changed: %+v", s)
	}
	if s := got["extra"]; !s.OutOfSync || !s.Counted || !strings.Contains(s.Summary, "pruned") {
		t.Errorf("extra: %+v", s)
	}
	if s := got["migrate"]; s.Counted || s.OutOfSync || !s.Hook {
		t.Errorf("hooks never count for the sync status: %+v", s)
	}
}
