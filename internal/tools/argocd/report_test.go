package main

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/argoproj/gitops-engine/pkg/health"
	"github.com/argoproj/gitops-engine/pkg/sync/common"
	"github.com/argoproj/gitops-engine/pkg/utils/kube"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestRefAndLabels(t *testing.T) {
	if got := refOf("apps", "StatefulSet", "caracal", "caracal-postgres"); got != "apps/StatefulSet caracal/caracal-postgres" {
		t.Error(got)
	}
	if got := refOfKey(kube.NewResourceKey("", "Namespace", "", "caracal")); got != "/Namespace caracal" {
		t.Error(got)
	}
	if got := waveLabel(common.SyncPhaseSync, 3); got != "wave 3" {
		t.Error(got)
	}
	if got := waveLabel(common.SyncPhasePreSync, -1); got != "PreSync wave -1" {
		t.Error(got)
	}
	if got := healthText(&health.HealthStatus{Status: health.HealthStatusProgressing, Message: "waiting"}); got != "Progressing: waiting" {
		t.Error(got)
	}
	if got := duration(23456 * time.Millisecond); got != "23.5s" {
		t.Error(got)
	}
	if got := joinLimited([]string{"a", "b", "c"}, 2); got != "a; b; and 1 more" {
		t.Error(got)
	}
	if got := engineReason("one or more objects failed to apply, reason: boom"); got != "one or more objects failed to apply" {
		t.Error(got)
	}
}

func TestReporterOneLinePerEvent(t *testing.T) {
	var buf bytes.Buffer
	r := &reporter{w: &buf}
	r.printf("wave %d: %s", 1, "multi\nline\n")
	if got := buf.String(); got != "argocd: wave 1: multi line\n" {
		t.Errorf("%q", got)
	}
}

func TestResultEvent(t *testing.T) {
	key := kube.NewResourceKey("batch", "Job", "caracal", "caracal-db-init")
	hookRes := func(status common.ResultCode, phase common.OperationPhase, msg string) common.ResourceSyncResult {
		return common.ResourceSyncResult{ResourceKey: key, Status: status, HookPhase: phase, HookType: common.HookTypeSync, SyncPhase: common.SyncPhaseSync, Message: msg}
	}
	steps := []struct {
		cur  common.ResourceSyncResult
		want string
	}{
		{hookRes(common.ResultCodeSynced, common.OperationRunning, "job.batch/x serverside-applied"), "created (hook Sync)"},
		// the engine blanks a hook's status once it follows its phase
		{hookRes("", common.OperationRunning, "job running"), ""},
		{hookRes("", common.OperationSucceeded, "Reached expected number of succeeded pods"), "Succeeded"},
	}
	var prev *common.ResourceSyncResult
	for i, s := range steps {
		if got := resultEvent(prev, s.cur, true, false, true); got != s.want {
			t.Errorf("step %d: %q, want %q", i, got, s.want)
		}
		c := s.cur
		prev = &c
	}
	failed := hookRes("", common.OperationFailed, "Job has reached the specified backoff limit")
	if got := resultEvent(prev, failed, false, false, true); got != "Failed: Job has reached the specified backoff limit" {
		t.Error(got)
	}
	// An existing hook applied again.
	if got := resultEvent(nil, hookRes(common.ResultCodeSynced, common.OperationRunning, ""), false, false, true); got != "re-applied (hook Sync)" {
		t.Error(got)
	}

	res := func(status common.ResultCode, phase common.OperationPhase, msg string) common.ResourceSyncResult {
		return common.ResourceSyncResult{ResourceKey: kube.NewResourceKey("apps", "Deployment", "caracal", "web"), Status: status, HookPhase: phase, SyncPhase: common.SyncPhaseSync, Message: msg}
	}
	if got := resultEvent(nil, res(common.ResultCodeSynced, common.OperationRunning, ""), false, true, true); got != "configured" {
		t.Error(got)
	}
	if got := resultEvent(nil, res(common.ResultCodeSynced, common.OperationRunning, ""), false, false, true); got != "unchanged" {
		t.Error(got)
	}
	running := res(common.ResultCodeSynced, common.OperationRunning, "")
	if got := resultEvent(&running, res(common.ResultCodeSynced, common.OperationSucceeded, ""), false, false, true); got != "Healthy" {
		t.Error(got)
	}
	if got := resultEvent(&running, res(common.ResultCodeSynced, common.OperationSucceeded, ""), false, false, false); got != "" {
		t.Errorf("kinds without health check: %q", got)
	}
	if got := resultEvent(&running, res(common.ResultCodeSynced, common.OperationFailed, "Deployment exceeded its progress deadline"), false, false, true); got != "Degraded: Deployment exceeded its progress deadline" {
		t.Error(got)
	}
	if got := resultEvent(nil, res(common.ResultCodeSyncFailed, common.OperationFailed, "forbidden"), false, false, true); got != "SyncFailed: forbidden" {
		t.Error(got)
	}
	if got := resultEvent(nil, res(common.ResultCodePruned, common.OperationSucceeded, "pruned"), false, false, true); got != "pruned" {
		t.Error(got)
	}
	// A repeated identical state prints nothing.
	same := res(common.ResultCodeSynced, common.OperationRunning, "")
	if got := resultEvent(&same, same, false, false, true); got != "" {
		t.Error(got)
	}
}

func TestParseFlags(t *testing.T) {
	var stderr bytes.Buffer
	o, err := parseFlags([]string{"-kubeconfig", "k", "-dir", "d"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if o.app != "caracal" || !o.serverSide || o.expectInSync || o.timeout != 5*time.Minute {
		t.Errorf("defaults %+v", o)
	}
	o, err = parseFlags([]string{"-kubeconfig", "k", "-dir", "d", "-app", "x", "-timeout", "30s", "-server-side=false", "-expect-in-sync"}, &stderr)
	if err != nil || o.app != "x" || o.serverSide || !o.expectInSync || o.timeout != 30*time.Second {
		t.Errorf("%+v %v", o, err)
	}
	if _, err := parseFlags([]string{"-dir", "d"}, &stderr); err == nil {
		t.Error("-kubeconfig is required")
	}
	if code := run([]string{"-dir", "d"}, &bytes.Buffer{}, &bytes.Buffer{}); code != 2 {
		t.Errorf("usage error exit %d", code)
	}
	var out bytes.Buffer
	if code := run([]string{"-kubeconfig", "/nonexistent", "-dir", "testdata/nonexistent"}, &out, &bytes.Buffer{}); code != 1 ||
		!strings.HasPrefix(out.String(), "argocd: ComparisonError: cannot render") {
		t.Errorf("exit %d, output %q", code, out.String())
	}
}

func TestShorten(t *testing.T) {
	if shorten("short") != "short" {
		t.Error("short messages are kept")
	}
	long := "Job.batch \"migrate\" is invalid: spec.template: Invalid value: " + strings.Repeat("x", 2000) + ": field is immutable"
	got := shorten(long)
	if len(got) > maxMessage+10 || !strings.HasPrefix(got, "Job.batch \"migrate\" is invalid") || !strings.HasSuffix(got, "field is immutable") {
		t.Errorf("%d chars: %q", len(got), got)
	}
}

// No value of a target Secret reaches a line, whatever quotes it.
func TestReporterMasksSecretValues(t *testing.T) {
	var out strings.Builder
	r := &reporter{w: &out}
	secret := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "v1", "kind": "Secret", "metadata": map[string]interface{}{"name": "s"},
		"data":       map[string]interface{}{"password": base64.StdEncoding.EncodeToString([]byte("hunter2hunter2"))},
		"stringData": map[string]interface{}{"token": "s3cr3t-token"},
	}}
	r.maskSecrets([]*unstructured.Unstructured{secret})
	r.printf("apply failed: %s / %s / %s / %s", "hunter2hunter2", base64.StdEncoding.EncodeToString([]byte("hunter2hunter2")), "s3cr3t-token", base64.StdEncoding.EncodeToString([]byte("s3cr3t-token")))
	if got := out.String(); strings.Contains(got, "hunter2") || strings.Contains(got, "s3cr3t") || strings.Count(got, "***") != 4 {
		t.Errorf("line: %q", got)
	}
}
