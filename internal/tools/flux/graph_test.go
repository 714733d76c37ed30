package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestOrderGraph(t *testing.T) {
	nodes := []depNode{
		{Key: "flux-system/db-init", DependsOn: []string{"flux-system/datastores"}},
		{Key: "flux-system/apps", DependsOn: []string{"flux-system/db-init", "flux-system/datastores"}},
		{Key: "flux-system/datastores"},
		{Key: "flux-system/monitoring"},
		{Key: "flux-system/flux-system"},
	}
	got, err := orderGraph(nodes)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"flux-system/datastores", "flux-system/db-init", "flux-system/apps", "flux-system/flux-system", "flux-system/monitoring"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
	// Deterministic whatever the input order.
	rev := make([]depNode, len(nodes))
	for i, n := range nodes {
		rev[len(nodes)-1-i] = n
	}
	got2, err := orderGraph(rev)
	if err != nil || !reflect.DeepEqual(got2, want) {
		t.Errorf("reversed input: order = %v (%v), want %v", got2, err, want)
	}
}

func TestOrderGraphErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		nodes []depNode
		want  []string // substrings of the error
	}{
		{
			name: "cycle",
			nodes: []depNode{
				{Key: "ns/a", DependsOn: []string{"ns/b"}},
				{Key: "ns/b", DependsOn: []string{"ns/c"}},
				{Key: "ns/c", DependsOn: []string{"ns/a"}},
				{Key: "ns/d", DependsOn: []string{"ns/a"}},
				{Key: "ns/e"},
			},
			want: []string{"dependency cycle: ns/a -> ns/b -> ns/c -> ns/a"},
		},
		{
			name:  "self",
			nodes: []depNode{{Key: "ns/a", DependsOn: []string{"ns/a"}}},
			want:  []string{"dependency cycle: ns/a -> ns/a"},
		},
		{
			name: "missing",
			nodes: []depNode{
				{Key: "ns/a", DependsOn: []string{"ns/ghost"}},
				{Key: "ns/b", DependsOn: []string{"other/a"}},
			},
			want: []string{"missing dependencies", "ns/a depends on ns/ghost, which does not exist", "ns/b depends on other/a, which does not exist"},
		},
		{
			name:  "duplicate",
			nodes: []depNode{{Key: "ns/a"}, {Key: "ns/a"}},
			want:  []string{"Kustomization ns/a is defined twice"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := orderGraph(tc.nodes)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
