package values

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	yaml "go.yaml.in/yaml/v3"
)

// Schema parity: the JSON Schema, run by a real validator, refuses what
// the CLI refuses, wherever JSON Schema can express the rule; the rules it
// cannot express are listed, with the reason, in schemaInexpressible.

// compiledSchema compiles the schema the schema command prints.
func compiledSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(JSONSchema()))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	const url = "https://caracal.dev/schemas/caracal-cdk8s/values.json"
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return s
}

// instance reads a values file as an editor's YAML support hands it to a
// JSON Schema validator. An error is a file that no schema could accept:
// not YAML, a duplicate key, a key that is not a string, two documents.
func instance(data []byte) (any, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc any
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, err
	}
	var extra any
	if err := dec.Decode(&extra); err != io.EOF {
		return nil, errors.New("a second YAML document")
	}
	if doc == nil {
		doc = map[string]any{} // an empty file is the defaults
	}
	j, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(j))
}

// schemaErr validates a values file against the schema: nil when it is
// accepted.
func schemaErr(s *jsonschema.Schema, data []byte) error {
	inst, err := instance(data)
	if err != nil {
		return err
	}
	return s.Validate(inst)
}

// Every values file this repository uses is valid by both.
func TestSchemaAcceptsTheValidFiles(t *testing.T) {
	s := compiledSchema(t)
	var files []string
	for _, pattern := range []string{"../../environments/*.yaml", "../../testdata/scenarios/*.yaml"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	if len(files) < 6 {
		t.Fatalf("found only %d values files", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse([]Source{{Name: f, Data: data}}, nil); err != nil {
			t.Errorf("%s: the CLI refuses it: %v", f, err)
		}
		if err := schemaErr(s, data); err != nil {
			t.Errorf("%s: the schema refuses it: %v", f, err)
		}
	}
}

// Every file of the invalid corpus that the CLI refuses is refused by the
// schema too, unless its header names the inexpressible rule it breaks
// ("# schema: <rule>"); such a case must then really pass the schema, so
// that the note cannot outlive the rule.
func TestSchemaRejectsTheInvalidCorpus(t *testing.T) {
	s := compiledSchema(t)
	files, _ := filepath.Glob("../../testdata/invalid/*.yaml")
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		header := corpusHeader(data)
		if _, ok := header["args"]; ok || header["exit"] == "1" {
			continue // a case of flags or of the output, not of the file
		}
		checked++
		name := filepath.Base(f)
		if _, err := Parse([]Source{{Name: name, Data: data}}, nil); err == nil {
			t.Errorf("%s: the CLI accepts it", name)
			continue
		}
		err = schemaErr(s, data)
		rule, inexpressible := header["schema"]
		switch {
		case inexpressible && schemaInexpressible[rule] == "":
			t.Errorf("%s: '# schema: %s' names no rule of schemaInexpressible", name, rule)
		case inexpressible && err != nil:
			t.Errorf("%s: marked inexpressible (%s), but the schema refuses it: %v", name, rule, err)
		case !inexpressible && err == nil:
			t.Errorf("%s: the CLI refuses it, the schema accepts it (express the rule, or mark the case '# schema: <rule>' and list the rule in schemaInexpressible)", name)
		}
	}
	if checked < 30 {
		t.Fatalf("only %d file cases in the corpus", checked)
	}
	t.Logf("%d corpus files checked against the schema", checked)
}

// corpusHeader reads the "# key: value" lines of a corpus file.
func corpusHeader(data []byte) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(strings.TrimPrefix(line, "# "), ": "); ok && strings.HasPrefix(line, "# ") {
			out[k] = strings.TrimSpace(v)
		}
	}
	return out
}

// The chart README's example fails as it is, on its duplicate gateway:
// key, and once that is merged, on its passwords: it sets them without
// secrets.mode=inline, which the CLI refuses too.
func TestSchemaRejectsTheChartExample(t *testing.T) {
	s := compiledSchema(t)
	data, err := os.ReadFile("../../testdata/values/seed-my-values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := schemaErr(s, data); err == nil || !strings.Contains(err.Error(), `"gateway" already defined`) {
		t.Errorf("the chart's example: want the duplicate key, got %v", err)
	}
	merged, err := os.ReadFile("../../testdata/scenarios/seed-example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(merged, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "secrets") // as the chart's example: no secrets.mode
	out, _ := yaml.Marshal(doc)
	if _, err := Parse([]Source{{Name: "example", Data: out}}, nil); err == nil {
		t.Error("the CLI accepts the merged example without secrets.mode")
	}
	if err := schemaErr(s, out); err == nil || !strings.Contains(err.Error(), "/postgresql/auth") || !strings.Contains(err.Error(), "/redis/auth") {
		t.Errorf("the merged example: want a refusal of its passwords, got %v", err)
	}
}

// Each rule between keys that the schema expresses refuses what the CLI
// refuses, and accepts what it accepts, on the same documents.
func TestSchemaCrossKeyParity(t *testing.T) {
	s := compiledSchema(t)
	for _, c := range []struct {
		doc string
		ok  bool
	}{
		{"kafka: {replicaCount: 2}", false},
		{"kafka: {replicaCount: 2, config: {defaultReplicationFactor: 2, minInsyncReplicas: 1}, zookeeper: {enabled: true, replicaCount: 3}, image: {tag: 3.9.1}}", true},
		{"kafka: {zookeeper: {enabled: true, replicaCount: 4}, image: {tag: 3.9.1}}", false},
		{"kafka: {zookeeper: {enabled: true}}", false},
		{"kafka: {zookeeper: {enabled: true}, image: {tag: 3.9.1}}", true},
		{"postgresql: {enabled: false}", false},
		{"postgresql: {enabled: false}\nexternalDatabase: {host: db.example.com}", true},
		{"externalDatabase: {host: db.example.com}", false},
		{"redis: {enabled: false}", false},
		{"redis: {enabled: false}\nexternalRedis: {host: redis.example.com}", true},
		{"kafka: {enabled: false}\nexternalKafka: {bootstrapServers: 'b:9092'}", true},
		{"kafka: {enabled: false}\nexternalKafka: {bootstrapServers: 'b:9092', sasl: {mechanism: PLAIN}}", false},
		{"kafka: {enabled: false}\nexternalKafka: {bootstrapServers: 'b:9092', sasl: {mechanism: PLAIN, existingSecret: kafka-sasl}}", true},
		{"postgresql: {auth: {password: x}}", false},
		{"secrets: {mode: externalSecrets, externalSecrets: {storeRef: {name: vault}}}\nredis: {auth: {password: x}}", false},
		{"secrets: {mode: externalSecrets, externalSecrets: {storeRef: {name: vault}}}", true},
		{"secrets: {mode: externalSecrets}", false},
		{"secrets: {mode: inline}", false},
		{"secrets: {mode: inline}\npostgresql: {auth: {password: a-real-one}}\nredis: {auth: {password: another}}", true},
		{"secrets: {mode: inline}\npostgresql: {auth: {password: ''}}\nredis: {auth: {password: another}}", false},
		{"secrets: {mode: inline, allowInsecureDefaultPasswords: true}", true},
		{"gateway: {enabled: false}", false},
		{"gateway: {enabled: false}\nmcpAdapter: {enabled: false}", true},
		{"gateway: {authMode: mtls, tls: {enabled: false}}", false},
		{"gateway: {authMode: mtls}", true},
	} {
		_, cliErr := Parse([]Source{{Name: "doc", Data: []byte(c.doc)}}, nil)
		schErr := schemaErr(s, []byte(c.doc))
		if (cliErr == nil) != c.ok {
			t.Errorf("%s: the CLI says %v, want ok=%v", c.doc, cliErr, c.ok)
		}
		if (schErr == nil) != c.ok {
			t.Errorf("%s: the schema says %v, want ok=%v", c.doc, schErr, c.ok)
		}
	}
}
