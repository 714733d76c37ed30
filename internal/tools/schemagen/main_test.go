package main

import (
	"reflect"
	"testing"
)

func TestFileNamesFollowKubeconform(t *testing.T) {
	for _, tc := range []struct{ group, version, kind, want string }{
		{"", "v1", "Service", "service-v1.json"},
		{"apps", "v1", "StatefulSet", "statefulset-apps-v1.json"},
		{"monitoring.coreos.com", "v1", "ServiceMonitor", "servicemonitor-monitoring-v1.json"},
	} {
		if got := fileName(tc.group, tc.version, tc.kind); got != tc.want {
			t.Errorf("%v: %s", tc, got)
		}
	}
}

func TestStrictRejectsUnknownFieldsAndAcceptsIntOrString(t *testing.T) {
	in := map[string]any{
		"type":        "object",
		"description": "dropped",
		"properties": map[string]any{
			"port":   map[string]any{"format": "int-or-string", "type": "string"},
			"labels": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
			"format": map[string]any{"type": "string", "format": "byte"},
			"size":   map[string]any{"$ref": "#/definitions/" + quantityDef},
		},
	}
	got := strict(in, true)
	want := map[string]any{
		"type": "object",
		"properties": map[string]any{
			"port":   map[string]any{"type": []any{"string", "integer"}},
			"labels": map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
			"format": map[string]any{"type": "string"},
			"size":   map[string]any{"type": []any{"string", "number"}},
		},
		"additionalProperties": false,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v", got)
	}
}

func TestCRDPreserveUnknownFieldsStaysOpen(t *testing.T) {
	got := strict(map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true, "properties": map[string]any{}}, false).(map[string]any)
	if _, closed := got["additionalProperties"]; closed {
		t.Error("an object that preserves unknown fields must accept them")
	}
}
