package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/internal/output"
	"caracal.dev/caracal-cdk8s/internal/synth"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"caracal.dev/caracal-cdk8s/internal/values"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite snapshots/ and dist/ from the code (make snapshots)")

// scenario is one snapshot: values files and --set arguments.
type scenario struct {
	name  string
	files []string
	sets  []string
}

var scenarios = []scenario{
	{name: "defaults"},
	{name: "seed-example", files: []string{"testdata/scenarios/seed-example.yaml"}},
	{name: "external-datastores", files: []string{"testdata/scenarios/external-datastores.yaml"}},
	{name: "production", files: []string{"testdata/scenarios/production.yaml"}},
}

func synthesize(t *testing.T, files, sets []string) []synth.File {
	t.Helper()
	v, err := values.Load(files, sets)
	if err != nil {
		t.Fatalf("values: %v", err)
	}
	out, err := synth.Synthesize(v)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSnapshots compares each scenario with its golden files: as parsed
// YAML first, for a readable diff, then byte for byte.
func TestSnapshots(t *testing.T) {
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			got := synthesize(t, sc.files, sc.sets)
			dir := filepath.Join("snapshots", sc.name)
			if *update {
				writeDir(t, dir, got)
				return
			}
			compareDir(t, dir, got, "make snapshots")
		})
	}
}

// TestDistIsFresh fails when the committed dist/ is not what the defaults
// synthesize to.
func TestDistIsFresh(t *testing.T) {
	got := synthesize(t, nil, nil)
	if *update {
		writeDir(t, "dist", got)
		return
	}
	compareDir(t, "dist", got, "make synth")
}

func writeDir(t *testing.T, dir string, files []synth.File) {
	t.Helper()
	out := make([]output.File, len(files))
	for i, f := range files {
		out[i] = output.File{Name: f.Name, Data: f.Data}
	}
	if err := output.Write(dir, out); err != nil {
		t.Fatal(err)
	}
}

func compareDir(t *testing.T, dir string, got []synth.File, fix string) {
	t.Helper()
	want := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil && !(os.IsNotExist(err) && len(got) == 0) { // Git keeps no empty folder
		t.Fatalf("%v; run %s", err, fix)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		want[e.Name()] = data
	}
	var gotNames, wantNames []string
	for _, f := range got {
		gotNames = append(gotNames, f.Name)
	}
	for n := range want {
		wantNames = append(wantNames, n)
	}
	sort.Strings(gotNames)
	sort.Strings(wantNames)
	if d := cmp.Diff(wantNames, gotNames); d != "" {
		t.Errorf("%s: files differ (-committed +synthesized):\n%s\nRun %s, review the diff, commit.", dir, d, fix)
	}
	for _, f := range got {
		w, ok := want[f.Name]
		if !ok {
			continue
		}
		wantObjs, err := testkit.Parse(w)
		if err != nil {
			t.Fatalf("%s/%s: %v", dir, f.Name, err)
		}
		gotObjs, err := testkit.Parse(f.Data)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(wantObjs, gotObjs); d != "" {
			t.Errorf("%s/%s is stale (-committed +synthesized):\n%s\nRun %s, review the diff, commit.", dir, f.Name, d, fix)
		} else if !bytes.Equal(w, f.Data) {
			t.Errorf("%s/%s: same objects, different bytes (comments or formatting); run %s", dir, f.Name, fix)
		}
	}
}

// The scenarios cover what they claim to.
func TestScenarioShapes(t *testing.T) {
	kinds := func(files []synth.File) string {
		var parts []string
		for _, k := range synth.Kinds(files) {
			parts = append(parts, fmt.Sprintf("%s=%d", k.Kind, k.Count))
		}
		return strings.Join(parts, " ")
	}
	for _, tc := range []struct {
		sc    scenario
		files string
		kinds string
	}{
		{scenarios[0], "postgres.k8s.yaml redis.k8s.yaml kafka.k8s.yaml gateway.k8s.yaml mcp-adapter.k8s.yaml consumers.k8s.yaml", "ConfigMap=6 Deployment=5 HorizontalPodAutoscaler=2 PodDisruptionBudget=6 Service=11 ServiceAccount=8 StatefulSet=3"},
		{scenarios[1], "secrets.k8s.yaml postgres.k8s.yaml redis.k8s.yaml kafka.k8s.yaml gateway.k8s.yaml mcp-adapter.k8s.yaml consumers.k8s.yaml", "ConfigMap=6 Deployment=5 HorizontalPodAutoscaler=2 PodDisruptionBudget=6 Secret=1 Service=11 ServiceAccount=8 StatefulSet=3"},
		// Managed datastores: no StatefulSet at all.
		{scenarios[2], "gateway.k8s.yaml mcp-adapter.k8s.yaml consumers.k8s.yaml", "ConfigMap=5 Deployment=5 HorizontalPodAutoscaler=2 PodDisruptionBudget=5 Service=5 ServiceAccount=5"},
		{scenarios[3], "postgres.k8s.yaml redis.k8s.yaml kafka.k8s.yaml gateway.k8s.yaml mcp-adapter.k8s.yaml consumers.k8s.yaml", "ConfigMap=6 Deployment=5 HorizontalPodAutoscaler=2 PodDisruptionBudget=6 Service=11 ServiceAccount=8 StatefulSet=3"},
	} {
		files := synthesize(t, tc.sc.files, tc.sc.sets)
		var names []string
		for _, f := range files {
			names = append(names, f.Name)
		}
		if got := strings.Join(names, " "); got != tc.files {
			t.Errorf("%s: files %q, want %q", tc.sc.name, got, tc.files)
		}
		if got := kinds(files); got != tc.kinds {
			t.Errorf("%s: kinds %q, want %q", tc.sc.name, got, tc.kinds)
		}
	}
}
