package kube

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"caracal.dev/caracal-cdk8s/constructs/kube/internal/bridge"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// A Plan records an app: its charts (NewChart) and what the constructs add
// to them through this package's functions, with no jsii call; the whole
// app is then made and resolved in one call (ResolveAllJSON). Two things
// follow. An app costs one round trip to the Node.js process, not one per
// chart and construct, and no handle crosses back. And a Plan can be
// composed on any goroutine, beside another app's jsii calls, which
// jsii's Go runtime allows on one goroutine at a time: the constructs of
// one environment are composed while the kernel makes the one before.
//
// The constructs of a Plan have no handles: the cdk8s.ApiObject that a
// function returns, or that a Batch stores, is nil, and a construct (the
// Chart of NewChart, the scope of Batch.MakeScope, NewScope and
// NewResource) is a placeholder that only this package's functions take
// as a scope; any method called on it panics. An app that needs the
// handles, or adds constructs of its own, makes its charts in a real App.
type Plan struct {
	charts Batch // one entry per chart, in order
	made   bool  // resolved: nothing more may be recorded
}

// NewPlan returns an empty plan.
func NewPlan() *Plan { return &Plan{} }

// App is the scope of the plan's charts: NewChart adds them to it.
func (p *Plan) App() constructs.Construct { return &planned{plan: p, batch: &p.charts, app: true} }

// planned stands for a construct of a Plan, to be made with it: the app,
// a chart, or a construct that holds others. It is a cdk8s.Chart (and so a
// constructs.Construct) by type only: the interface it embeds is nil.
type planned struct {
	cdk8s.Chart
	plan  *Plan
	batch *Batch // what the construct holds, as recorded
	app   bool
}

// asPlanned returns scope as a construct of a plan that is still being
// recorded, or nil when scope is a real construct.
func asPlanned(scope constructs.Construct) *planned {
	p, ok := scope.(*planned)
	if !ok {
		return nil
	}
	if p.plan.made {
		panic("kube: a plan that is made takes nothing more")
	}
	return p
}

// record appends entries to what p holds, renders each object's manifest
// (as Make would now) and gives each construct among them (and those
// below) a placeholder where the batch stores handles.
func (p *planned) record(entries []entry) {
	if p.app {
		panic("kube: only charts (NewChart) belong to a plan's app")
	}
	p.place(entries)
	p.batch.entries = append(p.batch.entries, entries...)
}

func (p *planned) place(entries []entry) {
	for i := range entries {
		e := &entries[i]
		if e.scope == nil {
			if e.raw == nil {
				e.raw, e.object = e.object.appendManifest(nil), Object{ID: e.object.ID}
			}
			continue
		}
		if e.at != nil {
			*e.at = &planned{plan: p.plan, batch: e.scope}
		}
		p.place(e.scope.entries)
	}
}

// scope records the construct id holding entries and returns it.
func (p *planned) scope(id string, entries []entry) *planned {
	child := &Batch{entries: entries}
	p.record([]entry{{object: Object{ID: id}, scope: child}})
	return &planned{plan: p.plan, batch: child}
}

// NewChart adds to scope the chart id, with cdk8s's hash suffixes disabled
// (names are explicit on every object): a real chart, or, in a Plan's
// app, a planned one.
func NewChart(scope constructs.Construct, id string) cdk8s.Chart {
	p := asPlanned(scope)
	if p == nil {
		return cdk8s.NewChart(scope, Str(id), &cdk8s.ChartProps{DisableResourceNameHashes: Bool(true)})
	}
	if !p.app {
		panic("kube: a planned chart belongs to the plan's app")
	}
	child := &Batch{}
	p.batch.entries = append(p.batch.entries, entry{object: Object{ID: id}, scope: child})
	return &planned{plan: p.plan, batch: child}
}

// IsPlanned reports whether c is a construct of a Plan (its app, a chart
// or a construct in one).
func IsPlanned[C constructs.Construct](c C) bool {
	_, ok := any(c).(*planned)
	return ok
}

// resolvePlan makes the plan of charts, all of one plan, and writes the
// manifests of charts, in their order, to the file at path, in one call.
func resolvePlan(charts []cdk8s.Chart, path string) error {
	var plan *Plan
	order := make([]int, len(charts))
	for i, c := range charts {
		p, ok := c.(*planned)
		if !ok || p.app || (plan != nil && p.plan != plan) {
			panic("kube: charts of a plan resolve with no others")
		}
		plan = p.plan
		order[i] = -1
		for j, e := range plan.charts.entries {
			if e.scope == p.batch {
				order[i] = j
			}
		}
		if order[i] < 0 {
			panic("kube: a planned chart that is not its plan's")
		}
	}
	if plan.made {
		panic("kube: a plan is made once")
	}
	plan.made = true
	text := append(plan.charts.appendTree([]byte(`{"charts":`)), `,"resolve":[`...)
	for i, j := range order {
		if i > 0 {
			text = append(text, ',')
		}
		text = strconv.AppendInt(text, int64(j), 10)
	}
	text = append(text, "]}"...)
	// The plan goes in a file, as the manifests come back in one, beside
	// it, readable by this user only.
	f, err := os.CreateTemp(filepath.Dir(path), "caracal-plan-*.json")
	if err != nil {
		return fmt.Errorf("writing the plan of the charts: %w", err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing the plan of the charts: %w", err)
	}
	bridge.Manifests_Synth(Str(f.Name()), Str(path))
	return nil
}
