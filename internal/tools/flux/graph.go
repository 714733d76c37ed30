package main

import (
	"fmt"
	"sort"
	"strings"
)

// depNode is a Kustomization as the dependency graph sees it: its
// "namespace/name" key and the keys it depends on.
type depNode struct {
	Key       string
	DependsOn []string
}

// orderGraph returns the keys in an order where every Kustomization comes
// after its dependencies; among those free to go at once, by key. It fails
// on a dependency that names no Kustomization, and on a cycle, naming them.
func orderGraph(nodes []depNode) ([]string, error) {
	deps, err := dependencyMap(nodes)
	if err != nil {
		return nil, err
	}
	order, indegree := kahnOrder(deps)
	if len(order) == len(deps) {
		return order, nil
	}

	var left []string
	for key := range deps {
		if indegree[key] > 0 {
			left = append(left, key)
		}
	}
	sort.Strings(left)
	return nil, fmt.Errorf("dependency cycle: %s", findCycle(left, deps))
}

// dependencyMap maps each key to the keys it depends on, refusing a key
// defined twice and dependencies that name no Kustomization.
func dependencyMap(nodes []depNode) (map[string][]string, error) {
	deps := make(map[string][]string, len(nodes))
	for _, n := range nodes {
		if _, dup := deps[n.Key]; dup {
			return nil, fmt.Errorf("Kustomization %s is defined twice", n.Key)
		}
		deps[n.Key] = n.DependsOn
	}

	var missing []string
	for _, n := range nodes {
		for _, d := range n.DependsOn {
			if _, ok := deps[d]; !ok {
				missing = append(missing, fmt.Sprintf("%s depends on %s, which does not exist", n.Key, d))
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("missing dependencies: %s", strings.Join(missing, "; "))
	}
	return deps, nil
}

// kahnOrder is Kahn's algorithm, taking the smallest key that is free each
// time, so that the order is deterministic. The keys on or behind a cycle
// are left out of order, with a positive indegree.
func kahnOrder(deps map[string][]string) (order []string, indegree map[string]int) {
	indegree = make(map[string]int, len(deps))
	dependents := make(map[string][]string)
	for key, ds := range deps {
		seen := map[string]bool{}
		for _, d := range ds {
			if seen[d] {
				continue
			}
			seen[d] = true
			indegree[key]++
			dependents[d] = append(dependents[d], key)
		}
	}
	var free []string
	for key := range deps {
		if indegree[key] == 0 {
			free = append(free, key)
		}
	}
	for len(free) > 0 {
		sort.Strings(free)
		key := free[0]
		free = free[1:]
		order = append(order, key)
		for _, dep := range dependents[key] {
			indegree[dep]--
			if indegree[dep] == 0 {
				free = append(free, dep)
			}
		}
	}
	return order, indegree
}

// findCycle returns one cycle among the keys left by Kahn's algorithm,
// written "a -> b -> a"; every key left there is on or behind a cycle.
func findCycle(left []string, deps map[string][]string) string {
	inLeft := make(map[string]bool, len(left))
	for _, k := range left {
		inLeft[k] = true
	}
	// Walk dependencies from the first key until a key repeats: every left
	// key has at least one left dependency, so the walk never stops short.
	pos := map[string]int{}
	var path []string
	key := left[0]
	for {
		if i, ok := pos[key]; ok {
			return strings.Join(append(path[i:], key), " -> ")
		}
		pos[key] = len(path)
		path = append(path, key)
		next := ""
		ds := append([]string(nil), deps[key]...)
		sort.Strings(ds)
		for _, d := range ds {
			if inLeft[d] {
				next = d
				break
			}
		}
		if next == "" { // cannot happen; be safe
			return strings.Join(left, ", ")
		}
		key = next
	}
}
