package kube_test

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/imports/externalsecretsio"
	"caracal.dev/caracal-cdk8s/imports/kustomizetoolkitfluxcdio"
	"caracal.dev/caracal-cdk8s/imports/monitoringcoreoscom"
	_ "caracal.dev/caracal-cdk8s/internal/jsiienv" // first: sets up jsii's environment
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

	// Their enum values are registered by the constructs that use them.
	_ "caracal.dev/caracal-cdk8s/constructs/flux"
	_ "caracal.dev/caracal-cdk8s/constructs/secrets"
)

// kinds pairs each kind this app writes with its typed props and the
// typed class's own rendering, which Manifest must equal.
var kinds = []struct {
	gvk   kube.GVK
	props any // a pointer to a zero props struct
	lib   func(props any) any
	class func(scope cdk8s.Chart, props any) cdk8s.ApiObject
}{
	{kube.ConfigMapKind, &k8s.KubeConfigMapProps{}, func(p any) any { return k8s.KubeConfigMap_Manifest(p.(*k8s.KubeConfigMapProps)) }, func(c cdk8s.Chart, p any) cdk8s.ApiObject {
		return k8s.NewKubeConfigMap(c, jsii.String("typed"), p.(*k8s.KubeConfigMapProps))
	}},
	{kube.NamespaceKind, &k8s.KubeNamespaceProps{}, func(p any) any { return k8s.KubeNamespace_Manifest(p.(*k8s.KubeNamespaceProps)) }, nil},
	{kube.PersistentVolumeClaimKind, &k8s.KubePersistentVolumeClaimProps{}, func(p any) any {
		return k8s.KubePersistentVolumeClaim_Manifest(p.(*k8s.KubePersistentVolumeClaimProps))
	}, nil},
	{kube.SecretKind, &k8s.KubeSecretProps{}, func(p any) any { return k8s.KubeSecret_Manifest(p.(*k8s.KubeSecretProps)) }, nil},
	{kube.ServiceKind, &k8s.KubeServiceProps{}, func(p any) any { return k8s.KubeService_Manifest(p.(*k8s.KubeServiceProps)) }, func(c cdk8s.Chart, p any) cdk8s.ApiObject {
		return k8s.NewKubeService(c, jsii.String("typed"), p.(*k8s.KubeServiceProps))
	}},
	{kube.ServiceAccountKind, &k8s.KubeServiceAccountProps{}, func(p any) any { return k8s.KubeServiceAccount_Manifest(p.(*k8s.KubeServiceAccountProps)) }, nil},
	{kube.DeploymentKind, &k8s.KubeDeploymentProps{}, func(p any) any { return k8s.KubeDeployment_Manifest(p.(*k8s.KubeDeploymentProps)) }, func(c cdk8s.Chart, p any) cdk8s.ApiObject {
		return k8s.NewKubeDeployment(c, jsii.String("typed"), p.(*k8s.KubeDeploymentProps))
	}},
	{kube.StatefulSetKind, &k8s.KubeStatefulSetProps{}, func(p any) any { return k8s.KubeStatefulSet_Manifest(p.(*k8s.KubeStatefulSetProps)) }, func(c cdk8s.Chart, p any) cdk8s.ApiObject {
		return k8s.NewKubeStatefulSet(c, jsii.String("typed"), p.(*k8s.KubeStatefulSetProps))
	}},
	{kube.HorizontalPodAutoscalerKind, &k8s.KubeHorizontalPodAutoscalerV2Props{}, func(p any) any {
		return k8s.KubeHorizontalPodAutoscalerV2_Manifest(p.(*k8s.KubeHorizontalPodAutoscalerV2Props))
	}, nil},
	{kube.JobKind, &k8s.KubeJobProps{}, func(p any) any { return k8s.KubeJob_Manifest(p.(*k8s.KubeJobProps)) }, nil},
	{kube.CronJobKind, &k8s.KubeCronJobProps{}, func(p any) any { return k8s.KubeCronJob_Manifest(p.(*k8s.KubeCronJobProps)) }, nil},
	{kube.NetworkPolicyKind, &k8s.KubeNetworkPolicyProps{}, func(p any) any { return k8s.KubeNetworkPolicy_Manifest(p.(*k8s.KubeNetworkPolicyProps)) }, func(c cdk8s.Chart, p any) cdk8s.ApiObject {
		return k8s.NewKubeNetworkPolicy(c, jsii.String("typed"), p.(*k8s.KubeNetworkPolicyProps))
	}},
	{kube.PodDisruptionBudgetKind, &k8s.KubePodDisruptionBudgetProps{}, func(p any) any {
		return k8s.KubePodDisruptionBudget_Manifest(p.(*k8s.KubePodDisruptionBudgetProps))
	}, nil},
	{kube.PriorityClassKind, &k8s.KubePriorityClassProps{}, func(p any) any { return k8s.KubePriorityClass_Manifest(p.(*k8s.KubePriorityClassProps)) }, nil},
	{kube.GVK{APIVersion: "monitoring.coreos.com/v1", Kind: "ServiceMonitor"}, &monitoringcoreoscom.ServiceMonitorProps{}, func(p any) any {
		return monitoringcoreoscom.ServiceMonitor_Manifest(p.(*monitoringcoreoscom.ServiceMonitorProps))
	}, func(c cdk8s.Chart, p any) cdk8s.ApiObject {
		return monitoringcoreoscom.NewServiceMonitor(c, jsii.String("typed"), p.(*monitoringcoreoscom.ServiceMonitorProps))
	}},
	{kube.GVK{APIVersion: "monitoring.coreos.com/v1", Kind: "PrometheusRule"}, &monitoringcoreoscom.PrometheusRuleProps{}, func(p any) any {
		return monitoringcoreoscom.PrometheusRule_Manifest(p.(*monitoringcoreoscom.PrometheusRuleProps))
	}, nil},
	{kube.GVK{APIVersion: "kustomize.toolkit.fluxcd.io/v1", Kind: "Kustomization"}, &kustomizetoolkitfluxcdio.KustomizationProps{}, func(p any) any {
		return kustomizetoolkitfluxcdio.Kustomization_Manifest(p.(*kustomizetoolkitfluxcdio.KustomizationProps))
	}, func(c cdk8s.Chart, p any) cdk8s.ApiObject {
		return kustomizetoolkitfluxcdio.NewKustomization(c, jsii.String("typed"), p.(*kustomizetoolkitfluxcdio.KustomizationProps))
	}},
	{kube.GVK{APIVersion: "external-secrets.io/v1", Kind: "ExternalSecret"}, &externalsecretsio.ExternalSecretProps{}, func(p any) any {
		return externalsecretsio.ExternalSecret_Manifest(p.(*externalsecretsio.ExternalSecretProps))
	}, func(c cdk8s.Chart, p any) cdk8s.ApiObject {
		return externalsecretsio.NewExternalSecret(c, jsii.String("typed"), p.(*externalsecretsio.ExternalSecretProps))
	}},
}

// TestManifestIsTheLibrarys fills every field that the props of each kind
// can hold, then renders them in Go and with the typed class: a field
// that cdk8s import renamed, an enum or a quantity rendered wrongly would
// differ.
func TestManifestIsTheLibrarys(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.gvk.Kind, func(t *testing.T) {
			ours := fill(reflect.TypeOf(k.props), false)
			theirs := fill(reflect.TypeOf(k.props), true)
			got := canonical(t, kube.Manifest(k.gvk, ours.Interface()))
			want := canonical(t, unwrapMaps(k.lib(theirs.Interface())))
			if got != want {
				t.Errorf("rendered in Go:\n%s\nby the library:\n%s", got, want)
			}
			if !strings.Contains(got, `"s-`) {
				t.Errorf("the filled props rendered nothing: %s", got)
			}
		})
	}
}

// TestObjectIsTheClasss synthesizes a filled object with NewObject and
// with the typed class in charts with labels and a namespace: metadata,
// the chart's labels and namespace, and the body must come out alike.
func TestObjectIsTheClasss(t *testing.T) {
	app := cdk8s.NewApp(nil)
	for i, k := range kinds {
		if k.class == nil {
			continue
		}
		chart := func(name string) cdk8s.Chart {
			return cdk8s.NewChart(app, jsii.String(fmt.Sprintf("%s-%d", name, i)), &cdk8s.ChartProps{
				Namespace: jsii.String("chart-ns"), Labels: &map[string]*string{"chart": jsii.String("label")},
			})
		}
		ours, theirs := chart("ours"), chart("theirs")
		// The metadata fields NewObject takes (it refuses others).
		meta := func(p reflect.Value) reflect.Value {
			name, ns := jsii.String("name"), jsii.String("ns")
			labels, annotations := &map[string]*string{"l": jsii.String("v")}, &map[string]*string{"a": jsii.String("v")}
			m := reflect.ValueOf(&k8s.ObjectMeta{Name: name, Namespace: ns, Labels: labels, Annotations: annotations})
			if f := p.Elem().FieldByName("Metadata"); f.Type() != m.Type() {
				m = reflect.ValueOf(&cdk8s.ApiObjectMetadata{Name: name, Namespace: ns, Labels: labels, Annotations: annotations})
			}
			p.Elem().FieldByName("Metadata").Set(m)
			return p
		}
		kube.NewObject(ours, "object", k.gvk, meta(fillNoTimes(reflect.TypeOf(k.props), false)).Interface())
		k.class(theirs, meta(fillNoTimes(reflect.TypeOf(k.props), true)).Interface())
		got, want := canonical(t, ours.ToJson()), canonical(t, theirs.ToJson())
		if got != want {
			t.Errorf("%s: NewObject:\n%s\nthe class:\n%s", k.gvk.Kind, got, want)
		}
	}
}

// TestUnregisteredEnumPanics: an enum member with no registered value
// would render as its Go name; it is refused instead.
func TestUnregisteredEnumPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "no registered value") {
			t.Errorf("recovered %v", r)
		}
	}()
	kube.Manifest(kube.GVK{}, &externalsecretsio.ExternalSecretSpecDataRemoteRef{
		Key: jsii.String("k"), ConversionStrategy: externalsecretsio.ExternalSecretSpecDataRemoteRefConversionStrategy_UNICODE,
	})
}

// unwrapMaps removes the wire form in which a binding's Manifest function
// returns the metadata it passes through untyped ({"$jsii.map": {...}});
// in a chart, cdk8s renders the same metadata plainly.
func unwrapMaps(v any) any {
	switch t := v.(type) {
	case map[string]any:
		if inner, ok := t["$jsii.map"]; ok && len(t) == 1 {
			return unwrapMaps(inner)
		}
		for k, x := range t {
			t[k] = unwrapMaps(x)
		}
	case []any:
		for i, x := range t {
			t[i] = unwrapMaps(x)
		}
	}
	return v
}

// refusedByRender are props that render refuses, by the words of its
// panic: the typed classes refused a nil required field (a Container
// without a name) and a nil element; and an enum member with no
// registered value would render as its Go name.
func refusedByRender() map[string]any {
	return map[string]any{
		"k8s.Container.Name is required": &k8s.KubeDeploymentProps{Spec: &k8s.DeploymentSpec{
			Selector: &k8s.LabelSelector{},
			Template: &k8s.PodTemplateSpec{Spec: &k8s.PodSpec{Containers: &[]*k8s.Container{{Image: jsii.String("x")}}}},
		}},
		"holds a nil element": &k8s.KubeDeploymentProps{Spec: &k8s.DeploymentSpec{
			Selector: &k8s.LabelSelector{},
			Template: &k8s.PodTemplateSpec{Spec: &k8s.PodSpec{Containers: &[]*k8s.Container{nil}}},
		}},
		"no registered value": &externalsecretsio.ExternalSecretProps{Spec: &externalsecretsio.ExternalSecretSpec{
			SecretStoreRef: &externalsecretsio.ExternalSecretSpecSecretStoreRef{Name: jsii.String("s")},
			Data: &[]*externalsecretsio.ExternalSecretSpecData{{SecretKey: jsii.String("k"), RemoteRef: &externalsecretsio.ExternalSecretSpecDataRemoteRef{
				Key: jsii.String("k"), ConversionStrategy: externalsecretsio.ExternalSecretSpecDataRemoteRefConversionStrategy_UNICODE,
			}}},
		}},
	}
}

// panicsWith checks that f panics with words that hold want.
func panicsWith(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), want) {
			t.Errorf("%s: recovered %v", want, r)
		}
	}()
	f()
}

// TestNilRequiredFieldPanics: the Go rendering refuses what the typed
// classes refused.
func TestNilRequiredFieldPanics(t *testing.T) {
	for name, props := range refusedByRender() {
		panicsWith(t, name, func() { kube.Manifest(kube.DeploymentKind, props) })
	}
}

func canonical(t *testing.T, v any) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// fill makes a value of type t with every field set, down every struct
// it holds (once per path through each type, so recursive types end).
// Quantities and int-or-strings are the library's objects when lib is
// set, the Go stand-ins otherwise. Enums take their registered members.
func fill(t reflect.Type, lib bool) reflect.Value {
	return filler{lib: lib, times: true, seen: map[reflect.Type]bool{}}.value(t, "s")
}

// fillNoTimes fills all but the timestamps, which a typed class cannot
// render in a chart (cdk8s refuses a Date); this app sets none.
func fillNoTimes(t reflect.Type, lib bool) reflect.Value {
	return filler{lib: lib, seen: map[reflect.Type]bool{}}.value(t, "s")
}

type filler struct {
	lib, times bool
	seen       map[reflect.Type]bool
}

var (
	quantityType    = reflect.TypeOf((*k8s.Quantity)(nil)).Elem()
	intOrStringType = reflect.TypeOf((*k8s.IntOrString)(nil)).Elem()
)

func (f filler) value(t reflect.Type, name string) reflect.Value {
	v := reflect.New(t).Elem()
	switch t.Kind() {
	case reflect.Pointer:
		if f.seen[t.Elem()] || t.Elem() == reflect.TypeOf(time.Time{}) && !f.times {
			return v // nil: a recursive type stops here
		}
		x := f.value(t.Elem(), name)
		p := reflect.New(t.Elem())
		p.Elem().Set(x)
		return p
	case reflect.Struct:
		f.seen[t] = true
		defer delete(f.seen, t)
		for i := 0; i < t.NumField(); i++ {
			if t.Field(i).IsExported() {
				v.Field(i).Set(f.value(t.Field(i).Type, "s-"+t.Field(i).Name))
			}
		}
	case reflect.Slice:
		v = reflect.MakeSlice(t, 1, 1)
		v.Index(0).Set(f.value(t.Elem(), name))
	case reflect.Map:
		v = reflect.MakeMap(t)
		v.SetMapIndex(reflect.ValueOf("key"), f.value(t.Elem(), name))
	case reflect.String:
		if t.PkgPath() == "" {
			v.SetString(name)
		} else {
			v.Set(reflect.ValueOf(member(t)))
		}
	case reflect.Float64:
		v.SetFloat(7)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Interface:
		switch {
		case t == quantityType && f.lib:
			v.Set(reflect.ValueOf(k8s.Quantity_FromString(jsii.String("64Mi"))))
		case t == quantityType:
			v.Set(reflect.ValueOf(kube.Quantity("64Mi")))
		case t == intOrStringType && f.lib:
			v.Set(reflect.ValueOf(k8s.IntOrString_FromString(jsii.String("http"))))
		case t == intOrStringType:
			v.Set(reflect.ValueOf(kube.IntOrString("http")))
		case t.NumMethod() == 0:
			v.Set(reflect.ValueOf(name))
		default:
			panic(fmt.Sprintf("cannot fill %s", t))
		}
	default:
		panic(fmt.Sprintf("cannot fill %s", t))
	}
	return v
}

// member is the zero value (no member: the field stays unset) unless the
// enum has a member this app uses, whose value is registered.
func member(t reflect.Type) any {
	for _, m := range registered {
		if reflect.TypeOf(m) == t {
			return m
		}
	}
	return reflect.Zero(t).Interface()
}

// registered are the enum members the constructs use.
var registered = []any{
	kustomizetoolkitfluxcdio.KustomizationSpecSourceRefKind_GIT_REPOSITORY,
	externalsecretsio.ExternalSecretSpecSecretStoreRefKind_CLUSTER_SECRET_STORE,
	externalsecretsio.ExternalSecretSpecTargetCreationPolicy_OWNER,
	externalsecretsio.ExternalSecretSpecTargetDeletionPolicy_RETAIN,
}

// TestTheJSONOfAManifestIsJSONOfRendersValues: the JSON text that a
// Plan records for an object, written straight from its props, is the
// text json.Marshal writes of the values render gives (Manifest), byte
// for byte, for every field that the props of each kind can hold; and it
// refuses what render refuses, with the same words.
func TestTheJSONOfAManifestIsJSONOfRendersValues(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.gvk.Kind, func(t *testing.T) {
			props := fill(reflect.TypeOf(k.props), false)
			// The metadata fields NewObject takes (it refuses others).
			m := props.Elem().FieldByName("Metadata")
			name, labels := jsii.String("name"), &map[string]*string{"l": jsii.String("v"), "unset": nil}
			if m.Type() == reflect.TypeOf((*k8s.ObjectMeta)(nil)) {
				m.Set(reflect.ValueOf(&k8s.ObjectMeta{Name: name, Labels: labels}))
			} else {
				m.Set(reflect.ValueOf(&cdk8s.ApiObjectMetadata{Name: name, Labels: labels}))
			}
			got := string(kube.ManifestJSON(k.gvk, props.Interface()))
			want, err := json.Marshal(kube.Manifest(k.gvk, props.Interface()))
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("written:\n%s\njson.Marshal:\n%s", got, want)
			}
			if !strings.Contains(got, `"s-`) || strings.Contains(got, "unset") {
				t.Errorf("the filled props wrote %s", got)
			}
		})
	}
	// Numbers and strings that json.Marshal writes its own way.
	for _, n := range []float64{0, math.Copysign(0, -1), 7, -12, 1e6, 1e20, 1e21, 0.5, 1e-7, 123456.789} {
		for _, str := range []string{"plain", "<a & b>", "tab\t", "\u2028", "\xff", "é", "\x7f"} {
			props := &k8s.KubePriorityClassProps{Value: jsii.Number(n), Description: jsii.String(str)}
			want, err := json.Marshal(kube.Manifest(kube.PriorityClassKind, props))
			if err != nil {
				t.Fatal(err)
			}
			if got := kube.ManifestJSON(kube.PriorityClassKind, props); string(got) != string(want) {
				t.Errorf("%v, %q: written %s, json.Marshal %s", n, str, got, want)
			}
		}
	}
	// What render leaves out, and what it refuses.
	got := string(kube.ManifestJSON(kube.ConfigMapKind, &k8s.KubeConfigMapProps{
		Data: &map[string]*string{"b": jsii.String("x\n\"y\"\t<é>"), "a": nil, "c": jsii.String(""), `d"\`: jsii.String(`say "hi" \o/`)},
	}))
	if want := `{"apiVersion":"v1","data":{"b":"x\n\"y\"\t\u003cé\u003e","c":"","d\"\\":"say \"hi\" \\o/"},"kind":"ConfigMap"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	refused := refusedByRender()
	refused["not a number JSON can hold"] = &k8s.KubeDeploymentProps{Spec: &k8s.DeploymentSpec{
		Selector: &k8s.LabelSelector{}, Replicas: jsii.Number(math.NaN()), Template: &k8s.PodTemplateSpec{},
	}}
	for name, props := range refused {
		panicsWith(t, name, func() { kube.ManifestJSON(kube.DeploymentKind, props) })
	}
}
