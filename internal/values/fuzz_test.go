package values

import (
	"errors"
	"testing"
)

// checkOutcome holds for any input: either valid values, or an *Error
// whose every problem says what, and where by the test's own rule.
func checkOutcome(t *testing.T, v *Values, err error, where func(Problem) bool) {
	t.Helper()
	if err == nil {
		if v == nil {
			t.Fatal("no values and no error")
		}
		if probs := validate(v, origins{}, true); len(probs) > 0 {
			t.Fatalf("accepted values that do not validate: %v", probs)
		}
		return
	}
	var verr *Error
	if !errors.As(err, &verr) || len(verr.Problems) == 0 {
		t.Fatalf("error of the wrong kind: %T %v", err, err)
	}
	for _, p := range verr.Problems {
		if p.Msg == "" {
			t.Fatalf("a problem without a message: %+v", p)
		}
		if !where(p) {
			t.Fatalf("a problem that says neither where nor which key: %+v", p)
		}
	}
}

// FuzzParse feeds arbitrary documents to the loader. Seeds: the corpus in
// testdata/fuzz/FuzzParse (scenarios and invalid inputs).
func FuzzParse(f *testing.F) {
	f.Add([]byte("gateway:\n  replicaCount: 3\n"))
	f.Add([]byte("a: &a [x]\nb: [*a, *a]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse([]Source{{Name: "fuzz.yaml", Data: data}}, nil)
		checkOutcome(t, v, err, func(p Problem) bool {
			if p.Pos.File == "fuzz.yaml" {
				return p.Pos.Line > 0 // YAML errors too name a line
			}
			return p.Pos.IsDefault() && p.Key != ""
		})
	})
}

// FuzzSet feeds arbitrary --set arguments to the loader.
func FuzzSet(f *testing.F) {
	for _, s := range []string{
		"gateway.replicaCount=5",
		"global.imagePullSecrets={a,b}",
		`externalKafka.bootstrapServers=a:1\,b:2`,
		"kafka.enabled=false,externalKafka.bootstrapServers=k:9092",
		"=", ",", "{", `\`, "a.b.c.d=1", "", "gateway.replicaCount=2,",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		v, err := Parse(nil, []string{arg})
		// Every problem names the --set it comes from, but for one between
		// keys that falls on a key left at its default (secrets.mode=inline
		// and the default passwords). File is "" here, so it proves nothing.
		checkOutcome(t, v, err, func(p Problem) bool {
			return p.Pos.Set != "" || p.Pos.IsDefault() && lookup(p.Key) != nil
		})
	})
}
