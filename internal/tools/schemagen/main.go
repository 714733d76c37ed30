// Command schemagen writes strict JSON schemas in kubeconform's standalone
// layout (<kind>-<group>-<version>.json) from the Kubernetes OpenAPI spec
// of a pinned k8s.io/kubernetes module and from CRD files, so validation
// needs no download site.
//
//	go run ./internal/tools/schemagen -kubernetes v1.30.14 -out DIR [-crds DIR]
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

func main() {
	version := flag.String("kubernetes", "v1.30.14", "version of the k8s.io/kubernetes module whose OpenAPI spec is used")
	out := flag.String("out", "", "output directory (created)")
	crds := flag.String("crds", "", "directory of CustomResourceDefinition YAML files (optional)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "schemagen: -out is required")
		os.Exit(2)
	}
	if err := run(*version, *out, *crds); err != nil {
		fmt.Fprintln(os.Stderr, "schemagen:", err)
		os.Exit(1)
	}
}

func run(version, out, crdDir string) error {
	spec, err := swaggerPath(version)
	if err != nil {
		return err
	}
	schemas, err := fromSwagger(spec)
	if err != nil {
		return err
	}
	if crdDir != "" {
		crdSchemas, err := fromCRDs(crdDir)
		if err != nil {
			return err
		}
		for k, v := range crdSchemas {
			schemas[k] = v
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for name, s := range schemas {
		data, err := json.Marshal(s)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "schemagen: %d schemas in %s\n", len(schemas), out)
	return nil
}

// swaggerPath finds the OpenAPI spec in the module cache, downloading the
// module through the Go module proxy when needed.
func swaggerPath(version string) (string, error) {
	out, err := exec.Command("go", "mod", "download", "-json", "k8s.io/kubernetes@"+version).Output()
	if err != nil {
		return "", fmt.Errorf("go mod download k8s.io/kubernetes@%s: %w", version, err)
	}
	var mod struct{ Dir, Error string }
	if err := json.Unmarshal(out, &mod); err != nil {
		return "", err
	}
	if mod.Error != "" {
		return "", errors.New(mod.Error)
	}
	return filepath.Join(mod.Dir, "api", "openapi-spec", "swagger.json"), nil
}

type schema = map[string]any

// fileName is kubeconform's {{ .ResourceKind }}{{ .KindSuffix }}.json.
func fileName(group, version, kind string) string {
	prefix := version
	if group != "" {
		prefix = strings.Split(group, ".")[0] + "-" + version
	}
	return strings.ToLower(kind) + "-" + strings.ToLower(prefix) + ".json"
}

const (
	quantityDef    = "io.k8s.apimachinery.pkg.api.resource.Quantity"
	intOrStringFmt = "int-or-string"
)

// fromSwagger makes one schema per kind. Each file carries the
// definitions it reaches, so it stands alone; $refs stay local.
func fromSwagger(path string) (map[string]schema, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Definitions map[string]schema `json:"definitions"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	defs := map[string]any{}
	for name, d := range doc.Definitions {
		defs[name] = strict(d, true)
	}
	out := map[string]schema{}
	for name, d := range doc.Definitions {
		gvks, _ := d["x-kubernetes-group-version-kind"].([]any)
		for _, g := range gvks {
			gvk := g.(map[string]any)
			group, _ := gvk["group"].(string)
			root := schema{"$ref": "#/definitions/" + name}
			s := schema{"$schema": "http://json-schema.org/draft-07/schema#", "allOf": []any{root}, "definitions": reachable(defs, name)}
			out[fileName(group, gvk["version"].(string), gvk["kind"].(string))] = s
		}
	}
	return out, nil
}

// reachable returns the definitions that name refers to, transitively.
func reachable(defs map[string]any, name string) map[string]any {
	seen := map[string]any{}
	var walk func(any)
	visit := func(n string) {
		if _, ok := seen[n]; ok {
			return
		}
		seen[n] = defs[n]
		walk(defs[n])
	}
	walk = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			if ref, ok := t["$ref"].(string); ok {
				visit(strings.TrimPrefix(ref, "#/definitions/"))
			}
			for _, k := range sortedKeys(t) {
				walk(t[k])
			}
		case []any:
			for _, x := range t {
				walk(x)
			}
		}
	}
	visit(name)
	return seen
}

// strict rewrites an OpenAPI schema node for validation: objects with
// properties reject unknown fields; int-or-string and quantities accept a
// string or a number; OpenAPI-only keys go.
func strict(v any, swagger bool) any {
	switch t := v.(type) {
	case map[string]any:
		if ref, ok := t["$ref"].(string); ok && swagger {
			if strings.TrimPrefix(ref, "#/definitions/") == quantityDef {
				return schema{"type": []any{"string", "number"}}
			}
			return schema{"$ref": ref}
		}
		if t["format"] == intOrStringFmt || t["x-kubernetes-int-or-string"] == true {
			return schema{"type": []any{"string", "integer"}}
		}
		out := schema{}
		for k, x := range t {
			switch {
			case k == "description" || k == "format" || strings.HasPrefix(k, "x-kubernetes-"):
				continue
			case k == "properties":
				props := schema{}
				for pk, px := range x.(map[string]any) {
					props[pk] = strict(px, swagger)
				}
				out[k] = props
			default:
				out[k] = strict(x, swagger)
			}
		}
		if _, has := t["properties"]; has && t["additionalProperties"] == nil && t["x-kubernetes-preserve-unknown-fields"] != true {
			out["additionalProperties"] = false
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = strict(x, swagger)
		}
		return out
	}
	return v
}

// fromCRDs makes one schema per served version of each CRD in dir.
func fromCRDs(dir string) (map[string]schema, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	out := map[string]schema{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			var crd crdDoc
			if err := dec.Decode(&crd); err == io.EOF {
				break
			} else if err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			if crd.Kind != "CustomResourceDefinition" {
				return nil, fmt.Errorf("%s: not a CustomResourceDefinition", f)
			}
			addCRD(out, crd)
		}
	}
	return out, nil
}

// crdDoc is the part of a CRD the schemas come from.
type crdDoc struct {
	Kind string `yaml:"kind"`
	Spec struct {
		Group string `yaml:"group"`
		Names struct {
			Kind string `yaml:"kind"`
		} `yaml:"names"`
		Versions []struct {
			Name   string `yaml:"name"`
			Served bool   `yaml:"served"`
			Schema struct {
				OpenAPIV3Schema map[string]any `yaml:"openAPIV3Schema"`
			} `yaml:"schema"`
		} `yaml:"versions"`
	} `yaml:"spec"`
}

// addCRD adds a schema per served version of crd.
func addCRD(out map[string]schema, crd crdDoc) {
	for _, v := range crd.Spec.Versions {
		if !v.Served || v.Schema.OpenAPIV3Schema == nil {
			continue
		}
		s := strict(v.Schema.OpenAPIV3Schema, false).(schema)
		// The API server handles these for every custom resource.
		props, _ := s["properties"].(schema)
		if props == nil {
			props = schema{}
			s["properties"] = props
		}
		props["apiVersion"] = schema{"type": "string"}
		props["kind"] = schema{"type": "string"}
		props["metadata"] = schema{"type": "object"}
		s["$schema"] = "http://json-schema.org/draft-07/schema#"
		out[fileName(crd.Spec.Group, v.Name, crd.Spec.Names.Kind)] = s
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
