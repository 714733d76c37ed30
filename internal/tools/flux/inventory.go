package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/fluxcd/cli-utils/pkg/object"
	"github.com/fluxcd/pkg/ssa"
)

// inventory is what kustomize-controller keeps in a Kustomization's
// status.inventory, plus what its finalizer needs once the Kustomization
// itself is gone: whether it prunes. One JSON file per Kustomization.
type inventory struct {
	Name      string           `json:"name"`
	Namespace string           `json:"namespace"`
	Path      string           `json:"path"`
	Prune     bool             `json:"prune"`
	Entries   []inventoryEntry `json:"entries"`
}

// inventoryEntry is Flux's ResourceRef: the object's ObjMetadata string
// ("namespace_name_group_kind") and its API version.
type inventoryEntry struct {
	ID      string `json:"id"`
	Version string `json:"v"`
}

type stateDir string

func (d stateDir) file(namespace, name string) string {
	return filepath.Join(string(d), namespace+"_"+name+".json")
}

// load returns the inventory of a Kustomization, or nil if it has none.
func (d stateDir) load(namespace, name string) (*inventory, error) {
	data, err := os.ReadFile(d.file(namespace, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var inv inventory
	if err := json.Unmarshal(data, &inv); err != nil {
		return nil, fmt.Errorf("%s: %w", d.file(namespace, name), err)
	}
	return &inv, nil
}

func (d stateDir) save(inv *inventory) error {
	if err := os.MkdirAll(string(d), 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(inv, "", "  ")
	if err != nil {
		return err
	}
	file := d.file(inv.Namespace, inv.Name)
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, file)
}

func (d stateDir) remove(namespace, name string) error {
	err := os.Remove(d.file(namespace, name))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// all returns every inventory in the folder, sorted by namespace and name.
func (d stateDir) all() ([]*inventory, error) {
	files, err := filepath.Glob(filepath.Join(string(d), "*.json"))
	if err != nil {
		return nil, err
	}
	var out []*inventory
	for _, f := range files {
		base := strings.TrimSuffix(filepath.Base(f), ".json")
		ns, name, ok := strings.Cut(base, "_")
		if !ok {
			continue
		}
		inv, err := d.load(ns, name)
		if err != nil {
			return nil, err
		}
		if inv != nil {
			out = append(out, inv)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Namespace+"/"+out[i].Name < out[j].Namespace+"/"+out[j].Name
	})
	return out, nil
}

// entriesFromChangeSet is Flux's inventory.AddChangeSet: every entry of the
// apply, skipped ones included.
func entriesFromChangeSet(cs *ssa.ChangeSet) []inventoryEntry {
	var out []inventoryEntry
	if cs == nil {
		return out
	}
	for _, e := range cs.Entries {
		out = append(out, inventoryEntry{ID: e.ObjMetadata.String(), Version: e.GroupVersion})
	}
	return out
}

// objects turns inventory entries into the partial objects that the
// resource manager deletes by, sorted as Flux sorts them.
func objects(entries []inventoryEntry) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, e := range entries {
		m, err := object.ParseObjMetadata(e.ID)
		if err != nil {
			return nil, err
		}
		u := &unstructured.Unstructured{}
		u.SetGroupVersionKind(schema.GroupVersionKind{Group: m.GroupKind.Group, Version: e.Version, Kind: m.GroupKind.Kind})
		u.SetName(m.Name)
		u.SetNamespace(m.Namespace)
		out = append(out, u)
	}
	sort.Sort(ssa.SortableUnstructureds(out))
	return out, nil
}

// staleEntries is Flux's inventory.Diff: the old entries whose object is
// not in the new inventory (whatever its version).
func staleEntries(old, current []inventoryEntry) []inventoryEntry {
	keep := make(map[string]bool, len(current))
	for _, e := range current {
		keep[e.ID] = true
	}
	var out []inventoryEntry
	for _, e := range old {
		if !keep[e.ID] {
			out = append(out, e)
		}
	}
	return out
}

// mergeEntries adds to inv the entries it does not have yet, as Flux
// re-tracks objects whose deletion failed.
func mergeEntries(inv, extra []inventoryEntry) []inventoryEntry {
	seen := make(map[string]bool, len(inv))
	for _, e := range inv {
		seen[e.ID] = true
	}
	for _, e := range extra {
		if !seen[e.ID] {
			inv = append(inv, e)
			seen[e.ID] = true
		}
	}
	return inv
}
