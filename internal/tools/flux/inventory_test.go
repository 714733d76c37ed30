package main

import (
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func objsFromYAML(t *testing.T, docs ...string) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, d := range docs {
		out = append(out, fromYAML(t, d))
	}
	return out
}

func TestInventoryRoundTrip(t *testing.T) {
	d := stateDir(t.TempDir())
	if inv, err := d.load("flux-system", "apps"); inv != nil || err != nil {
		t.Fatalf("load of nothing = %v, %v", inv, err)
	}
	inv := &inventory{Name: "apps", Namespace: "flux-system", Prune: true, Entries: []inventoryEntry{
		{ID: "caracal_web_apps_Deployment", Version: "v1"},
		{ID: "_caracal__Namespace", Version: "v1"},
	}}
	if err := d.save(inv); err != nil {
		t.Fatal(err)
	}
	if err := d.save(&inventory{Name: "db", Namespace: "flux-system"}); err != nil {
		t.Fatal(err)
	}
	got, err := d.load("flux-system", "apps")
	if err != nil || !reflect.DeepEqual(got, inv) {
		t.Errorf("load = %+v, %v; want %+v", got, err, inv)
	}
	all, err := d.all()
	if err != nil || len(all) != 2 || all[0].Name != "apps" || all[1].Name != "db" {
		t.Errorf("all = %v, %v", all, err)
	}
	objs, err := objects(inv.Entries)
	if err != nil {
		t.Fatal(err)
	}
	// Flux's sort: Namespaces before Deployments.
	if objs[0].GetKind() != "Namespace" || objs[1].GetKind() != "Deployment" || objs[1].GetAPIVersion() != "apps/v1" || objs[1].GetNamespace() != "caracal" {
		t.Errorf("objects = %v", objs)
	}
	if err := d.remove("flux-system", "db"); err != nil {
		t.Fatal(err)
	}
	if all, _ := d.all(); len(all) != 1 {
		t.Errorf("after remove: %v", all)
	}
}

func TestStaleEntries(t *testing.T) {
	old := []inventoryEntry{{ID: "a_x__ConfigMap", Version: "v1"}, {ID: "a_y_apps_Deployment", Version: "v1"}, {ID: "a_z_batch_Job", Version: "v1"}}
	cur := []inventoryEntry{{ID: "a_x__ConfigMap", Version: "v1"}, {ID: "a_y_apps_Deployment", Version: "v2"}}
	if got, want := staleEntries(old, cur), old[2:]; !reflect.DeepEqual(got, want) {
		t.Errorf("stale = %v, want %v", got, want)
	}
	if got := mergeEntries(cur, old); len(got) != 3 {
		t.Errorf("merge = %v", got)
	}
}
