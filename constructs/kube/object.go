package kube

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"caracal.dev/caracal-cdk8s/constructs/kube/internal/bridge"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

// Objects are built from the typed props of cdk8s-plus's k8s module (and
// of the cdk8s import bindings), but rendered here, in Go, rather than by
// the library's classes on the Node.js side. A typed class costs one jsii
// round trip in which the kernel deserializes and checks every nested
// struct of the props, then converts them again when the chart is
// resolved: about three milliseconds for a Deployment, most of a synth.
// Rendered in Go, an object crosses once, as JSON text (NewRendered), and
// cdk8s-plus's JavaScript is never loaded. The objects are still cdk8s
// ApiObjects in the construct tree, with the chart's labels and
// namespace, and patches (AddJsonPatch) apply to them as before.

// GVK is an object's apiVersion and kind.
type GVK struct{ APIVersion, Kind string }

// The kinds this app writes.
var (
	ConfigMapKind               = GVK{"v1", "ConfigMap"}
	NamespaceKind               = GVK{"v1", "Namespace"}
	PersistentVolumeClaimKind   = GVK{"v1", "PersistentVolumeClaim"}
	SecretKind                  = GVK{"v1", "Secret"}
	ServiceKind                 = GVK{"v1", "Service"}
	ServiceAccountKind          = GVK{"v1", "ServiceAccount"}
	DeploymentKind              = GVK{"apps/v1", "Deployment"}
	StatefulSetKind             = GVK{"apps/v1", "StatefulSet"}
	HorizontalPodAutoscalerKind = GVK{"autoscaling/v2", "HorizontalPodAutoscaler"}
	JobKind                     = GVK{"batch/v1", "Job"}
	CronJobKind                 = GVK{"batch/v1", "CronJob"}
	NetworkPolicyKind           = GVK{"networking.k8s.io/v1", "NetworkPolicy"}
	PodDisruptionBudgetKind     = GVK{"policy/v1", "PodDisruptionBudget"}
	PriorityClassKind           = GVK{"scheduling.k8s.io/v1", "PriorityClass"}
)

// NewObject adds to scope, as id, the API object of kind gvk that props
// describe: a pointer to a props struct of cdk8s-plus's k8s module or of
// a cdk8s import binding (KubeDeploymentProps, ServiceMonitorProps, ...).
// Its metadata goes to the ApiObject's metadata, where the chart adds its
// labels and namespace; every other field is added to the manifest as it
// is rendered by Manifest.
func NewObject(scope constructs.Construct, id string, gvk GVK, props any) cdk8s.ApiObject {
	meta, body := split(props)
	return NewRendered(scope, id, gvk, meta, body)
}

// Object is one API object of NewObjects: its id in the construct tree,
// kind, and props (as NewObject takes them); or, with no props, metadata
// and a rendered body (as NewRendered takes them).
type Object struct {
	ID    string
	GVK   GVK
	Props any
	Meta  *cdk8s.ApiObjectMetadata
	Body  map[string]any
}

// NewObjects adds the objects to scope, in order, as NewObject adds each,
// in one jsii call, and returns them in the same order.
func NewObjects(scope constructs.Construct, objects ...Object) []cdk8s.ApiObject {
	if len(objects) == 0 {
		return nil
	}
	if p := asPlanned(scope); p != nil {
		p.record(objectEntries(objects))
		return make([]cdk8s.ApiObject, len(objects))
	}
	ids, text := encode(objects)
	return *bridge.Manifests_AddAll(scope, ids, text)
}

// NewScope adds to scope the construct id holding the objects, in order,
// as NewObjects adds them to it, in one jsii call: the construct and its
// objects (in the same order).
func NewScope(scope constructs.Construct, id string, objects ...Object) (constructs.Construct, []cdk8s.ApiObject) {
	if p := asPlanned(scope); p != nil {
		return p.scope(id, objectEntries(objects)), make([]cdk8s.ApiObject, len(objects))
	}
	ids, text := encode(objects)
	made := *bridge.Manifests_AddScope(scope, Str(id), ids, text)
	out := make([]cdk8s.ApiObject, len(made)-1)
	for i, c := range made[1:] {
		out[i] = c.(cdk8s.ApiObject)
	}
	return made[0], out
}

// NewResource adds to scope the construct id holding one API object,
// "Resource" (the id cdk8s gives a construct's own object), in one jsii
// call: the construct and the object.
func NewResource(scope constructs.Construct, id string, gvk GVK, props any) (constructs.Construct, cdk8s.ApiObject) {
	c, made := NewScope(scope, id, Object{ID: "Resource", GVK: gvk, Props: props})
	return c, made[0]
}

// objectEntries are the entries of a batch that records objects.
func objectEntries(objects []Object) []entry {
	out := make([]entry, len(objects))
	for i, o := range objects {
		out[i] = entry{object: o}
	}
	return out
}

// manifest is the object's manifest, from its props or its metadata and
// body.
func (o Object) manifest() map[string]any {
	meta, body := o.Meta, o.Body
	if o.Props != nil {
		meta, body = split(o.Props)
	}
	return manifest(o.GVK, meta, body)
}

// appendManifest appends the object's manifest to buf, as JSON.
func (o Object) appendManifest(buf []byte) []byte {
	if o.Props != nil {
		return appendManifest(buf, o.GVK, o.Props)
	}
	text, err := json.Marshal(manifest(o.GVK, o.Meta, o.Body))
	if err != nil {
		// Only a number JSON cannot hold (NaN, an infinity) gets here
		// (NewRendered); the values' checks keep them out.
		panic(fmt.Sprintf("kube: %s %q: %v", o.GVK.Kind, o.ID, err))
	}
	return append(buf, text...)
}

// encode returns the objects' ids and their manifests as one JSON array.
func encode(objects []Object) (*[]*string, *string) {
	ids := make([]string, len(objects))
	manifests := make([]map[string]any, len(objects))
	for i, o := range objects {
		ids[i], manifests[i] = o.ID, o.manifest()
	}
	text, err := json.Marshal(manifests)
	if err != nil {
		panic(fmt.Sprintf("kube: objects %q: %v", ids, err))
	}
	return Strs(ids...), Str(string(text))
}

// New adds o to scope, as NewObject adds it.
func (o Object) New(scope constructs.Construct) cdk8s.ApiObject {
	return NewObjects(scope, o)[0]
}

// Batch gathers what a construct adds to one scope, objects and the
// constructs that hold others, to make them all in one jsii call (each
// costs a round trip to the Node.js process): Add records an object and
// where its handle goes, Scope a construct whose contents are a batch of
// their own, and Make (or MakeScope) makes the whole tree, in the order it
// was recorded, storing each handle where it was told to.
type Batch struct {
	entries []entry
}

// entry is one object (with into) or one construct (scope and at).
type entry struct {
	object Object
	into   *cdk8s.ApiObject
	scope  *Batch
	at     *constructs.Construct
	// raw is the object's manifest, once a Plan has recorded it: rendered
	// then, as Make renders it, so that a change to the props after it was
	// made (in Go) changes nothing.
	raw json.RawMessage
}

// Add records o, whose handle Make stores in *into (when into is not nil).
func (b *Batch) Add(into *cdk8s.ApiObject, o Object) {
	b.entries = append(b.entries, entry{object: o, into: into})
}

// Scope records the construct id, whose handle Make stores in *at (when
// at is not nil), and returns the batch of what it holds.
func (b *Batch) Scope(at *constructs.Construct, id string) *Batch {
	child := &Batch{}
	b.entries = append(b.entries, entry{object: Object{ID: id}, scope: child, at: at})
	return child
}

// Make adds what was recorded to scope, in the order it was recorded, in
// one jsii call, and empties the batch.
func (b *Batch) Make(scope constructs.Construct) {
	if len(b.entries) == 0 {
		return
	}
	if p := asPlanned(scope); p != nil {
		p.record(b.entries)
		b.entries = nil
		return
	}
	made := *bridge.Manifests_AddTree(scope, Str(string(b.appendTree(nil))))
	if rest := b.store(made); len(rest) != 0 {
		panic(fmt.Sprintf("kube: a batch made %d constructs more than it recorded", len(rest)))
	}
}

// MakeScope adds to scope the construct id holding what was recorded, as
// Make does, empties the batch and returns the construct.
func (b *Batch) MakeScope(scope constructs.Construct, id string) constructs.Construct {
	if p := asPlanned(scope); p != nil {
		c := p.scope(id, b.entries)
		b.entries = nil
		return c
	}
	var c constructs.Construct
	outer := Batch{entries: []entry{{object: Object{ID: id}, scope: &Batch{entries: b.entries}, at: &c}}}
	outer.Make(scope)
	b.entries = nil
	return c
}

// appendTree appends to buf the batch as addTree reads it (see
// ts/manifests.ts), as JSON. It is written here, not by json.Marshal,
// which would check and copy each manifest a Plan has rendered again: an
// app's tree is some hundred kilobytes.
func (b *Batch) appendTree(buf []byte) []byte {
	buf = append(buf, '[')
	for i, e := range b.entries {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"id":`...)
		buf = appendJSONString(buf, e.object.ID)
		if e.scope != nil {
			buf = append(buf, `,"scope":`...)
			buf = e.scope.appendTree(buf)
		} else {
			buf = append(buf, `,"manifest":`...)
			if e.raw != nil {
				buf = append(buf, e.raw...)
			} else {
				buf = e.object.appendManifest(buf)
			}
		}
		buf = append(buf, '}')
	}
	return append(buf, ']')
}

// store puts the handles of made, in the order of the tree, where they go,
// empties the batch, and returns what it did not take.
func (b *Batch) store(made []constructs.Construct) []constructs.Construct {
	for _, e := range b.entries {
		c := made[0]
		made = made[1:]
		if e.scope != nil {
			if e.at != nil {
				*e.at = c
			}
			made = e.scope.store(made)
			continue
		}
		if e.into != nil {
			*e.into = c.(cdk8s.ApiObject)
		}
	}
	b.entries = nil
	return made
}

// NewRendered adds an API object whose fields other than metadata are
// already rendered (by Manifest, then changed): body holds plain JSON
// values (maps, slices, strings, float64 numbers, booleans) as Manifest
// returns them, never a props struct, which JSON would encode by its Go
// field tags. The manifest crosses to the Node.js side as JSON text, in
// one jsii call (see ts/manifests.ts): made there, the object is the
// ApiObject that the same three calls made from here (the object with its
// metadata, a JSON patch of the other fields, adding the patch), for a
// fraction of the cost.
func NewRendered(scope constructs.Construct, id string, gvk GVK, meta *cdk8s.ApiObjectMetadata, body map[string]any) cdk8s.ApiObject {
	if p := asPlanned(scope); p != nil {
		p.record([]entry{{object: Object{ID: id, GVK: gvk, Meta: meta, Body: body}}})
		return nil
	}
	text := Object{ID: id, GVK: gvk, Meta: meta, Body: body}.appendManifest(nil)
	return bridge.Manifests_Add(scope, Str(id), Str(string(text)))
}

// manifest is the manifest of an object: body, with the apiVersion and
// kind of gvk and the metadata of meta.
func manifest(gvk GVK, meta *cdk8s.ApiObjectMetadata, body map[string]any) map[string]any {
	m := make(map[string]any, len(body)+3)
	for k, v := range body {
		m[k] = v
	}
	m["apiVersion"], m["kind"] = gvk.APIVersion, gvk.Kind
	delete(m, "metadata")
	if meta != nil {
		m["metadata"] = render(reflect.ValueOf(meta))
	}
	return m
}

// ResolveAll returns the manifests of each chart as Chart.toJson resolves
// them, in plain JSON values (numbers are float64, as jsii passes them).
func ResolveAll(charts ...cdk8s.Chart) ([][]any, error) {
	if len(charts) == 0 {
		return nil, nil
	}
	data, err := ResolveAllJSON(charts...)
	if err != nil {
		return nil, err
	}
	return DecodeAll(data, len(charts))
}

// ResolveAllJSON returns the manifests of the charts as ResolveAll does,
// but as the JSON text they come in (an array of each chart's manifests),
// which DecodeAll decodes: the decoding needs no jsii call, and may wait
// for another goroutine. They come back in a file of the temporary
// directory, in one call (see ts/manifests.ts): created here, readable by
// this user only, removed on return.
func ResolveAllJSON(charts ...cdk8s.Chart) ([]byte, error) {
	f, err := os.CreateTemp("", "caracal-manifests-*.json")
	if err != nil {
		return nil, fmt.Errorf("resolving the charts: %w", err)
	}
	name := f.Name()
	defer os.Remove(name)
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("resolving the charts: %w", err)
	}
	if slices.ContainsFunc(charts, IsPlanned) {
		if err := resolvePlan(charts, name); err != nil {
			return nil, err
		}
	} else {
		bridge.Manifests_ResolveAll(&charts, Str(name))
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading the resolved manifests: %w", err)
	}
	return data, nil
}

// DecodeAll decodes the manifests of n charts from what ResolveAllJSON
// returned for them.
func DecodeAll(data []byte, n int) ([][]any, error) {
	var manifests [][]any
	if err := json.Unmarshal(data, &manifests); err != nil {
		return nil, fmt.Errorf("reading the resolved manifests: %w", err)
	}
	if len(manifests) != n {
		return nil, fmt.Errorf("reading the resolved manifests: %d charts for %d", len(manifests), n)
	}
	return manifests, nil
}

// Resolve returns the manifests of chart, as ResolveAll does.
func Resolve(chart cdk8s.Chart) ([]any, error) {
	all, err := ResolveAll(chart)
	if err != nil {
		return nil, err
	}
	return all[0], nil
}

// Manifest is the manifest of an object of kind gvk with props, as the
// typed class's Manifest function returns it (KubeJob_Manifest, ...).
func Manifest(gvk GVK, props any) map[string]any {
	out := map[string]any{"apiVersion": gvk.APIVersion, "kind": gvk.Kind}
	for k, v := range render(reflect.ValueOf(props)).(map[string]any) {
		out[k] = v
	}
	return out
}

// split renders props apart from their metadata, which it converts to the
// core library's metadata type.
func split(props any) (*cdk8s.ApiObjectMetadata, map[string]any) {
	meta, v := propsMeta(props)
	body := render(v).(map[string]any)
	delete(body, "metadata")
	return meta, body
}

// propsMeta returns the metadata of props, converted to the core
// library's metadata type, and props as a reflect.Value.
func propsMeta(props any) (*cdk8s.ApiObjectMetadata, reflect.Value) {
	v := reflect.ValueOf(props)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("kube: props must be a pointer to a props struct, not %T", props))
	}
	var meta *cdk8s.ApiObjectMetadata
	switch m := v.Elem().FieldByName("Metadata"); {
	case !m.IsValid() || m.IsNil():
	case m.Type() == reflect.TypeOf(meta):
		meta = m.Interface().(*cdk8s.ApiObjectMetadata)
	case m.Type() == reflect.TypeOf((*k8s.ObjectMeta)(nil)):
		meta = coreMeta(m.Interface().(*k8s.ObjectMeta))
	default:
		panic(fmt.Sprintf("kube: %T has metadata of type %s", props, m.Type()))
	}
	return meta, v
}

// coreMeta converts the metadata fields this app sets; any other field
// would be lost on the way, so it is refused.
func coreMeta(m *k8s.ObjectMeta) *cdk8s.ApiObjectMetadata {
	rest := *m
	rest.Name, rest.Namespace, rest.Labels, rest.Annotations = nil, nil, nil, nil
	if !reflect.ValueOf(rest).IsZero() {
		panic("kube: metadata sets a field other than name, namespace, labels and annotations")
	}
	return &cdk8s.ApiObjectMetadata{Name: m.Name, Namespace: m.Namespace, Labels: m.Labels, Annotations: m.Annotations}
}

// wireNames are the Kubernetes field names that cdk8s import spells
// otherwise in the typed props (clusterIp for clusterIP): the typed
// classes rename them back when they render. Only fields of the objects
// this app writes matter; object_test.go checks every field they can hold
// against the library's own rendering.
var wireNames = map[string]string{
	"clientIp":                       "clientIP",
	"clusterIp":                      "clusterIP",
	"datasetUuid":                    "datasetUUID",
	"diskUri":                        "diskURI",
	"downwardApi":                    "downwardAPI",
	"hostIp":                         "hostIP",
	"hostIpc":                        "hostIPC",
	"hostPid":                        "hostPID",
	"loadBalancerIp":                 "loadBalancerIP",
	"pdId":                           "pdID",
	"scaleIo":                        "scaleIO",
	"setHostnameAsFqdn":              "setHostnameAsFQDN",
	"storagePolicyId":                "storagePolicyID",
	"targetCpuUtilizationPercentage": "targetCPUUtilizationPercentage",
	"targetWwNs":                     "targetWWNs",
	"volumeId":                       "volumeID",
	"nonResourceUrLs":                "nonResourceURLs",
	"insecureSkipTlsVerify":          "insecureSkipTLSVerify",
	"externalId":                     "externalID",
	"nodeId":                         "nodeID",
	"providerId":                     "providerID",
	"podCidr":                        "podCIDR",
	"podCidRs":                       "podCIDRs",
}

// enums maps each enum member of a binding (its Go constant) to the
// value the manifest holds: cdk8s import names GitRepository
// GIT_REPOSITORY, and only the JavaScript side knows the value.
var enums sync.Map

// RegisterEnums records the values of enum members, for the packages
// that use them; each package's tests check them against the binding.
func RegisterEnums(values map[any]string) {
	for member, value := range values {
		enums.Store(member, value)
	}
}

// valuer is a quantity or an int-or-string: what it renders is its value.
type valuer interface{ Value() interface{} }

// render turns a typed props value into plain JSON values: structs become
// maps keyed by their fields' Kubernetes names, numbers stay float64 (as
// jsii passes them), and nil pointers, nil interfaces and nil map values
// are left out, as cdk8s leaves out undefined and null.
func render(v reflect.Value) any {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return render(v.Elem())
	case reflect.Interface:
		if v.IsNil() {
			return nil
		}
		if q, ok := v.Interface().(valuer); ok {
			return render(reflect.ValueOf(q.Value()))
		}
		return render(v.Elem())
	case reflect.Struct:
		if t, ok := v.Interface().(time.Time); ok {
			return t.UTC().Format("2006-01-02T15:04:05.000Z") // as JavaScript's Date.toISOString
		}
		out := map[string]any{}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "" || name == "-" {
				continue
			}
			x := render(v.Field(i))
			if x == nil {
				// jsii refused a nil required field; so does this, naming
				// the field, never a value.
				if f.Tag.Get("field") == "required" {
					panic(fmt.Sprintf("kube: %s.%s is required", t, f.Name))
				}
				continue
			}
			if w, ok := wireNames[name]; ok {
				name = w
			}
			out[name] = x
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := make(map[string]any, v.Len())
		for it := v.MapRange(); it.Next(); {
			if x := render(it.Value()); x != nil {
				out[it.Key().String()] = x
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		out := make([]any, v.Len())
		for i := range out {
			if out[i] = render(v.Index(i)); out[i] == nil {
				panic(fmt.Sprintf("kube: a %s holds a nil element", v.Type()))
			}
		}
		return out
	case reflect.String:
		if v.Type().PkgPath() == "" {
			return v.String()
		}
		if v.String() == "" {
			return nil // an enum field is a value, not a pointer: unset
		}
		// A named string type is an enum of a binding: its Go constant
		// is the member's name, not the value the manifest holds.
		if value, ok := enums.Load(v.Interface()); ok {
			return value
		}
		panic(fmt.Sprintf("kube: enum %s.%s has no registered value (see RegisterEnums)", v.Type(), v.String()))
	case reflect.Bool:
		return v.Bool()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(v.Uint())
	}
	panic(fmt.Sprintf("kube: cannot render a %s", v.Type()))
}
