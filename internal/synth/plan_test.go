package synth

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/internal/compose"
	"caracal.dev/caracal-cdk8s/internal/values"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// valuesUnderTest are the defaults, the snapshot scenarios and the
// environments, by name.
func valuesUnderTest(t *testing.T) map[string]*values.Values {
	t.Helper()
	files, err := filepath.Glob("../../testdata/scenarios/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	envs, _ := filepath.Glob("../../environments/*.yaml")
	files = append(files, envs...)
	if len(files) < 9 {
		t.Fatalf("%d values files", len(files))
	}
	out := map[string]*values.Values{"defaults": values.Defaults()}
	// What the files leave off: monitoring with every exporter.
	sets := []string{"monitoring.enabled=true", "postgresql.metrics.enabled=true", "redis.metrics.enabled=true"}
	v, err := values.Load(nil, sets)
	if err != nil {
		t.Fatal(err)
	}
	out[strings.Join(sets, ",")] = v
	for _, f := range files {
		v, err := values.Load([]string{f}, nil)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = v
	}
	return out
}

// TestAComposedAppIsTheRealOne: an app composed in a plan and made in one
// jsii call resolves to the bytes that the same composition gives in a
// real cdk8s App, chart by chart (where each construct is made by calls of
// its own and has its handles), for every set of values under test.
func TestAComposedAppIsTheRealOne(t *testing.T) {
	for name, v := range valuesUnderTest(t) {
		c, err := Compose(v)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		r, err := c.Resolve()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, err := c.Resolve(); err == nil || !strings.Contains(err.Error(), "resolved once") {
			t.Errorf("%s: resolved twice: %v", name, err)
		}
		charts := compose.Build(cdk8s.NewApp(nil), v)
		if len(charts) != len(r.charts) {
			t.Fatalf("%s: %d charts composed, %d in a real app", name, len(r.charts), len(charts))
		}
		cs := make([]cdk8s.Chart, len(charts))
		for i, ch := range charts {
			cs[i] = ch.Chart
			if ch.Name != r.charts[i].Name || ch.Dir != r.charts[i].Dir || ch.Stage != r.charts[i].Stage || ch.Warning != r.charts[i].Warning {
				t.Errorf("%s: chart %d is %v, want %v", name, i, r.charts[i], ch)
			}
		}
		want, err := kube.ResolveAllJSON(cs...)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 10000 || !bytes.Equal(r.manifests, want) {
			t.Errorf("%s: the composed app resolved to %d bytes, the real one to %d, not the same", name, len(r.manifests), len(want))
		}
	}
}

// TestComposingMakesNoJsiiCall: composing runs beside another app's jsii
// calls, which jsii's Go runtime does not allow, so it must make none. A
// process whose jsii runtime cannot start composes every set of values
// under test, and fails to resolve one (so jsii was indeed out of reach).
func TestComposingMakesNoJsiiCall(t *testing.T) {
	if os.Getenv("CARACAL_TEST_NO_JSII") == "1" {
		for name, v := range valuesUnderTest(t) {
			if _, err := Compose(v); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		c, err := Compose(values.Defaults())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Resolve(); err == nil {
			t.Fatal("resolved with no jsii runtime")
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestComposingMakesNoJsiiCall$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "CARACAL_TEST_NO_JSII=1", "JSII_RUNTIME=exit 3")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestComposingMakesNoJsiiCall") {
		t.Fatalf("%v:\n%s", err, out)
	}
}
