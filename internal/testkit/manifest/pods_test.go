package manifest

import (
	"encoding/json"
	"reflect"
	"testing"
)

// goodPod meets every rule of PodProblems.
const goodPod = `{
  "automountServiceAccountToken": false,
  "securityContext": {"runAsNonRoot": true, "runAsUser": 10001, "runAsGroup": 10001, "fsGroup": 10001,
    "seccompProfile": {"type": "RuntimeDefault"}},
  "containers": [{
    "name": "app", "image": "ghcr.io/caracal/app:1.2.3", "imagePullPolicy": "IfNotPresent",
    "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsNonRoot": true,
      "runAsUser": 10001, "runAsGroup": 10001, "capabilities": {"drop": ["ALL"]}, "seccompProfile": {"type": "RuntimeDefault"}},
    "resources": {"requests": {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "1Gi"},
      "limits": {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "1Gi"}},
    "readinessProbe": {"httpGet": {"path": "/readyz"}},
    "livenessProbe": {"httpGet": {"path": "/livez"}}
  }]
}`

func pod(t *testing.T, edit func(spec, container map[string]any)) Object {
	t.Helper()
	var spec map[string]any
	if err := json.Unmarshal([]byte(goodPod), &spec); err != nil {
		t.Fatal(err)
	}
	edit(spec, spec["containers"].([]any)[0].(map[string]any))
	return Object(spec)
}

// PodProblems finds nothing in a compliant pod, and names each fault of
// a container, in the order of its checks.
func TestPodProblems(t *testing.T) {
	if p := PodProblems(pod(t, func(_, _ map[string]any) {})); len(p) != 0 {
		t.Fatalf("a compliant pod has problems: %v", p)
	}
	got := PodProblems(pod(t, func(_, c map[string]any) {
		sc := c["securityContext"].(map[string]any)
		sc["privileged"] = true
		sc["runAsUser"] = 1000
		sc["capabilities"] = map[string]any{"drop": []any{"NET_RAW"}, "add": []any{"SYS_ADMIN"}}
		delete(c["resources"].(map[string]any)["limits"].(map[string]any), "ephemeral-storage")
		c["image"] = "ghcr.io/caracal/app:latest"
		delete(c, "imagePullPolicy")
		c["livenessProbe"] = c["readinessProbe"]
	}))
	want := []string{
		"container app: privileged",
		"container app: runAsUser 1000 is not above 10000",
		"container app: capabilities.drop is [NET_RAW], not [ALL]",
		"container app: adds capabilities [SYS_ADMIN]",
		"container app: no ephemeral-storage limits",
		`container app: image "ghcr.io/caracal/app:latest" is not pinned`,
		"container app: no imagePullPolicy",
		"container app: readiness and liveness probes are the same",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
	// A pod that runs to completion needs no probes.
	got = PodProblems(pod(t, func(s, c map[string]any) {
		s["restartPolicy"] = "Never"
		delete(c, "readinessProbe")
		delete(c, "livenessProbe")
	}))
	if len(got) != 0 {
		t.Errorf("a Job's pod without probes has problems: %v", got)
	}
}
