package main

import (
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// kubeModuleVersion is the k8s.io/kubernetes version a tools module pins.
func kubeModuleVersion(t *testing.T, gomod string) string {
	t.Helper()
	data, err := os.ReadFile(gomod)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?k8s\.io/kubernetes (v1\.\d+\.\d+)\b`).FindSubmatch(data)
	if m == nil {
		t.Fatalf("%s pins no k8s.io/kubernetes", gomod)
	}
	return string(m[1])
}

// minor is 27 for v1.27.16.
func minor(t *testing.T, v string) int {
	t.Helper()
	parts := strings.Split(strings.TrimPrefix(v, "v"), ".")
	n, err := strconv.Atoi(parts[1])
	if len(parts) != 3 || parts[0] != "1" || err != nil {
		t.Fatalf("%q is no Kubernetes version v1.MINOR.PATCH", v)
	}
	return n
}

// The supported range is stated once in the README, and checked: the
// schemas of every minor in it (make validate), and the API servers of
// its two ends (make matrix). None of the three may drift from the others.
func TestKubernetesRangeIsStated(t *testing.T) {
	oldest := kubeModuleVersion(t, "internal/tools/kube-min/go.mod")
	newest := kubeModuleVersion(t, "internal/tools/kube-max/go.mod")

	makefile, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^SCHEMA_KUBE_VERSIONS := (.+)$`).FindSubmatch(makefile)
	if m == nil {
		t.Fatal("the Makefile sets no SCHEMA_KUBE_VERSIONS")
	}
	versions := strings.Fields(string(m[1]))
	if len(versions) == 0 {
		t.Fatal("SCHEMA_KUBE_VERSIONS is empty")
	}
	if versions[0] != oldest || versions[len(versions)-1] != newest {
		t.Errorf("SCHEMA_KUBE_VERSIONS runs from %s to %s; the API servers of make matrix are %s and %s", versions[0], versions[len(versions)-1], oldest, newest)
	}
	for i, v := range versions {
		if want := minor(t, oldest) + i; minor(t, v) != want {
			t.Errorf("SCHEMA_KUBE_VERSIONS[%d] is %s; every minor from %s to %s, in order, wants 1.%d there", i, v, oldest, newest, want)
		}
	}

	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(strings.Fields(string(readme)), " ")
	for _, want := range []string{
		fmt.Sprintf("**Kubernetes 1.%d to 1.%d.**", minor(t, oldest), minor(t, newest)),
		fmt.Sprintf("runs on Kubernetes 1.%d to 1.%d", minor(t, oldest), minor(t, newest)),
		fmt.Sprintf("(`SCHEMA_KUBE_VERSIONS`, %s to %s)", strings.TrimPrefix(oldest, "v"), strings.TrimPrefix(newest, "v")),
		fmt.Sprintf("of the oldest (%s) and of the newest (%s)", strings.TrimPrefix(oldest, "v"), strings.TrimPrefix(newest, "v")),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the README does not say %q", want)
		}
	}
}
