package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
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

// The defaults are no scenario: their golden files are dist/ itself
// (TestDistIsFresh), which a copy here would only make reviewers read twice.
var scenarios = []scenario{
	{name: "seed-example", files: []string{"testdata/scenarios/seed-example.yaml"}},
	{name: "external-datastores", files: []string{"testdata/scenarios/external-datastores.yaml"}},
	{name: "production", files: []string{"testdata/scenarios/production.yaml"}},
	{name: "upgrade-from-v0.2", files: []string{"testdata/scenarios/upgrade-from-v0.2.yaml"}},
	{name: "zookeeper", files: []string{"testdata/scenarios/zookeeper.yaml"}},
	{name: "platform-knobs", files: []string{"testdata/scenarios/platform-knobs.yaml"}},
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
	// A folder left from a removed scenario would still be validated and
	// applied by make validate and make e2e, as if it were tested here.
	entries, err := os.ReadDir("snapshots")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !slices.ContainsFunc(scenarios, func(sc scenario) bool { return sc.name == e.Name() }) {
			t.Errorf("snapshots/%s is no scenario: delete it, or add it to scenarios", e.Name())
		}
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

// TestEnvironmentsAreFresh fails when dist/environments/ is not what
// environments/ synthesize to.
func TestEnvironmentsAreFresh(t *testing.T) {
	envs, _ := filepath.Glob("environments/*.yaml")
	if len(envs) < 3 {
		t.Fatalf("environments/ holds %d environments, want dev, staging and production at least", len(envs))
	}
	var names []string
	for _, env := range envs {
		name := strings.TrimSuffix(filepath.Base(env), ".yaml")
		names = append(names, name)
		t.Run(name, func(t *testing.T) {
			own, err := values.Read([]string{env})
			if err != nil {
				t.Fatal(err)
			}
			v, err := values.Parse(append([]values.Source{values.EnvironmentDefaults(name)}, own...), nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := synth.Synthesize(v)
			if err != nil {
				t.Fatal(err)
			}
			dir := filepath.Join("dist", "environments", name)
			if *update {
				writeDir(t, dir, got)
				return
			}
			compareDir(t, dir, got, "make synth")
		})
	}
	entries, _ := os.ReadDir(filepath.Join("dist", "environments"))
	if len(entries) != len(names) {
		t.Errorf("dist/environments/ holds %d folders, environments/ %d files: run make synth", len(entries), len(names))
	}
}

func writeDir(t *testing.T, dir string, files []synth.File) {
	t.Helper()
	out := make([]output.File, len(files))
	for i, f := range files {
		out[i] = f.File
	}
	if _, err := output.Write(dir, out, true, synth.Dirs...); err != nil {
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
		if e.IsDir() {
			if slices.Contains(synth.Dirs, e.Name()) {
				for name, data := range testkit.Tree(t, filepath.Join(dir, e.Name())) {
					want[e.Name()+"/"+name] = []byte(data)
				}
			}
			continue // another output, such as dist/environments
		}
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
// scenarioNamed is the scenario of that name.
func scenarioNamed(t *testing.T, name string) scenario {
	t.Helper()
	i := slices.IndexFunc(scenarios, func(sc scenario) bool { return sc.name == name })
	if i < 0 {
		t.Fatalf("no scenario %s", name)
	}
	return scenarios[i]
}

func TestScenarioShapes(t *testing.T) {
	count := func(files []synth.File) map[string]int {
		out := map[string]int{}
		for _, k := range synth.Kinds(files) {
			out[k.Kind] = k.Count
		}
		return out
	}
	for _, tc := range []struct {
		sc   scenario
		want map[string]int // kinds and how many; 0 means none
	}{
		// The default output needs nothing but Kubernetes: no monitoring
		// objects, no ExternalSecrets; Flux gets one Kustomization per stage.
		{scenario{name: "defaults"}, map[string]int{"StatefulSet": 3, "Deployment": 6, "Job": 4, "CronJob": 1, "Secret": 0, "ExternalSecret": 0,
			"Namespace": 1, "NetworkPolicy": 16, "ServiceMonitor": 0, "PrometheusRule": 0, "PriorityClass": 1, "Kustomization": 5}},
		{scenarioNamed(t, "seed-example"), map[string]int{"Secret": 1, "ExternalSecret": 0}},
		// Managed datastores: nothing stateful, no backup of a database
		// the provider backs up, no priority to give; the Kafka exporter
		// still watches the lag.
		{scenarioNamed(t, "external-datastores"), map[string]int{"StatefulSet": 0, "CronJob": 0, "PersistentVolumeClaim": 0, "Deployment": 6, "Job": 3, "PriorityClass": 0}},
		{scenarioNamed(t, "production"), map[string]int{"ExternalSecret": 3, "Secret": 0, "StatefulSet": 3, "ServiceMonitor": 6, "PrometheusRule": 1}},
		// From v0.2: the database exists, so no db init; the backfill runs.
		{scenarioNamed(t, "upgrade-from-v0.2"), map[string]int{"Job": 4, "Kustomization": 5}},
		{scenarioNamed(t, "zookeeper"), map[string]int{"StatefulSet": 4, "PodDisruptionBudget": 7}},
	} {
		got := count(synthesize(t, tc.sc.files, tc.sc.sets))
		for kind, n := range tc.want {
			if got[kind] != n {
				t.Errorf("%s: %d %s, want %d", tc.sc.name, got[kind], kind, n)
			}
		}
	}
}

// The platform-knobs scenario: every pod lands on its pool, with the
// pool's toleration, the team's labels and the mirror's images; the
// datastores keep their own PriorityClass.
func TestPlatformKnobsScenario(t *testing.T) {
	data := map[string]bool{"postgres": true, "postgres-backup": true, "redis": true, "kafka": true}
	pods := 0
	for _, f := range synthesize(t, scenarioNamed(t, "platform-knobs").files, nil) {
		objs, err := testkit.Parse(f.Data)
		if err != nil {
			t.Fatal(err)
		}
		for owner, spec := range objs.PodSpecs() {
			pods++
			pool, class := "caracal-apps", "caracal-apps"
			o, _ := objs.Find(strings.Split(owner, "/")[0], strings.Split(owner, "/")[1])
			component := o.Str(`metadata.labels."app.kubernetes.io/component"`)
			if data[component] {
				pool, class = "caracal-data", "caracal-platform-datastores"
			}
			if component == "postgres-backup" {
				class = "caracal-apps" // a Job of the backups, not a datastore
			}
			if got := spec.Str(`nodeSelector."example.com/node-pool"`); got != pool {
				t.Errorf("%s: node pool %q, want %q", owner, got, pool)
			}
			if got := testkit.Sprint(spec.MustGet(t, "tolerations")); !strings.Contains(got, "value:"+pool) {
				t.Errorf("%s: tolerations %s, want the %s pool's", owner, got, pool)
			}
			if got := spec.Str("priorityClassName"); got != class {
				t.Errorf("%s: priorityClassName %q, want %q", owner, got, class)
			}
			for name, c := range testkit.Containers(spec) {
				if !strings.HasPrefix(c.Str("image"), "registry.internal.example:5000/") {
					t.Errorf("%s: container %s pulls %s, not from the mirror", owner, name, c.Str("image"))
				}
			}
		}
	}
	if pods != 14 {
		t.Errorf("%d pod templates, want 14", pods)
	}
}

// dist/kustomization.yaml lists every manifest file, so Flux (and
// kubectl kustomize, and Argo CD) build the whole folder.
func TestKustomizationListsEveryFile(t *testing.T) {
	for _, dir := range append([]string{"dist"}, scenarioDirs(t)...) {
		data, err := os.ReadFile(filepath.Join(dir, synth.Kustomization))
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*"+synth.FileSuffix))
		if len(files) == 0 {
			t.Fatalf("%s: no manifests", dir)
		}
		for _, f := range files {
			if !bytes.Contains(data, []byte("\n  - "+filepath.Base(f)+"\n")) {
				t.Errorf("%s/kustomization.yaml does not list %s", dir, filepath.Base(f))
			}
		}
		if n := bytes.Count(data, []byte("\n  - ")); n != len(files) {
			t.Errorf("%s/kustomization.yaml lists %d files, the folder has %d", dir, n, len(files))
		}
	}
}

func scenarioDirs(t *testing.T) []string {
	var dirs []string
	for _, sc := range scenarios {
		dirs = append(dirs, filepath.Join("snapshots", sc.name))
	}
	return dirs
}
