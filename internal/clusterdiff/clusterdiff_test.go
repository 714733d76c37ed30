package clusterdiff

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/internal/diff"
	"caracal.dev/caracal-cdk8s/internal/output"
	"caracal.dev/caracal-cdk8s/internal/synth"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// obj parses one YAML manifest as the package reads them.
func obj(t *testing.T, doc string) map[string]any {
	t.Helper()
	objs, err := parse([]byte(doc))
	if err != nil || len(objs) != 1 {
		t.Fatalf("parse: %v (%d objects)", err, len(objs))
	}
	return objs[0].Object
}

const liveDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: ns
  uid: 0b1c
  resourceVersion: "41"
  generation: 3
  creationTimestamp: "2026-01-01T00:00:00Z"
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"spec":{"replicas":2}}'
  managedFields:
    - manager: kubectl-client-side-apply
      operation: Update
spec:
  replicas: 2
  revisionHistoryLimit: 10
  template:
    spec:
      containers:
        - name: app
          image: app:1
          resources:
            limits: {cpu: "2", memory: 1Gi}
          terminationMessagePath: /dev/termination-log
status:
  readyReplicas: 2
`

// The server's bookkeeping never shows as a change: after a dry run it
// differs (generation, managedFields), the fields stay equal.
func TestLiveChangesIgnoreServerBookkeeping(t *testing.T) {
	live := obj(t, liveDeployment)
	dry := obj(t, strings.NewReplacer(`generation: 3`, `generation: 4`,
		`manager: kubectl-client-side-apply`, `manager: caracal-cdk8s`,
		"readyReplicas: 2", "readyReplicas: 1",
		`resourceVersion: "41"`, `resourceVersion: "42"`).Replace(liveDeployment))
	if got := liveChanges(live, dry); len(got) != 0 {
		t.Errorf("bookkeeping shows as changes: %v", got)
	}
	dry = obj(t, strings.Replace(liveDeployment, "replicas: 2", "replicas: 3", 1))
	want := []diff.Field{{Path: "spec.replicas", Old: int64(2), New: int64(3)}}
	if got := liveChanges(live, dry); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if _, ok := live["status"]; !ok {
		t.Error("strip changed its argument")
	}
}

func TestStripKeepsOtherAnnotations(t *testing.T) {
	live := obj(t, strings.Replace(liveDeployment, "  annotations:\n", "  annotations:\n    deployment.kubernetes.io/revision: \"1\"\n", 1))
	s := strip(live)
	meta := s["metadata"].(map[string]any)
	for _, k := range []string{"managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"} {
		if _, ok := meta[k]; ok {
			t.Errorf("metadata.%s kept", k)
		}
	}
	if _, ok := s["status"]; ok {
		t.Error("status kept")
	}
	if want := map[string]any{"deployment.kubernetes.io/revision": "1"}; !reflect.DeepEqual(meta["annotations"], want) {
		t.Errorf("annotations: %v", meta["annotations"])
	}
	if _, ok := strip(obj(t, liveDeployment))["metadata"].(map[string]any)["annotations"]; ok {
		t.Error("an annotation map left empty by strip is kept")
	}
}

// A Secret's changed values show as keys, never as values, nor does the
// last applied configuration, which holds them.
func TestSecretChangesShowKeysOnly(t *testing.T) {
	secret := `apiVersion: v1
kind: Secret
metadata:
  name: s
  namespace: ns
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"T0xEVkFMVUU="}}'
data:
  password: T0xEVkFMVUU=
  same: c2FtZQ==
`
	live := obj(t, secret)
	dry := obj(t, strings.NewReplacer("password: T0xEVkFMVUU=", "password: TkVXVkFMVUU=", "T0xEVkFMVUU=\"", "TkVXVkFMVUU=\"").Replace(secret))
	r := &Report{Changed: []Entry{{ID: "Secret ns/s", Fields: liveChanges(live, dry)}}}
	var out bytes.Buffer
	r.Write(&out)
	if !strings.Contains(out.String(), "data.password: <redacted> -> <redacted>") {
		t.Errorf("the changed key is not shown:\n%s", out.String())
	}
	for _, v := range []string{"T0xEVkFMVUU=", "TkVXVkFMVUU=", "OLDVALUE", "NEWVALUE", "same"} {
		if strings.Contains(out.String(), v) {
			t.Errorf("the output shows %q:\n%s", v, out.String())
		}
	}
}

// Where the dry run is refused, the live object is compared with ours on
// the fields ours sets: the server's defaults and its canonical
// quantities do not show, the change that makes it fail does.
func TestWantedChangesSkipDefaultsAndCanonicalQuantities(t *testing.T) {
	live := obj(t, `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: ns, uid: x}
spec:
  podManagementPolicy: OrderedReady
  template:
    spec:
      containers:
        - name: db
          image: db:1
          resources: {limits: {cpu: "2", memory: 1Gi}, requests: {cpu: 500m}}
          terminationMessagePolicy: File
        - name: old-sidecar
          image: side:1
  volumeClaimTemplates:
    - apiVersion: v1
      kind: PersistentVolumeClaim
      metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        volumeMode: Filesystem
        resources: {requests: {storage: 10Gi}}
      status: {phase: Pending}
status: {replicas: 1}
`)
	ours := obj(t, `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: ns}
spec:
  template:
    spec:
      containers:
        - name: db
          image: db:1
          resources: {limits: {cpu: 2000m, memory: 1024Mi}, requests: {cpu: "0.5"}}
  volumeClaimTemplates:
    - apiVersion: v1
      kind: PersistentVolumeClaim
      metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 20Gi}}
`)
	got := wantedChanges(live, ours)
	want := []diff.Field{
		{Path: "spec.template.spec.containers[old-sidecar].image", Old: "side:1"},
		{Path: "spec.template.spec.containers[old-sidecar].name", Old: "old-sidecar"},
		{Path: "spec.volumeClaimTemplates[data].spec.resources.requests.storage", Old: "10Gi", New: "20Gi"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got:\n%v\nwant:\n%v", got, want)
	}
	if paths := diff.ImmutablePaths("StatefulSet", got); !reflect.DeepEqual(paths, []string{"spec.volumeClaimTemplates"}) {
		t.Errorf("immutable paths: %v", paths)
	}
}

func invalid(kind, name string, errs ...*field.Error) error {
	return apierrors.NewInvalid(schema.GroupKind{Group: "apps", Kind: kind}, name, field.ErrorList(errs))
}

func TestClassify(t *testing.T) {
	gr := schema.GroupResource{Group: "apps", Resource: "deployments"}
	cases := []struct {
		name string
		err  error
		live bool
		want outcome
	}{
		{"a changed selector", invalid("Deployment", "web", field.Invalid(field.NewPath("spec", "selector"), map[string]string{"a": "b"}, "field is immutable")), true, immutable},
		{"a StatefulSet's claim templates", invalid("StatefulSet", "db", field.Forbidden(field.NewPath("spec"), "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden")), true, immutable},
		{"a claim's spec", invalid("PersistentVolumeClaim", "c", field.Forbidden(field.NewPath("spec"), "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims")), true, immutable},
		{"an invalid value", invalid("Deployment", "web", field.Invalid(field.NewPath("spec", "replicas"), int64(-1), "must be greater than or equal to 0")), true, refused},
		{"Pod Security", apierrors.NewForbidden(gr, "web", errors.New(`violates PodSecurity "restricted:latest": runAsNonRoot != true`)), false, refused},
		{"no permission", apierrors.NewForbidden(gr, "web", errors.New(`User "bob" cannot patch resource "deployments" in API group "apps" in the namespace "ns"`)), true, fatal},
		{"a new object in a missing namespace", apierrors.NewNotFound(schema.GroupResource{Resource: "namespaces"}, "ns"), false, noNamespace},
		{"a live object gone since", apierrors.NewNotFound(gr, "web"), true, fatal},
		{"a server error", apierrors.NewInternalError(errors.New("etcd down")), true, fatal},
		{"a timeout", apierrors.NewTimeoutError("slow", 1), true, fatal},
		{"no answer", errors.New(`Patch "https://10.0.0.1/apis/apps/v1": dial tcp: connect: connection refused`), true, fatal},
	}
	for _, c := range cases {
		if got := classify(c.err, c.live); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// A refusal names the field and what is wrong, and never the rejected
// value: it is the object's content (for a Secret, a secret).
func TestRefusalCutsOutValues(t *testing.T) {
	const marker = "s3cret-MARKER"
	cases := []struct {
		err    error
		secret bool
		want   []string
	}{
		{invalid("Deployment", "web", field.Invalid(field.NewPath("spec", "template", "spec", "containers").Index(0).Child("image"), marker+`: "quoted" \ value`, "must not have leading or trailing whitespace")), false,
			[]string{"spec.template.spec.containers[0].image: Invalid value: must not have leading or trailing whitespace"}},
		{invalid("Deployment", "web", field.Invalid(field.NewPath("spec", "replicas"), int64(-1), "must be greater than or equal to 0")), false,
			[]string{"spec.replicas: Invalid value: must be greater than or equal to 0"}},
		{invalid("Deployment", "web", field.Invalid(field.NewPath("spec", "selector"), struct{ Labels string }{marker}, "field is immutable")), false,
			[]string{"spec.selector: Invalid value: field is immutable"}},
		{invalid("Deployment", "web", field.Invalid(field.NewPath("spec", "x"), struct{ Labels string }{marker}, "must be unique")), false,
			[]string{"spec.x: Invalid value"}},
		{invalid("Deployment", "web", field.NotSupported(field.NewPath("spec", "strategy", "type"), marker, []string{"Recreate", "RollingUpdate"})), false,
			[]string{`spec.strategy.type: Unsupported value: supported values: "Recreate", "RollingUpdate"`}},
		{invalid("Deployment", "web", field.Required(field.NewPath("spec", "template"), "a template is needed")), false,
			[]string{"spec.template: Required value: a template is needed"}},
		{apierrors.NewInvalid(schema.GroupKind{Kind: "Secret"}, "s", field.ErrorList{field.Invalid(field.NewPath("data").Key(marker), marker, "a valid config key must consist of ...")}), true,
			[]string{"data[" + marker + "]: Invalid value"}},
		{apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, "s", errors.New("denied: "+marker)), true,
			[]string{"refused: Forbidden"}},
	}
	for _, c := range cases {
		got := refusal(c.err, c.secret)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
	// A key name is no value: a Secret's field path is kept, its value is
	// not; a value, anywhere else, is cut out.
	for _, c := range cases[:6] {
		for _, line := range refusal(c.err, c.secret) {
			if strings.Contains(line, marker) {
				t.Errorf("%q shows the value", line)
			}
		}
	}
}

func TestPruneSelector(t *testing.T) {
	labelled := func(labels map[string]string) Object {
		o := Object{Unstructured: &unstructured.Unstructured{Object: obj(t, "kind: ConfigMap\nmetadata: {name: x}\n")}}
		o.SetLabels(labels)
		return o
	}
	common := map[string]string{
		"app.kubernetes.io/name": "caracal", "app.kubernetes.io/instance": "prod",
		"app.kubernetes.io/part-of": "caracal", "app.kubernetes.io/managed-by": "cdk8s",
		"app.kubernetes.io/component": "gateway", "app.kubernetes.io/version": "0.3.0",
	}
	other := map[string]string{}
	for k, v := range common {
		other[k] = v
	}
	other["app.kubernetes.io/component"] = "redis"
	other["app.kubernetes.io/version"] = "0.3.1"
	got := pruneSelector([]Object{labelled(common), labelled(other)})
	if got.String() != "app.kubernetes.io/instance=prod,app.kubernetes.io/managed-by=cdk8s,app.kubernetes.io/name=caracal,app.kubernetes.io/part-of=caracal" {
		t.Errorf("selector %q", got.String())
	}
	delete(other, "app.kubernetes.io/instance")
	if got := pruneSelector([]Object{labelled(common), labelled(other)}); got != nil {
		t.Errorf("without a shared instance: %q", got.String())
	}
}

func TestPruneDisabled(t *testing.T) {
	for ann, want := range map[string]bool{
		"argocd.argoproj.io/sync-options=Prune=false,Delete=false":  true,
		"argocd.argoproj.io/sync-options=Delete=false, Prune=false": true,
		"argocd.argoproj.io/sync-options=Delete=false":              false,
		"kustomize.toolkit.fluxcd.io/prune=disabled":                true,
		"kustomize.toolkit.fluxcd.io/prune=enabled":                 false,
	} {
		k, v, _ := strings.Cut(ann, "=")
		if got := pruneDisabled(map[string]string{k: v}); got != want {
			t.Errorf("%s: %v", ann, got)
		}
	}
}

// The exit status follows from the report: anything to do, or to fail
// on, is a change (1); and the report reads the same every time.
func TestReportWriteAndHasChanges(t *testing.T) {
	r := &Report{Context: "prod", Server: "https://k8s:6443", Unchanged: 3}
	var out bytes.Buffer
	r.Write(&out)
	if r.HasChanges() || out.String() != "no changes: 3 objects match the cluster (context \"prod\", https://k8s:6443)\n" {
		t.Errorf("no changes: %v %q", r.HasChanges(), out.String())
	}
	for _, add := range []func(*Report){
		func(r *Report) { r.Changed = []Entry{{ID: "Deployment ns/web"}} },
		func(r *Report) { r.Created = []Entry{{ID: "Service ns/web"}} },
		func(r *Report) { r.Pruned = []Entry{{ID: "ConfigMap ns/old"}} },
		func(r *Report) { r.Failed = []Entry{{ID: "StatefulSet ns/db"}} },
	} {
		r := &Report{}
		add(r)
		if !r.HasChanges() {
			t.Errorf("%+v has no changes", r)
		}
	}
	if (&Report{Kept: []Entry{{ID: "Namespace ns"}}}).HasChanges() {
		t.Error("an object left in place is no change")
	}

	r = &Report{Context: "prod", Server: "https://k8s:6443", Selector: "app.kubernetes.io/instance=prod",
		Changed:   []Entry{{ID: "Deployment ns/web", File: "web.k8s.yaml", Fields: []diff.Field{{Path: "spec.replicas", Old: int64(2), New: int64(3)}}}},
		Created:   []Entry{{ID: "Service ns/web", File: "web.k8s.yaml"}},
		Unchecked: map[string]int{"ns": 1},
		Pruned:    []Entry{{ID: "ConfigMap ns/b"}, {ID: "ConfigMap ns/a"}},
		Failed:    []Entry{{ID: "StatefulSet ns/db", File: "db.k8s.yaml", Notes: []string{"the API server refuses it: spec: Forbidden"}}},
	}
	r.sort()
	out.Reset()
	r.Write(&out)
	want := `Would change:
~ Deployment ns/web (web.k8s.yaml)
    spec.replicas: 2 -> 3

Would create:
+ Service ns/web (web.k8s.yaml)
The namespace ns does not exist yet: the server could not check the 1 object to create in it.

Would prune (live, with the labels app.kubernetes.io/instance=prod, absent from the output):
- ConfigMap ns/a
- ConfigMap ns/b

Would fail:
! StatefulSet ns/db (db.k8s.yaml)
    the API server refuses it: spec: Forbidden

1 to change, 1 to create, 2 to prune, 1 would fail, 0 unchanged (context "prod", https://k8s:6443)
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

// Only the manifests a sync applies are compared: not the
// kustomizations, nor Flux's own stages.
func TestObjectsAreTheRootManifests(t *testing.T) {
	file := func(name, data string) synth.File {
		return synth.File{File: output.File{Name: name, Data: []byte(data)}}
	}
	objs, err := Objects([]synth.File{
		file("web.k8s.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: ns}\nspec: {ports: [{port: 80}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ns}\n"),
		file("kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [web.k8s.yaml]\n"),
		file("flux/stages.k8s.yaml", "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: s, namespace: flux-system}\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, o := range objs {
		ids = append(ids, o.File+": "+ID(o.Unstructured))
	}
	if want := []string{"web.k8s.yaml: Service ns/web", "web.k8s.yaml: ConfigMap ns/c"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("objects %v", ids)
	}
	// Whole numbers decode as the API returns them.
	if port := objs[0].Object["spec"].(map[string]any)["ports"].([]any)[0].(map[string]any)["port"]; port != int64(80) {
		t.Errorf("port %T %v", port, port)
	}
	if _, err := Objects([]synth.File{file("bad.k8s.yaml", "kind: Secret\nstringData: {password: [s3cret\n")}); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %v", err)
	}
}

// Kubeconfig errors name the file, and the line, never its text: it
// holds credentials.
func TestKubeconfigErrorsShowNoCredentials(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken")
	os.WriteFile(broken, []byte("apiVersion: v1\nkind: Config\nusers:\n- name: x\n  user: {token: s3cret-TOKEN\n"), 0o600)
	wrongType := filepath.Join(dir, "wrong-type")
	os.WriteFile(wrongType, []byte("apiVersion: v1\nkind: Config\nusers: s3cret-TOKEN\n"), 0o600)
	good := filepath.Join(dir, "good")
	os.WriteFile(good, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: s3cret-TOKEN}}]
contexts: [{name: ctx, context: {cluster: c, user: u}}]
current-context: ctx
`), 0o600)
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{Kubeconfig: filepath.Join(dir, "missing")}, "kubeconfig " + filepath.Join(dir, "missing") + ": no such file or directory"},
		{Config{Kubeconfig: broken}, "kubeconfig " + broken + ": line 5: not a valid kubeconfig"},
		{Config{Kubeconfig: wrongType}, "kubeconfig " + wrongType + ": "},
		{Config{Kubeconfig: good, Context: "nope"}, `kubeconfig: context "nope" does not exist`},
		{Config{Kubeconfig: good}, `cannot reach the cluster of context "ctx" at https://127.0.0.1:1`},
	} {
		_, err := Connect(c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%+v: %v, want %q", c.cfg, err, c.want)
		}
	}
}
