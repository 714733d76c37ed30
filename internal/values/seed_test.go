package values

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// seedRow is one row of the Helm chart README's parameter table.
type seedRow struct{ key, doc, def string }

var seedRowRE = regexp.MustCompile("^\\| `([^`]+)` \\| (.*?) \\| `(.*)` \\|$")

// seedTable reads the 52 parameters from the Helm chart README, kept
// verbatim in testdata: the values contract is checked against the source,
// not against a copy of our own defaults.
func seedTable(t *testing.T) []seedRow {
	t.Helper()
	f, err := os.Open("../../testdata/seed/helm-chart-README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []seedRow
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if m := seedRowRE.FindStringSubmatch(sc.Text()); m != nil {
			rows = append(rows, seedRow{key: m[1], doc: m[2], def: m[3]})
		}
	}
	return rows
}

func TestSeedTableKeysAndDefaults(t *testing.T) {
	rows := seedTable(t)
	if len(rows) != 52 {
		t.Fatalf("the seed table has %d rows, want 52", len(rows))
	}
	params := map[string]Param{}
	for _, p := range Params() {
		params[p.Key] = p
	}
	for _, r := range rows {
		p, ok := params[r.key]
		if !ok {
			t.Errorf("%s: missing from the values model", r.key)
			continue
		}
		if p.Default != r.def {
			t.Errorf("%s: default %s, the chart says %s", r.key, p.Default, r.def)
		}
		if p.Doc == "" {
			t.Errorf("%s: no description", r.key)
		}
	}
}

// The seed's example values file: rejected as it is (two gateway: keys),
// accepted once merged.
func TestSeedExample(t *testing.T) {
	_, err := Load([]string{"../../testdata/values/seed-my-values.yaml"}, nil)
	want := "seed-my-values.yaml:24:1: gateway: duplicate key: \"gateway\" is already defined at line 11"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("want an error containing %q, got %v", want, err)
	}
	v, err := Load([]string{"../../testdata/scenarios/seed-example.yaml"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v.PostgreSQL.Auth.Password != "YOUR_SECURE_PASSWORD_HERE" || v.Gateway.Autoscaling.MaxReplicas != 10 || v.MCPAdapter.Autoscaling.MaxReplicas != 8 {
		t.Errorf("values not applied: %+v", v)
	}
}
