package main

import (
	"context"
	"errors"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeCluster stands in for the reconciler: the root "builds" the given
// children; a Kustomization named in fail fails; every one takes a moment.
type fakeCluster struct {
	children []*kustomization
	fail     map[string]bool

	mu        sync.Mutex
	running   int
	peak      int
	started   []string
	finished  map[string]int // key -> position in the finish order
	violation []string
}

func (f *fakeCluster) do(ctx context.Context, k *kustomization, h hooks) error {
	f.mu.Lock()
	for _, d := range k.DependsOn {
		if _, ok := f.finished[d]; !ok {
			f.violation = append(f.violation, k.key()+" started before "+d+" was Ready")
		}
	}
	f.started = append(f.started, k.Name)
	f.running++
	if f.running > f.peak {
		f.peak = f.running
	}
	f.mu.Unlock()

	var err error
	if k.Name == rootName {
		if err = h.built(f.children); err == nil {
			h.applied()
		}
	}
	time.Sleep(20 * time.Millisecond)
	if f.fail[k.Name] {
		err = errors.New("boom")
	}

	f.mu.Lock()
	f.running--
	if err == nil {
		f.finished[k.key()] = len(f.finished)
	}
	f.mu.Unlock()
	return err
}

func ks(name string, deps ...string) *kustomization {
	k := &kustomization{Name: name, Namespace: "flux-system"}
	for _, d := range deps {
		k.DependsOn = append(k.DependsOn, "flux-system/"+d)
	}
	return k
}

func runFake(t *testing.T, f *fakeCluster) ([]string, string) {
	t.Helper()
	f.finished = map[string]int{}
	var out strings.Builder
	s := newScheduler(f.do, &printer{w: &out})
	failed := s.run(context.Background(), rootKustomization("./dist/flux", time.Minute))
	for _, v := range f.violation {
		t.Error(v)
	}
	return failed, out.String()
}

func TestSchedulerOrder(t *testing.T) {
	f := &fakeCluster{children: []*kustomization{
		ks("apps", "db-init", "datastores"),
		ks("db-init", "datastores"),
		ks("datastores"),
		ks("monitoring"),
		ks("m1"), ks("m2"), ks("m3"), ks("m4"), ks("m5"),
	}}
	failed, out := runFake(t, f)
	if len(failed) > 0 {
		t.Fatalf("failed: %v\n%s", failed, out)
	}
	if len(f.finished) != 10 {
		t.Errorf("finished %v", f.finished)
	}
	if f.peak > maxConcurrent {
		t.Errorf("%d ran at once, the most is %d", f.peak, maxConcurrent)
	}
	if f.finished["flux-system/datastores"] > f.finished["flux-system/db-init"] ||
		f.finished["flux-system/db-init"] > f.finished["flux-system/apps"] {
		t.Errorf("finish order %v", f.finished)
	}
	// While the root waits, three more may run; among those free to
	// start, the first by key go.
	first := append([]string(nil), f.started[1:4]...)
	sort.Strings(first)
	if want := []string{"datastores", "m1", "m2"}; f.started[0] != rootName || !reflect.DeepEqual(first, want) {
		t.Errorf("started %v, want the root, then %v", f.started, want)
	}
	for _, line := range []string{
		"flux: db-init: waiting for dependencies datastores\n",
		"flux: apps: waiting for dependencies db-init, datastores\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
}

func TestSchedulerFailedDependency(t *testing.T) {
	f := &fakeCluster{
		children: []*kustomization{ks("apps", "db-init"), ks("db-init", "datastores"), ks("datastores"), ks("other")},
		fail:     map[string]bool{"datastores": true},
	}
	failed, out := runFake(t, f)
	if want := []string{"flux-system/apps", "flux-system/datastores", "flux-system/db-init"}; !reflect.DeepEqual(failed, want) {
		t.Errorf("failed = %v, want %v\n%s", failed, want, out)
	}
	started := append([]string(nil), f.started...)
	sort.Strings(started)
	if want := []string{"datastores", rootName, "other"}; !reflect.DeepEqual(started, want) {
		t.Errorf("started %v, want %v", started, want)
	}
	for _, line := range []string{
		"flux: datastores: failed: boom\n",
		"flux: db-init: not reconciled: dependencies not Ready: datastores\n",
		"flux: apps: not reconciled: dependencies not Ready: db-init\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
}

func TestSchedulerBadGraph(t *testing.T) {
	for name, children := range map[string][]*kustomization{
		"dependency cycle: flux-system/a -> flux-system/b -> flux-system/a": {ks("a", "b"), ks("b", "a")},
		"flux-system/a depends on flux-system/ghost, which does not exist":  {ks("a", "ghost")},
		"Kustomization flux-system/a is defined twice":                      {ks("a"), ks("a")},
		"Kustomization flux-system/flux-system is defined twice":            {ks(rootName)},
	} {
		f := &fakeCluster{children: children}
		failed, out := runFake(t, f)
		if !reflect.DeepEqual(failed, []string{"flux-system/flux-system"}) || !strings.Contains(out, name) {
			t.Errorf("failed = %v, output:\n%s\nwant an error naming %q", failed, out, name)
		}
		if len(f.started) != 1 {
			t.Errorf("started %v; nothing but the root should start", f.started)
		}
	}
}
