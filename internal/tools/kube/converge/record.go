package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	watchtools "k8s.io/client-go/tools/watch"
)

// recorder watches Jobs and workloads from before a sync, and notes when
// each was created and when each Job completed. The moments are the
// objects' resource versions: one etcd gives every change one number of a
// single sequence, so they order events exactly, where timestamps (whole
// seconds) cannot.
type recorder struct {
	mu        sync.Mutex
	created   map[string]event // "Kind ns/name"
	completed map[string]event // Jobs
}

type event struct {
	rv        int64
	at        time.Time
	component string
}

// record starts watching; it stops with the cluster.
func (c *cluster) record() (*recorder, error) {
	ctx := c.ctx
	r := &recorder{created: map[string]event{}, completed: map[string]event{}}
	watchers := []struct {
		kind string
		list func(metav1.ListOptions) (runtime.Object, error)
		wtch func(metav1.ListOptions) (watch.Interface, error)
	}{
		{"Job", func(o metav1.ListOptions) (runtime.Object, error) { return c.client.BatchV1().Jobs("").List(ctx, o) },
			func(o metav1.ListOptions) (watch.Interface, error) { return c.client.BatchV1().Jobs("").Watch(ctx, o) }},
		{"Deployment", func(o metav1.ListOptions) (runtime.Object, error) {
			return c.client.AppsV1().Deployments("").List(ctx, o)
		},
			func(o metav1.ListOptions) (watch.Interface, error) {
				return c.client.AppsV1().Deployments("").Watch(ctx, o)
			}},
		{"StatefulSet", func(o metav1.ListOptions) (runtime.Object, error) {
			return c.client.AppsV1().StatefulSets("").List(ctx, o)
		},
			func(o metav1.ListOptions) (watch.Interface, error) {
				return c.client.AppsV1().StatefulSets("").Watch(ctx, o)
			}},
	}
	for _, w := range watchers {
		list, err := w.list(metav1.ListOptions{})
		if err != nil {
			return nil, err
		}
		rv := list.(metav1.ListInterface).GetResourceVersion()
		rw, err := watchtools.NewRetryWatcher(rv, &cache.ListWatch{WatchFunc: w.wtch})
		if err != nil {
			return nil, err
		}
		go func(kind string) {
			defer rw.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case ev, ok := <-rw.ResultChan():
					if !ok {
						return
					}
					r.note(kind, ev)
				}
			}
		}(w.kind)
	}
	return r, nil
}

func (r *recorder) note(kind string, ev watch.Event) {
	obj, ok := ev.Object.(metav1.Object)
	if !ok || ev.Type == watch.Deleted {
		return
	}
	rv, err := strconv.ParseInt(obj.GetResourceVersion(), 10, 64)
	if err != nil {
		return
	}
	key := kind + " " + obj.GetNamespace() + "/" + obj.GetName()
	e := event{rv: rv, at: time.Now(), component: obj.GetLabels()["app.kubernetes.io/component"]}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, seen := r.created[key]; !seen {
		r.created[key] = e
	}
	if job, ok := ev.Object.(*batchv1.Job); ok {
		if _, done := r.completed[key]; !done && jobComplete(job) {
			r.completed[key] = e
		}
	}
}

func jobComplete(j *batchv1.Job) bool {
	for _, c := range j.Status.Conditions {
		if c.Type == batchv1.JobComplete && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// order is the intended order of the day-2 steps and the applications
// they gate, by app.kubernetes.io/component: each step must have
// completed before anything of a later rank is created.
var order = map[string]int{
	"db-init":            1,
	"db-migrate":         2,
	"kafka-topics":       3,
	"merkle-backfill":    4,
	"gateway":            5,
	"mcp-adapter":        5,
	"ledger-writer":      5,
	"metrics-aggregator": 5,
	"audit-logger":       5,
}

// orderProblems lists every object created before a Job of an earlier
// rank completed, naming both.
func (r *recorder) orderProblems() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for job, done := range r.completed {
		rank, ok := order[done.component]
		if !ok {
			continue
		}
		for obj, made := range r.created {
			if later, ok := order[made.component]; ok && later > rank && made.rv < done.rv {
				out = append(out, fmt.Sprintf("%s (%s) was created before %s (%s) completed: out of order", obj, made.component, job, done.component))
			}
		}
	}
	for job, made := range r.created {
		if _, ok := order[made.component]; ok && strings.HasPrefix(job, "Job ") {
			if _, done := r.completed[job]; !done {
				out = append(out, job+" never completed")
			}
		}
	}
	sort.Strings(out)
	return out
}

// jobsInOrder lists the Jobs by completion, for the report.
func (r *recorder) jobsInOrder() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	type done struct {
		name string
		rv   int64
	}
	var list []done
	for _, e := range r.completed {
		if _, ok := order[e.component]; ok {
			list = append(list, done{e.component, e.rv})
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].rv < list[j].rv })
	out := make([]string, len(list))
	for i, d := range list {
		out[i] = d.name
	}
	return out
}
