package manifest

import (
	"fmt"
	"reflect"
	"strings"
)

// PodProblems lists every way a pod spec falls short of what each Caracal
// pod must meet: Pod Security "restricted", UID and GID above 10000, a
// read-only root filesystem, requests and limits including
// ephemeral-storage, distinct readiness and liveness probes, pinned images
// with an explicit pull policy, and no service account token. Probes are
// for long-running pods: a Job's pod (restartPolicy Never or OnFailure)
// runs to completion.
func PodProblems(spec Object) []string {
	var probs []string
	bad := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }
	if v, _ := spec.Get("automountServiceAccountToken"); v != false {
		bad("automountServiceAccountToken is not false")
	}
	for _, k := range []string{"hostNetwork", "hostPID", "hostIPC"} {
		if v, _ := spec.Get(k); v == true {
			bad("%s is set", k)
		}
	}
	if v, _ := spec.Get("securityContext.runAsNonRoot"); v != true {
		bad("pod runAsNonRoot is not true")
	}
	for _, k := range []string{"runAsUser", "runAsGroup", "fsGroup"} {
		if n := spec.Int("securityContext." + k); n <= 10000 {
			bad("pod %s %d is not above 10000", k, n)
		}
	}
	if s := spec.Str("securityContext.seccompProfile.type"); s != "RuntimeDefault" {
		bad("pod seccompProfile %q", s)
	}
	for _, v := range listOf(spec, "volumes") {
		if _, ok := v["hostPath"]; ok {
			bad("volume %v uses hostPath", v["name"])
		}
	}
	containers := append(listOf(spec, "initContainers"), listOf(spec, "containers")...)
	if len(listOf(spec, "containers")) == 0 {
		bad("no containers")
	}
	runsToCompletion := spec.Str("restartPolicy") == "Never" || spec.Str("restartPolicy") == "OnFailure"
	for _, c := range containers {
		probs = append(probs, containerProblems(Object(c), isInit(spec, c) || runsToCompletion)...)
	}
	return probs
}

func isInit(spec Object, c map[string]any) bool {
	for _, ic := range listOf(spec, "initContainers") {
		if reflect.DeepEqual(ic, c) {
			return true
		}
	}
	return false
}

// report records one problem, printf-style.
type report func(format string, args ...any)

func containerProblems(c Object, noProbes bool) []string {
	name := c.Str("name")
	var probs []string
	bad := func(format string, args ...any) {
		probs = append(probs, fmt.Sprintf("container %s: ", name)+fmt.Sprintf(format, args...))
	}
	containerSecurityProblems(c, bad)
	resourceProblems(c, bad)
	imageProblems(c, bad)
	if !noProbes {
		probeProblems(c, bad)
	}
	return probs
}

// containerSecurityProblems checks the container's securityContext
// against Pod Security "restricted", with UID and GID above 10000 and a
// read-only root filesystem.
func containerSecurityProblems(c Object, bad report) {
	sc := "securityContext."
	if v, _ := c.Get(sc + "allowPrivilegeEscalation"); v != false {
		bad("allowPrivilegeEscalation is not false")
	}
	if v, _ := c.Get(sc + "privileged"); v == true {
		bad("privileged")
	}
	if v, _ := c.Get(sc + "readOnlyRootFilesystem"); v != true {
		bad("readOnlyRootFilesystem is not true")
	}
	if v, _ := c.Get(sc + "runAsNonRoot"); v != true {
		bad("runAsNonRoot is not true")
	}
	if n := c.Int(sc + "runAsUser"); n <= 10000 {
		bad("runAsUser %d is not above 10000", n)
	}
	if n := c.Int(sc + "runAsGroup"); n <= 10000 {
		bad("runAsGroup %d is not above 10000", n)
	}
	if drop, _ := c.Get(sc + "capabilities.drop"); !reflect.DeepEqual(drop, []any{"ALL"}) {
		bad("capabilities.drop is %v, not [ALL]", drop)
	}
	if add, ok := c.Get(sc + "capabilities.add"); ok {
		bad("adds capabilities %v", add)
	}
	if s := c.Str(sc + "seccompProfile.type"); s != "RuntimeDefault" {
		bad("seccompProfile %q", s)
	}
}

// resourceProblems wants requests and limits of cpu, memory and
// ephemeral-storage.
func resourceProblems(c Object, bad report) {
	for _, kind := range []string{"requests", "limits"} {
		for _, r := range []string{"cpu", "memory", "ephemeral-storage"} {
			if c.Str("resources."+kind+"."+r) == "" {
				bad("no %s %s", r, kind)
			}
		}
	}
}

// imageProblems wants a pinned image (a tag, not latest) and an explicit
// pull policy.
func imageProblems(c Object, bad report) {
	image := c.Str("image")
	if i := strings.LastIndex(image, ":"); i < 0 || strings.Contains(image[i:], "/") || image[i+1:] == "latest" {
		bad("image %q is not pinned", image)
	}
	if p := c.Str("imagePullPolicy"); p == "" {
		bad("no imagePullPolicy")
	}
}

// probeProblems wants readiness and liveness probes that differ.
func probeProblems(c Object, bad report) {
	ready, hasReady := c.Get("readinessProbe")
	live, hasLive := c.Get("livenessProbe")
	switch {
	case !hasReady:
		bad("no readinessProbe")
	case !hasLive:
		bad("no livenessProbe")
	case reflect.DeepEqual(ready, live):
		bad("readiness and liveness probes are the same")
	}
}

func listOf(o Object, path string) []map[string]any {
	v, _ := o.Get(path)
	items, _ := v.([]any)
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		if m, ok := it.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// Env returns a container's environment variables by name.
func Env(container Object) map[string]Object {
	out := map[string]Object{}
	for _, e := range listOf(container, "env") {
		out[e["name"].(string)] = Object(e)
	}
	return out
}

// Containers returns a pod spec's containers by name.
func Containers(spec Object) map[string]Object {
	out := map[string]Object{}
	for _, c := range listOf(spec, "containers") {
		out[c["name"].(string)] = Object(c)
	}
	return out
}
