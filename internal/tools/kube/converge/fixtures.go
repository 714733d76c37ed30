package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

// fixture is a deliberately broken output (testdata/converge/<name>) and
// the message the harness must fail it with: one message holding every
// string of Want (the object, and what is wrong with it).
type fixture struct {
	name, dir string
	Want      []string `json:"want"`
	// Engine syncs it: argocd (the default) or flux.
	Engine string `json:"engine"`
	// Drain: the fault shows in a drain, which must then not finish.
	Drain bool `json:"drain"`
	// Pools are the node pools of its cluster (none: plain nodes).
	Pools []pool `json:"pools"`
}

// fixtureTasks are the harness's proofs of itself: each broken output is
// synced and checked like a real one, and the run passes only when the
// check fails it with the expected message.
func fixtureTasks(cfg *config, dir string) ([]task, error) {
	if dir == "" {
		return nil, nil
	}
	dirs, err := filepath.Glob(filepath.Join(dir, "*", "expect.txt"))
	if err != nil {
		return nil, err
	}
	if len(dirs) == 0 {
		return nil, fmt.Errorf("no fixtures in %s", dir)
	}
	var tasks []task
	for _, e := range dirs {
		data, err := os.ReadFile(e)
		if err != nil {
			return nil, err
		}
		f := fixture{dir: filepath.Dir(e), name: filepath.Base(filepath.Dir(e)), Engine: "argocd"}
		if err := yaml.UnmarshalStrict(data, &f); err != nil || len(f.Want) == 0 || cfg.engines[f.Engine].bin == "" {
			return nil, fmt.Errorf("%s: want a list 'want' of what the message says (and optionally 'engine: flux', 'drain: true', 'pools'): %v", e, err)
		}
		tasks = append(tasks, func(ctx context.Context) *result { return cfg.selfTest(ctx, f) })
	}
	return tasks, nil
}

// selfTest runs one fixture through the same steps as a real output, with
// short timeouts, and collects every failure the checks report.
func (cfg *config) selfTest(ctx context.Context, f fixture) *result {
	r := &result{title: "self-test " + f.name + " [" + f.Engine + "]", ok: true}
	o, err := readOutput(f.dir)
	if err != nil {
		return r.fail("%v", err)
	}
	o.pools = f.Pools
	c, rec, err := cfg.setUpWatched(ctx, "fixture-"+f.name, o)
	defer c.stop()
	if err != nil {
		return r.fail("setting up the cluster: %v", err)
	}
	var caught []string
	if _, err := cfg.engines[f.Engine].sync(ctx, c, o, time.Minute, false); err != nil {
		caught = append(caught, err.Error())
	}
	p := fresh
	if f.Drain {
		p = drained
	}
	_, probs, err := c.settle(ctx, o.namespaces(), 15*time.Second, p)
	if err != nil {
		return r.fail("%v", err)
	}
	caught = append(caught, probs...)
	caught = append(caught, rec.orderProblems()...)
	if f.Drain && len(caught) == 0 {
		l, err := c.read(ctx, o.namespaces())
		if err != nil {
			return r.fail("%v", err)
		}
		if _, log, err := c.drainNode(ctx, l.busiestNode(), 20*time.Second); err != nil {
			caught = append(caught, err.Error()+"; "+c.blockingBudgets(ctx, o.namespaces())+"\n"+blockers(log))
		}
	}
	for _, msg := range caught {
		if containsAll(msg, f.Want) {
			r.note("caught: %s", msg)
			return r
		}
	}
	if len(caught) == 0 {
		return r.fail("the harness passed a broken output: nothing caught %q", f.Want)
	}
	r.fail("the harness did not report %q in one message; it reported:", f.Want)
	r.lines = append(r.lines, caught...)
	return r
}

func containsAll(msg string, wants []string) bool {
	for _, w := range wants {
		if !strings.Contains(msg, w) {
			return false
		}
	}
	return true
}
