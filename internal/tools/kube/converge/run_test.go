package main

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestAWaitingRunGivesItsSlotBack: with one slot, a run that waits (as a
// drain held up by a disruption budget does) lets the next run start once
// it has waited a while, and no two runs ever work at once.
func TestAWaitingRunGivesItsSlotBack(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var working, most atomic.Int32
	work := func() func() {
		if n := working.Add(1); n > most.Load() {
			most.Store(n)
		}
		return func() { working.Add(-1) }
	}
	secondStarted := make(chan struct{})
	tasks := []task{
		func(ctx context.Context) *result {
			done := work()
			r := &result{title: "first", ok: true}
			done() // only waiting from here
			waiting(ctx, 0, func() {
				select {
				case <-secondStarted:
				case <-ctx.Done():
					r.ok = false // the second run never started: the slot was kept
				}
			})
			// Working again, once it has a slot.
			work()()
			return r
		},
		func(ctx context.Context) *result {
			done := work()
			defer done()
			close(secondStarted)
			return &result{title: "second", ok: true}
		},
	}
	// A run that never took its slot back would leave runTasks waiting:
	// fail then rather than at go test's timeout.
	finished := make(chan []*result, 1)
	go func() { finished <- runTasks(ctx, tasks, 1) }()
	var results []*result
	select {
	case results = <-finished:
	case <-time.After(20 * time.Second):
		t.Fatal("runTasks never returned")
	}
	for _, r := range results {
		if r == nil || !r.ok {
			t.Fatalf("results %+v: the waiting run kept its slot", results)
		}
	}
	if most.Load() != 1 {
		t.Errorf("%d runs worked at once with one slot", most.Load())
	}
}

// TestAShortWaitKeepsItsSlot: a wait that ends soon never gives the slot
// back, so that runs do not pile up on short drains.
func TestAShortWaitKeepsItsSlot(t *testing.T) {
	s := make(slots, 1)
	s <- struct{}{}
	ctx := context.WithValue(context.Background(), slotsKey{}, s)
	waiting(ctx, time.Hour, func() {
		if len(s) != 1 {
			t.Error("the slot was given back during a short wait")
		}
	})
	if len(s) != 1 {
		t.Error("the run holds no slot after a short wait")
	}
}

// TestWaitingRunsAreBounded: runs that all wait still leave at most twice
// parallel clusters up at once, and all finish.
func TestWaitingRunsAreBounded(t *testing.T) {
	var up, most atomic.Int32
	release := make(chan struct{})
	time.AfterFunc(300*time.Millisecond, func() { close(release) })
	var tasks []task
	for range 5 {
		tasks = append(tasks, func(ctx context.Context) *result {
			if n := up.Add(1); n > most.Load() {
				most.Store(n)
			}
			defer up.Add(-1)
			waiting(ctx, 0, func() { <-release })
			return &result{ok: true}
		})
	}
	for _, r := range runTasks(context.Background(), tasks, 1) {
		if r == nil || !r.ok {
			t.Fatal("a run did not finish")
		}
	}
	if most.Load() != 2 {
		t.Errorf("%d clusters were up at once with one slot; want 2", most.Load())
	}
}
