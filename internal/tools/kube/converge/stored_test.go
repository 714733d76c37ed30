package main

import (
	"reflect"
	"testing"
)

func TestMissingComparesPresenceNotValues(t *testing.T) {
	want := map[string]any{
		"spec": map[string]any{
			"minDomains": int64(3),
			"resources":  map[string]any{"cpu": "1000m"},
			"list":       []any{map[string]any{"a": "x", "b": "y"}, "z"},
			"unset":      nil,
			"empty":      map[string]any{},
			"off":        false, // a zero value the server may leave out
			"none":       "",
		},
	}
	got := map[string]any{
		"spec": map[string]any{
			"resources": map[string]any{"cpu": "1"}, // normalized: present
			"list":      []any{map[string]any{"a": "x"}},
			"empty":     map[string]any{},
			"extra":     true, // a default the server adds
		},
	}
	want2 := []string{"spec.list[0].b", "spec.list[1]", "spec.minDomains"}
	if got := missing(want, got, ""); !reflect.DeepEqual(got, want2) {
		t.Errorf("missing = %v, want %v", got, want2)
	}
	if m := missing(want, want, ""); len(m) != 0 {
		t.Errorf("an object stored as written lacks %v", m)
	}
}
