package kube_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// threeCalls makes an object as NewRendered made it before its manifest
// crossed as JSON text: the ApiObject with its metadata, a JSON patch of
// each other top-level field, adding them.
func threeCalls(scope cdk8s.Chart, id string, gvk kube.GVK, meta *cdk8s.ApiObjectMetadata, body map[string]any) cdk8s.ApiObject {
	obj := cdk8s.NewApiObject(scope, jsii.String(id), &cdk8s.ApiObjectProps{
		ApiVersion: jsii.String(gvk.APIVersion), Kind: jsii.String(gvk.Kind), Metadata: meta,
	})
	var ops []cdk8s.JsonPatch
	for _, k := range kube.SortedKeys(body) {
		ops = append(ops, cdk8s.JsonPatch_Add(jsii.String("/"+k), body[k]))
	}
	obj.AddJsonPatch(ops...)
	return obj
}

// TestRenderedIsTheThreeCallObject: an object whose manifest crossed as
// JSON text is the one the jsii calls made, in the construct tree and in
// the chart's output (its labels and namespace added), for values that
// JSON text might change: numbers small, large and fractional, empty maps
// and lists, strings YAML would read as other types, markup, non-ASCII
// text and escapes. A patch added later applies to it as to any object.
func TestRenderedIsTheThreeCallObject(t *testing.T) {
	// Two apps, so that charts of the same id name their objects alike.
	ourApp, theirApp := cdk8s.NewApp(nil), cdk8s.NewApp(nil)
	chart := func(app cdk8s.App, name string) cdk8s.Chart {
		return cdk8s.NewChart(app, jsii.String(name), &cdk8s.ChartProps{
			Namespace: jsii.String("chart-ns"), Labels: &map[string]*string{"chart": jsii.String("label")},
		})
	}
	body := func() map[string]any {
		return map[string]any{
			"spec": map[string]any{
				"replicas": 3.0, "big": 1e21, "huge": 9007199254740993.0, "fraction": 0.1, "negative": -42.0,
				"empty": map[string]any{}, "none": []any{}, "flags": []any{true, false},
				"strings": []any{"yes", "on", "0o17", "1e3", "null", "~", "", " padded ", "<a href=\"x\">&amp;</a>", "čaj ☕ 🚀", "line\nbreak\ttab\\", "\u2028"},
			},
			"data": map[string]any{"key.with.dots": "v", "a/b": "w"},
		}
	}
	meta := func() *cdk8s.ApiObjectMetadata {
		return &cdk8s.ApiObjectMetadata{
			Name: jsii.String("name"), Namespace: jsii.String("ns"),
			Labels: &map[string]*string{"l": jsii.String("v")}, Annotations: &map[string]*string{"a": jsii.String("yes")},
			Finalizers: jsii.Strings("example.com/keep"),
			OwnerReferences: &[]*cdk8s.OwnerReference{{
				ApiVersion: jsii.String("v1"), Kind: jsii.String("ConfigMap"), Name: jsii.String("owner"),
				Uid: jsii.String("0000-1"), Controller: jsii.Bool(true),
			}},
		}
	}
	gvk := kube.GVK{APIVersion: "example.com/v1", Kind: "Example"}
	ours, theirs := chart(ourApp, "ours"), chart(theirApp, "ours")
	made := kube.NewRendered(ours, "object", gvk, meta(), body())
	threeCalls(theirs, "object", gvk, meta(), body())
	// A chart without metadata: the chart's namespace and labels are all.
	bare, bareTheirs := chart(ourApp, "bare"), chart(theirApp, "bare")
	kube.NewRendered(bare, "object", gvk, nil, map[string]any{"spec": map[string]any{"x": "y"}})
	threeCalls(bareTheirs, "object", gvk, nil, map[string]any{"spec": map[string]any{"x": "y"}})

	for _, pair := range [][2]cdk8s.Chart{{ours, theirs}, {bare, bareTheirs}} {
		got, err := kube.Resolve(pair[0])
		if err != nil {
			t.Fatal(err)
		}
		want := *pair[1].ToJson()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: through JSON text:\n%s\nby the jsii calls:\n%s", *pair[0].Node().Id(), canonical(t, got), canonical(t, want))
		}
		// Resolve reads what ToJson returns, value for value.
		if direct := *pair[0].ToJson(); !reflect.DeepEqual(got, direct) {
			t.Errorf("%s: Resolve:\n%s\nToJson:\n%s", *pair[0].Node().Id(), canonical(t, got), canonical(t, direct))
		}
	}
	if path, want := *made.Node().Path(), "ours/object"; path != want {
		t.Errorf("path %s, want %s", path, want)
	}
	if *made.Name() != "name" || *made.Kind() != "Example" || *made.Chart().Node().Id() != "ours" {
		t.Errorf("the handle is %s %s of chart %s", *made.Kind(), *made.Name(), *made.Chart().Node().Id())
	}
	made.AddJsonPatch(cdk8s.JsonPatch_Replace(jsii.String("/spec/replicas"), 5))
	made.Metadata().AddLabel(jsii.String("added"), jsii.String("later"))
	got, err := kube.Resolve(ours)
	if err != nil {
		t.Fatal(err)
	}
	obj := got[0].(map[string]any)
	spec, labels := obj["spec"].(map[string]any), obj["metadata"].(map[string]any)["labels"].(map[string]any)
	if spec["replicas"] != 5.0 || labels["added"] != "later" || labels["chart"] != "label" {
		t.Errorf("after a patch and a label: replicas %v, labels %v", spec["replicas"], labels)
	}
}

// TestNewObjectsIsNewObjectInTurn: objects made together, in one call,
// are those NewObject makes one by one, in the same order, and their
// handles come back in the order given.
func TestNewObjectsIsNewObjectInTurn(t *testing.T) {
	ourApp, theirApp := cdk8s.NewApp(nil), cdk8s.NewApp(nil)
	ours := cdk8s.NewChart(ourApp, jsii.String("c"), &cdk8s.ChartProps{Namespace: jsii.String("chart-ns")})
	theirs := cdk8s.NewChart(theirApp, jsii.String("c"), &cdk8s.ChartProps{Namespace: jsii.String("chart-ns")})
	objects := []kube.Object{
		{ID: "second", GVK: kube.ConfigMapKind, Props: &k8s.KubeConfigMapProps{
			Metadata: &k8s.ObjectMeta{Name: jsii.String("b")}, Data: &map[string]*string{"k": jsii.String("v")},
		}},
		{ID: "first", GVK: kube.ServiceAccountKind, Props: &k8s.KubeServiceAccountProps{
			Metadata: &k8s.ObjectMeta{Name: jsii.String("a")}, AutomountServiceAccountToken: jsii.Bool(false),
		}},
		{ID: "third", GVK: kube.ConfigMapKind, Props: &k8s.KubeConfigMapProps{}},
	}
	made := kube.NewObjects(ours, objects...)
	for _, o := range objects {
		kube.NewObject(theirs, o.ID, o.GVK, o.Props)
	}
	if len(made) != len(objects) {
		t.Fatalf("%d handles for %d objects", len(made), len(objects))
	}
	for i, o := range objects {
		if got := *made[i].Node().Id(); got != o.ID {
			t.Errorf("handle %d is %s, want %s", i, got, o.ID)
		}
	}
	got, err := kube.Resolve(ours)
	if err != nil {
		t.Fatal(err)
	}
	if want := *theirs.ToJson(); !reflect.DeepEqual(got, want) {
		t.Errorf("together:\n%s\none by one:\n%s", canonical(t, got), canonical(t, want))
	}
	if len(kube.NewObjects(ours)) != 0 {
		t.Error("no objects made some")
	}
}

// TestResolveAllReturnsEachChartInOrder: the charts' manifests come back
// one list per chart, in the order asked (not the app's), each as ToJson
// resolves it, and the file they crossed in is gone.
func TestResolveAllReturnsEachChartInOrder(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	app := cdk8s.NewApp(nil)
	var charts []cdk8s.Chart
	for _, name := range []string{"a", "b", "empty", "c"} {
		c := cdk8s.NewChart(app, jsii.String(name), &cdk8s.ChartProps{Namespace: jsii.String("ns-" + name)})
		if name != "empty" {
			kube.NewRendered(c, "first", kube.ConfigMapKind, &cdk8s.ApiObjectMetadata{Name: jsii.String(name + "-1")}, map[string]any{"data": map[string]any{"k": name}})
			kube.NewRendered(c, "second", kube.ConfigMapKind, &cdk8s.ApiObjectMetadata{Name: jsii.String(name + "-2")}, nil)
		}
		charts = append(charts, c)
	}
	order := []cdk8s.Chart{charts[3], charts[0], charts[2], charts[1]}
	got, err := kube.ResolveAll(order...)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(order) {
		t.Fatalf("%d lists for %d charts", len(got), len(order))
	}
	for i, c := range order {
		want := *c.ToJson()
		if len(want) == 0 {
			want = []any{}
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Errorf("chart %s: got\n%s\nwant\n%s", *c.Node().Id(), canonical(t, got[i]), canonical(t, want))
		}
	}
	if left, _ := filepath.Glob(filepath.Join(os.Getenv("TMPDIR"), "caracal-manifests-*")); len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
	if none, err := kube.ResolveAll(); none != nil || err != nil {
		t.Errorf("no charts: %v, %v", none, err)
	}
}

// TestBatchMakesItsObjectsInOrder: a batch's objects are children of its
// scope in the order they were added, each handle where Add was told to
// put it, props and rendered bodies alike; the batch is empty after.
func TestBatchMakesItsObjectsInOrder(t *testing.T) {
	app := cdk8s.NewApp(nil)
	chart := cdk8s.NewChart(app, jsii.String("batch"), nil)
	var first, third cdk8s.ApiObject
	var b kube.Batch
	b.Add(&first, kube.Object{ID: "first", GVK: kube.ConfigMapKind, Props: &k8s.KubeConfigMapProps{
		Metadata: &k8s.ObjectMeta{Name: jsii.String("one")}, Data: &map[string]*string{"k": jsii.String("v")},
	}})
	b.Add(nil, kube.Object{ID: "second", GVK: kube.ServiceAccountKind, Meta: &cdk8s.ApiObjectMetadata{Name: jsii.String("two")}})
	b.Add(&third, kube.Object{ID: "third", GVK: kube.ConfigMapKind, Meta: &cdk8s.ApiObjectMetadata{Name: jsii.String("three")}, Body: map[string]any{"data": map[string]any{"x": "y"}}})
	b.Make(chart)
	if first == nil || third == nil || *first.Name() != "one" || *third.Name() != "three" {
		t.Fatalf("handles: %v, %v", first, third)
	}
	got, err := kube.Resolve(chart)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range got {
		names = append(names, m.(map[string]any)["metadata"].(map[string]any)["name"].(string))
	}
	if fmt := strings.Join(names, ","); fmt != "one,two,three" {
		t.Errorf("objects %s, want one,two,three", fmt)
	}
	if data := got[2].(map[string]any)["data"].(map[string]any); data["x"] != "y" {
		t.Errorf("rendered body: %v", got[2])
	}
	b.Make(chart) // empty: adds nothing
	if n := len(*chart.Node().Children()); n != 3 {
		t.Errorf("%d children after an empty Make, want 3", n)
	}
}

// TestNewScopeIsTheTwoCallScope: a construct made by NewScope, with its
// objects, is the construct and objects that NewConstruct and NewObjects
// make in two calls: the same tree paths, the same resolved manifests, the
// handles in order; with no objects it is a bare construct. A batch's
// MakeScope is the same.
func TestNewScopeIsTheTwoCallScope(t *testing.T) {
	objects := func() []kube.Object {
		return []kube.Object{
			{ID: "config", GVK: kube.ConfigMapKind, Props: &k8s.KubeConfigMapProps{
				Metadata: &k8s.ObjectMeta{Name: jsii.String("one")}, Data: &map[string]*string{"k": jsii.String("v")},
			}},
			{ID: "account", GVK: kube.ServiceAccountKind, Meta: &cdk8s.ApiObjectMetadata{Name: jsii.String("two")}},
		}
	}
	paths := func(chart cdk8s.Chart) []string {
		var out []string
		for _, c := range *chart.Node().FindAll(constructs.ConstructOrder_PREORDER) {
			out = append(out, *c.Node().Path())
		}
		return out
	}
	app := cdk8s.NewApp(nil)
	two := cdk8s.NewChart(app, jsii.String("two"), nil)
	kube.NewObjects(constructs.NewConstruct(two, jsii.String("scope")), objects()...)
	constructs.NewConstruct(two, jsii.String("empty"))
	one := cdk8s.NewChart(app, jsii.String("one"), nil)
	scope, made := kube.NewScope(one, "scope", objects()...)
	empty, none := kube.NewScope(one, "empty")
	if *scope.Node().Path() != "one/scope" || *empty.Node().Path() != "one/empty" || len(none) != 0 {
		t.Errorf("constructs %s, %s (%d objects)", *scope.Node().Path(), *empty.Node().Path(), len(none))
	}
	if len(made) != 2 || *made[0].Name() != "one" || *made[1].Name() != "two" || *made[1].Node().Path() != "one/scope/account" {
		t.Fatalf("handles %v", made)
	}
	want := strings.ReplaceAll(strings.Join(paths(two), ","), "two", "one")
	if got := strings.Join(paths(one), ","); got != want {
		t.Errorf("tree %s, want %s", got, want)
	}
	var b kube.Batch
	var account cdk8s.ApiObject
	objs := objects()
	b.Add(nil, objs[0])
	b.Add(&account, objs[1])
	batch := cdk8s.NewChart(app, jsii.String("batch"), nil)
	if c := b.MakeScope(batch, "scope"); *c.Node().Path() != "batch/scope" || account == nil || *account.Node().Path() != "batch/scope/account" {
		t.Errorf("MakeScope: %s, handle %v", *c.Node().Path(), account)
	}
	resolved, err := kube.ResolveAll(two, one, batch)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(resolved[0], resolved[1]) || !reflect.DeepEqual(resolved[0], resolved[2]) {
		t.Errorf("manifests differ:\n%v\n%v\n%v", resolved[0], resolved[1], resolved[2])
	}
}

// TestBatchMakesATreeInOneCall: constructs recorded with Scope, objects
// before and after them and constructs inside them, are made in one call
// as the calls one by one make them: the same tree paths in the same
// order, the same resolved manifests, every handle where it was told to
// go; the batch is empty after.
func TestBatchMakesATreeInOneCall(t *testing.T) {
	object := func(id, name string) kube.Object {
		return kube.Object{ID: id, GVK: kube.ConfigMapKind, Props: &k8s.KubeConfigMapProps{
			Metadata: &k8s.ObjectMeta{Name: jsii.String(name)}, Data: &map[string]*string{"id": jsii.String(id)},
		}}
	}
	// The paths below the chart, in tree order.
	paths := func(chart cdk8s.Chart) string {
		var out []string
		for _, c := range (*chart.Node().FindAll(constructs.ConstructOrder_PREORDER))[1:] {
			out = append(out, strings.TrimPrefix(*c.Node().Path(), *chart.Node().Path()+"/"))
		}
		return strings.Join(out, ",")
	}
	app := cdk8s.NewApp(nil)
	// One call per construct and object list, as before batches.
	calls := cdk8s.NewChart(app, jsii.String("calls"), nil)
	kube.NewObjects(calls, object("first", "a"))
	outer := constructs.NewConstruct(calls, jsii.String("outer"))
	kube.NewObjects(outer, object("inner-first", "b"))
	kube.NewScope(outer, "inner", object("deep", "c"))
	constructs.NewConstruct(outer, jsii.String("empty"))
	kube.NewObjects(outer, object("inner-last", "d"))
	kube.NewObjects(calls, object("last", "e"))

	tree := cdk8s.NewChart(app, jsii.String("tree"), nil)
	var b kube.Batch
	var first, deep, last cdk8s.ApiObject
	var outerC, innerC, emptyC constructs.Construct
	b.Add(&first, object("first", "a"))
	o := b.Scope(&outerC, "outer")
	o.Add(nil, object("inner-first", "b"))
	o.Scope(&innerC, "inner").Add(&deep, object("deep", "c"))
	o.Scope(&emptyC, "empty")
	o.Add(nil, object("inner-last", "d"))
	b.Add(&last, object("last", "e"))
	b.Make(tree)

	if got, want := paths(tree), paths(calls); got != want || !strings.Contains(got, "outer/inner/deep") {
		t.Errorf("tree %s, want %s", got, want)
	}
	for name, h := range map[string]constructs.Construct{"tree/first": first, "tree/outer": outerC, "tree/outer/inner": innerC, "tree/outer/empty": emptyC, "tree/outer/inner/deep": deep, "tree/last": last} {
		if h == nil || *h.Node().Path() != name {
			t.Errorf("the handle of %s: %v", name, h)
		}
	}
	if *deep.Name() != "c" {
		t.Errorf("deep is %s", *deep.Name())
	}
	resolved, err := kube.ResolveAll(calls, tree)
	if err != nil {
		t.Fatal(err)
	}
	if len(resolved[0]) != 5 || !reflect.DeepEqual(resolved[0], resolved[1]) {
		t.Errorf("manifests differ:\n%v\n%v", resolved[0], resolved[1])
	}
	n := len(*tree.Node().FindAll(constructs.ConstructOrder_PREORDER))
	b.Make(tree) // empty now: adds nothing
	if m := len(*tree.Node().FindAll(constructs.ConstructOrder_PREORDER)); m != n {
		t.Errorf("%d constructs after an empty Make, want %d", m, n)
	}
}
