package kube_test

import (
	"reflect"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// planApp adds two charts to app with every function that takes a scope:
// objects before, inside and after constructs, constructs filled after
// they were made, and props changed after their object was made (which
// must change nothing). It returns the charts and the handles it got.
func planApp(app constructs.Construct) ([]cdk8s.Chart, []any) {
	configMap := func(id, name string) (kube.Object, *k8s.KubeConfigMapProps) {
		props := &k8s.KubeConfigMapProps{
			Metadata: &k8s.ObjectMeta{Name: jsii.String(name)}, Data: &map[string]*string{"id": jsii.String(id)},
		}
		return kube.Object{ID: id, GVK: kube.ConfigMapKind, Props: props}, props
	}
	obj := func(id, name string) kube.Object { o, _ := configMap(id, name); return o }
	var handles []any
	keep := func(h ...any) { handles = append(handles, h...) }

	first := kube.NewChart(app, "first")
	keep(kube.NewObjects(first, obj("a", "a")))
	scope, objs := kube.NewScope(first, "scope", obj("b", "b"), obj("c", "c"))
	keep(objs)
	keep(kube.NewObjects(scope, obj("d", "d"))) // after the scope was made
	res, o := kube.NewResource(first, "resource", kube.ConfigMapKind, &k8s.KubeConfigMapProps{Metadata: &k8s.ObjectMeta{Name: jsii.String("e")}})
	keep(o)
	keep(kube.NewRendered(res, "rendered", kube.ConfigMapKind, &cdk8s.ApiObjectMetadata{Name: jsii.String("f")},
		map[string]any{"data": map[string]any{"n": "1.50", "yes": "yes"}}))

	var b kube.Batch
	var g, h cdk8s.ApiObject
	var inner constructs.Construct
	changed, props := configMap("g", "g")
	b.Add(&g, changed)
	b.Scope(&inner, "inner").Add(&h, obj("h", "h"))
	b.Add(nil, obj("i", "i"))
	b.Make(first)
	props.Data = &map[string]*string{"changed": jsii.String("after it was made")}
	keep(g, h)
	keep(kube.NewObjects(inner, obj("j", "j"))) // inside a construct of a batch

	second := kube.NewChart(app, "second")
	var c kube.Batch
	var k cdk8s.ApiObject
	c.Add(&k, obj("k", "k"))
	made := c.MakeScope(second, "made")
	keep(k)
	keep(kube.Object{ID: "l", GVK: kube.ConfigMapKind, Props: &k8s.KubeConfigMapProps{Metadata: &k8s.ObjectMeta{Name: jsii.String("l")}}}.New(made))
	return []cdk8s.Chart{first, second}, handles
}

// TestAPlanMakesWhatTheCallsMake: an app recorded in a plan and made in one
// call resolves to the manifests that the same functions give in a real
// app, chart by chart, in the order asked for; its constructs have no
// handles.
func TestAPlanMakesWhatTheCallsMake(t *testing.T) {
	realCharts, realHandles := planApp(cdk8s.NewApp(nil))
	want, err := kube.ResolveAll(realCharts[1], realCharts[0])
	if err != nil {
		t.Fatal(err)
	}
	plan := kube.NewPlan()
	charts, handles := planApp(plan.App())
	got, err := kube.ResolveAll(charts[1], charts[0])
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("a plan resolved to\n%v\nwant\n%v", got, want)
	}
	if names := names(want[1]); names != "a,b,c,d,e,f,g,h,j,i" || len(want[0]) != 2 {
		t.Errorf("the real app made %s and %d", names, len(want[0]))
	}
	if g := want[1][6].(map[string]any); !reflect.DeepEqual(g["data"], map[string]any{"id": "g"}) {
		t.Errorf("props changed after they were made changed the object: %v", g["data"])
	}
	for i, h := range realHandles {
		if reflect.ValueOf(h).IsZero() {
			t.Errorf("real handle %d is nil", i)
		}
	}
	for i, h := range handles {
		v := reflect.ValueOf(h)
		if v.Kind() == reflect.Slice {
			for j := 0; j < v.Len(); j++ {
				if !v.Index(j).IsNil() {
					t.Errorf("planned handle %d.%d is %v", i, j, v.Index(j))
				}
			}
		} else if h != nil && !v.IsZero() {
			t.Errorf("planned handle %d is %v", i, h)
		}
	}
}

func names(manifests []any) string {
	var out []string
	for _, m := range manifests {
		out = append(out, m.(map[string]any)["metadata"].(map[string]any)["name"].(string))
	}
	return strings.Join(out, ",")
}

// TestAPlanRefusesWhatItCannotMake: a plan's app takes charts only, a
// planned chart no chart, a plan is made once and takes nothing after,
// and its charts resolve with no others.
func TestAPlanRefusesWhatItCannotMake(t *testing.T) {
	obj := kube.Object{ID: "x", GVK: kube.ConfigMapKind, Props: &k8s.KubeConfigMapProps{Metadata: &k8s.ObjectMeta{Name: jsii.String("x")}}}
	panics := func(name, want string, f func()) {
		t.Helper()
		defer func() {
			if p := recover(); p == nil || !strings.Contains(p.(string), want) {
				t.Errorf("%s: panicked with %v, want %q", name, p, want)
			}
		}()
		f()
	}
	plan := kube.NewPlan()
	chart := kube.NewChart(plan.App(), "chart")
	panics("an object in the app", "only charts", func() { kube.NewObjects(plan.App(), obj) })
	panics("a chart in a chart", "belongs to the plan's app", func() { kube.NewChart(chart, "inner") })
	other := kube.NewChart(kube.NewPlan().App(), "other")
	panics("charts of two plans", "with no others", func() { kube.ResolveAll(chart, other) })
	real := cdk8s.NewChart(cdk8s.NewApp(nil), jsii.String("real"), nil)
	panics("a plan's chart and a real one", "with no others", func() { kube.ResolveAll(chart, real) })
	panics("a real chart and a plan's", "with no others", func() { kube.ResolveAll(real, chart) })
	panics("a batch made in the app", "only charts", func() {
		var b kube.Batch
		b.Add(nil, obj)
		b.Make(plan.App())
	})
	panics("a rendered object in the app", "only charts", func() {
		kube.NewRendered(plan.App(), "x", kube.ConfigMapKind, nil, map[string]any{"data": map[string]any{}})
	})
	if _, err := kube.ResolveAll(chart); err != nil {
		t.Fatal(err)
	}
	panics("a plan made twice", "made once", func() { kube.ResolveAll(chart) })
	panics("an object after", "takes nothing more", func() { kube.NewObjects(chart, obj) })
	panics("a chart after", "takes nothing more", func() { kube.NewChart(plan.App(), "late") })
}
