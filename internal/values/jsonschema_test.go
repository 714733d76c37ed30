package values

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// The JSON Schema covers every key with its type and default, and rejects
// unknown keys at every level.
func TestJSONSchema(t *testing.T) {
	var root map[string]any
	if err := json.Unmarshal(JSONSchema(), &root); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	for _, p := range Params() {
		node := root
		parts := strings.Split(p.Key, ".")
		for i, part := range parts {
			if node["additionalProperties"] != false {
				t.Errorf("%s: the object above %q accepts unknown keys", p.Key, part)
			}
			props, _ := node["properties"].(map[string]any)
			next, ok := props[part].(map[string]any)
			if !ok {
				t.Fatalf("%s: no schema for %q", p.Key, part)
			}
			node = next
			if i == len(parts)-1 {
				if node["description"] != p.Doc || node["type"] == nil {
					t.Errorf("%s: %v", p.Key, node)
				}
				if _, ok := node["default"]; !ok {
					t.Errorf("%s: no default", p.Key)
				}
			}
		}
	}
	ports := root["properties"].(map[string]any)["gateway"].(map[string]any)["properties"].(map[string]any)["service"].(map[string]any)["properties"].(map[string]any)["httpsPort"].(map[string]any)
	if ports["minimum"] != 1.0 || ports["maximum"] != 65535.0 || ports["default"] != 8443.0 {
		t.Errorf("httpsPort: %v", ports)
	}
	mode := root["properties"].(map[string]any)["gateway"].(map[string]any)["properties"].(map[string]any)["authMode"].(map[string]any)
	if len(mode["enum"].([]any)) != 3 {
		t.Errorf("authMode: %v", mode)
	}
}

func TestQuantityPattern(t *testing.T) {
	re := regexp.MustCompile(quantityPattern)
	for _, ok := range []string{"500m", "2", "1.5", "512Mi", "10Gi", "1e3", "+1k"} {
		if !re.MatchString(ok) {
			t.Errorf("%q rejected", ok)
		}
		if _, err := Quantity(ok).Parse(); err != nil {
			t.Errorf("%q: the pattern and the parser disagree", ok)
		}
	}
	for _, bad := range []string{"2Gb", "lots", "1.2.3", ""} {
		if re.MatchString(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}
