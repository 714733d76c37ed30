package postgres_test

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/internal/expansion"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/postgres"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
	"github.com/aws/constructs-go/constructs/v10"
)

var release = kube.Release{Name: "caracal", Namespace: "ns1", Version: "0.3.0", ClusterDomain: "cluster.local"}

func props() postgres.Props {
	return postgres.Props{
		Datastore: workload.Datastore{
			Release:   release,
			Image:     kube.Image{Repository: "docker.io/library/postgres", Tag: "17.6", PullPolicy: "IfNotPresent"},
			Storage:   kube.Storage{Size: "7Gi", StorageClass: "fast"},
			Resources: kube.Resources{Requests: kube.ResourceList{CPU: "1", Memory: "1Gi", EphemeralStorage: "1Gi"}, Limits: kube.ResourceList{CPU: "2", Memory: "2Gi", EphemeralStorage: "2Gi"}},
		},
		Database: "ledger",
		Username: "writer",
		Password: kube.SecretKey{Name: "creds", Key: "pg"},
	}
}

func build(t *testing.T, p postgres.Props) (manifest.Objects, *postgres.Postgres) {
	var pg *postgres.Postgres
	objs := manifest.Construct(t, func(scope constructs.Construct) { pg = postgres.NewPostgres(scope, "pg", p) })
	return objs, pg
}

func TestPostgresObjects(t *testing.T) {
	objs, _ := build(t, props())
	if got := objs.Summary(); got != "Service/caracal-postgres-headless, Service/caracal-postgres, ServiceAccount/caracal-postgres, StatefulSet/caracal-postgres" {
		t.Fatalf("objects: %s", got)
	}
	selector := map[string]any{"app.kubernetes.io/name": "caracal", "app.kubernetes.io/instance": "caracal", "app.kubernetes.io/component": "postgres"}
	for _, o := range objs {
		if o.Str("metadata.namespace") != "ns1" {
			t.Errorf("%s: namespace %q", o.Kind(), o.Str("metadata.namespace"))
		}
		for _, p := range manifest.LabelProblems(o) {
			t.Error(p)
		}
	}
	svc := objs.Must(t, "Service", "caracal-postgres")
	if svc.Int("spec.ports.0.port") != 5432 || svc.Str("spec.ports.0.targetPort") != "postgresql" {
		t.Errorf("service port: %v", svc["spec"])
	}
	if sel, _ := svc.Get("spec.selector"); !reflect.DeepEqual(sel, selector) {
		t.Errorf("service selector %v", sel)
	}
	if objs.Must(t, "Service", "caracal-postgres-headless").Str("spec.clusterIP") != "None" {
		t.Error("the StatefulSet's governing Service must be headless")
	}
	sts := objs.Must(t, "StatefulSet", "caracal-postgres")
	if sel, _ := sts.Get("spec.selector.matchLabels"); !reflect.DeepEqual(sel, selector) {
		t.Errorf("statefulset selector %v: it must hold exactly the stable labels", sel)
	}
	if sts.Int("spec.replicas") != 1 || sts.Str("spec.serviceName") != "caracal-postgres-headless" {
		t.Errorf("replicas %d, serviceName %q", sts.Int("spec.replicas"), sts.Str("spec.serviceName"))
	}
	claim := `spec.volumeClaimTemplates.0.`
	// Argo CD's server-side diff compares the claim template with what the
	// API server stored, which carries apiVersion and kind (argo-cd#11143).
	if sts.Str(claim+"apiVersion") != "v1" || sts.Str(claim+"kind") != "PersistentVolumeClaim" {
		t.Errorf("the claim template names its apiVersion and kind: %v", sts.MustGet(t, "spec.volumeClaimTemplates"))
	}
	if sts.Str(claim+"spec.resources.requests.storage") != "7Gi" || sts.Str(claim+"spec.storageClassName") != "fast" {
		t.Errorf("claim: %v", sts.Str(claim+"spec.resources.requests.storage"))
	}
	if l, _ := sts.Get(claim + "metadata.labels"); !reflect.DeepEqual(l, selector) {
		t.Errorf("claim labels %v: volumeClaimTemplates are immutable, only stable labels belong there", l)
	}
}

// The server's pod: its own ServiceAccount, the credentials from the
// Secret, probes as the user, and the image and resources asked for.
func TestPostgresPod(t *testing.T) {
	objs, _ := build(t, props())
	spec := objs.PodSpecs()["StatefulSet/caracal-postgres"]
	for _, p := range manifest.PodProblems(spec) {
		t.Error(p)
	}
	if spec.Str("serviceAccountName") != "caracal-postgres" {
		t.Error("the pods run as their own ServiceAccount")
	}
	if v, _ := objs.Must(t, "ServiceAccount", "caracal-postgres").Get("automountServiceAccountToken"); v != false {
		t.Error("the ServiceAccount mounts no token")
	}
	c := manifest.Containers(spec)["postgres"]
	env := manifest.Env(c)
	if env["POSTGRES_DB"].Str("value") != "ledger" || env["POSTGRES_USER"].Str("value") != "writer" {
		t.Errorf("database and user: %v", env)
	}
	pw := env["POSTGRES_PASSWORD"]
	if pw.Has("value") || pw.Str("valueFrom.secretKeyRef.name") != "creds" || pw.Str("valueFrom.secretKeyRef.key") != "pg" {
		t.Errorf("password must come from the Secret: %v", pw)
	}
	ready, _ := c.Get("readinessProbe.exec.command")
	if !reflect.DeepEqual(ready, []any{"pg_isready", "--host=127.0.0.1", "--port=5432", "--username=writer", "--dbname=ledger"}) {
		t.Errorf("readiness: %v", ready)
	}
	// pg_isready needs --username: the pod's UID has no passwd entry, and
	// without a user it makes no attempt and fails.
	for _, probe := range []string{"startupProbe", "readinessProbe", "livenessProbe"} {
		cmd := fmt.Sprint(c.MustGet(t, probe+".exec.command"))
		if !strings.HasPrefix(cmd, "[pg_isready") || !strings.Contains(cmd, "--username=writer") {
			t.Errorf("%s: %s", probe, cmd)
		}
	}
	if c.Str("image") != "docker.io/library/postgres:17.6" || c.Str("imagePullPolicy") != "IfNotPresent" {
		t.Errorf("image %q %q", c.Str("image"), c.Str("imagePullPolicy"))
	}
	if c.Str("resources.limits.memory") != "2Gi" || c.Str("resources.requests.ephemeral-storage") != "1Gi" {
		t.Errorf("resources: %v", c["resources"])
	}
}

// Clients learn where the database is, who serves it and how to log in;
// the server reports what it needs.
func TestPostgresEndpointAndReport(t *testing.T) {
	_, pg := build(t, props())
	want := wiring.DatabaseEndpoint{Peer: wiring.Pods("postgres"), Host: "caracal-postgres.ns1.svc.cluster.local", Port: 5432, Name: "ledger", User: "writer", Password: kube.SecretKey{Name: "creds", Key: "pg"}, SSLMode: "disable"}
	if pg.Endpoint() != want {
		t.Errorf("endpoint %+v", pg.Endpoint())
	}
	// The server opens no flows (its clients report theirs), serves no
	// metrics without the exporter, and reads its password.
	if got := pg.Report(); !reflect.DeepEqual(got, wiring.Report{Component: "postgres", Secrets: []kube.SecretKey{{Name: "creds", Key: "pg"}}}) {
		t.Errorf("report %+v", got)
	}
}

// The minimal props: the rest is defaults (the name, no resources, no
// exporter, no priority class).
func TestPostgresMinimalProps(t *testing.T) {
	objs, pg := build(t, postgres.Props{
		Datastore: workload.Datastore{
			Release: kube.Release{Name: "r", Namespace: "ns", ClusterDomain: "example.org"},
			Image:   kube.Image{Repository: "postgres", Tag: "17", PullPolicy: "IfNotPresent"},
			Storage: kube.Storage{Size: "1Gi"},
		},
		Database: "d", Username: "u", Password: kube.SecretKey{Name: "s", Key: "k"},
	})
	if got := objs.Summary(); got != "Service/caracal-postgres-headless, Service/caracal-postgres, ServiceAccount/caracal-postgres, StatefulSet/caracal-postgres" {
		t.Fatalf("objects: %s", got)
	}
	spec := objs.PodSpecs()["StatefulSet/caracal-postgres"]
	if c := manifest.Containers(spec)["postgres"]; c.Str("image") != "postgres:17" || c.Has("resources.limits") || spec.Has("priorityClassName") {
		t.Errorf("pod %v", spec)
	}
	if pg.Host() != "caracal-postgres.ns.svc.example.org" || pg.Endpoint().Peer != wiring.Pods(postgres.Component) {
		t.Errorf("endpoint %+v", pg.Endpoint())
	}
}

// Zero values without a default are refused at construction, each with
// its field named.
func TestPostgresErrors(t *testing.T) {
	for fragment, change := range map[string]func(*postgres.Props){
		"postgres: Props.Release.Name is empty":      func(p *postgres.Props) { p.Release.Name = "" },
		"Props.Release.Namespace is empty":           func(p *postgres.Props) { p.Release.Namespace = "" },
		"Props.Release.ClusterDomain is empty":       func(p *postgres.Props) { p.Release.ClusterDomain = "" },
		"Props.Image.Repository is empty":            func(p *postgres.Props) { p.Image.Repository = "" },
		"Props.Image.Tag is empty":                   func(p *postgres.Props) { p.Image.Tag = "" },
		"Props.Image.PullPolicy is empty":            func(p *postgres.Props) { p.Image.PullPolicy = "" },
		"Props.Database is empty":                    func(p *postgres.Props) { p.Database = "" },
		"Props.Username is empty":                    func(p *postgres.Props) { p.Username = "" },
		"Props.Password.Name is empty":               func(p *postgres.Props) { p.Password.Name = "" },
		"Props.Password.Key is empty":                func(p *postgres.Props) { p.Password.Key = "" },
		"Props.Storage.Size is empty":                func(p *postgres.Props) { p.Storage.Size = "" },
		"Props.Exporter.Tag is empty":                func(p *postgres.Props) { p.Exporter = &kube.Image{Repository: "e", PullPolicy: "Always"} },
		"Props.Database is empty; Props.Username is": func(p *postgres.Props) { *p = postgres.Props{} },
	} {
		p := props()
		change(&p)
		manifest.MustPanic(t, fragment, func() { build(t, p) })
	}
}

func TestPostgresStorageClass(t *testing.T) {
	for class, want := range map[string]any{"": nil, "-": "", "gp3": "gp3"} {
		p := props()
		p.Storage.StorageClass = class
		objs, _ := build(t, p)
		got, ok := objs.Must(t, "StatefulSet", "caracal-postgres").Get("spec.volumeClaimTemplates.0.spec.storageClassName")
		if want == nil && ok || want != nil && got != want {
			t.Errorf("storageClass %q: storageClassName %v (present %v)", class, got, ok)
		}
	}
}

func TestPostgresName(t *testing.T) {
	p := props()
	p.Name = "db"
	objs, pg := build(t, p)
	objs.Must(t, "StatefulSet", "db")
	objs.Must(t, "Service", "db")
	objs.Must(t, "Service", "db-headless")
	if pg.Host() != "db.ns1.svc.cluster.local" {
		t.Error(pg.Host())
	}
}

// The exporter reads the server over loopback with the release's user, its
// password from the Secret, and serves on the port Prometheus scrapes.
func TestPostgresExporter(t *testing.T) {
	p := props()
	p.Exporter = &kube.Image{Repository: "quay.io/prometheuscommunity/postgres-exporter", Tag: "v0.17.1", PullPolicy: "IfNotPresent"}
	objs, pg := build(t, p)
	spec := objs.PodSpecs()["StatefulSet/caracal-postgres"]
	for _, problem := range manifest.PodProblems(spec) {
		t.Error(problem)
	}
	exporter := manifest.Containers(spec)[kube.MetricsPort]
	env := manifest.Env(exporter)
	if got := env["DATA_SOURCE_URI"].Str("value"); got != "127.0.0.1:5432/ledger?sslmode=disable" {
		t.Errorf("DATA_SOURCE_URI %q", got)
	}
	if env["DATA_SOURCE_USER"].Str("value") != "writer" || env["DATA_SOURCE_PASS"].Str("valueFrom.secretKeyRef.name") != "creds" || env["DATA_SOURCE_PASS"].Str("valueFrom.secretKeyRef.key") != "pg" || env["DATA_SOURCE_PASS"].Has("value") {
		t.Errorf("exporter credentials: %v", env)
	}
	if exporter.Int("ports[metrics].containerPort") != postgres.ExporterPort || pg.MetricsService == nil {
		t.Errorf("exporter port: %v", exporter["ports"])
	}
	if svc := objs.Must(t, "Service", "caracal-postgres-metrics"); svc.Int("spec.ports[metrics].port") != postgres.ExporterPort || svc.Str("spec.ports[metrics].targetPort") != kube.MetricsPort {
		t.Errorf("metrics Service: %v", svc["spec"])
	}
	// Scraped at the exporter; its password is the server's, reported once.
	want := wiring.Report{
		Component: "postgres",
		Scrapes:   []wiring.Scrape{{Component: "postgres", Port: "metrics", Path: "/metrics"}},
		Secrets:   []kube.SecretKey{{Name: "creds", Key: "pg"}},
	}
	if got := pg.Report(); !reflect.DeepEqual(got, want) {
		t.Errorf("report %+v", got)
	}
}

// The database name cannot change the exporter's connection URI: read
// back as postgres_exporter reads it (postgresql://user:password@ and the
// URI), the host, the parameters and the path are the same whatever the
// name; and pg_isready's --dbname cannot become a connection string.
func TestDatabaseNameStaysInItsPlace(t *testing.T) {
	for _, db := range []string{"ledger", "db?sslmode=disable&host=evil", "a/b", "x#frag", "u@evil.example:1", "100%", "sp ace", "$(POSTGRES_PASSWORD)", "host=evil.example port=1"} {
		p := props()
		p.Database = db
		p.Exporter = &kube.Image{Repository: "quay.io/prometheuscommunity/postgres-exporter", Tag: "v0.17.1", PullPolicy: "IfNotPresent"}
		objs, _ := build(t, p)
		spec := objs.PodSpecs()["StatefulSet/caracal-postgres"]
		env := manifest.Env(manifest.Containers(spec)[kube.MetricsPort])
		uri := expansion.Expand(env["DATA_SOURCE_URI"].Str("value"), expansion.Defined)
		u, err := url.Parse("postgresql://" + url.UserPassword("writer", "pw").String() + "@" + uri)
		if err != nil {
			t.Errorf("database %q: %q: %v", db, uri, err)
			continue
		}
		if u.Host != "127.0.0.1:5432" || u.Path != "/"+db || u.Fragment != "" || !reflect.DeepEqual(u.Query(), url.Values{"sslmode": {"disable"}}) || u.User.Username() != "writer" {
			t.Errorf("database %q: DATA_SOURCE_URI %q reads as host %q, path %q, query %v, fragment %q", db, uri, u.Host, u.Path, u.Query(), u.Fragment)
		}
		probe, _ := manifest.Containers(spec)["postgres"].Get("readinessProbe.exec.command")
		var dbname string
		for _, a := range probe.([]any) {
			if arg := expansion.Expand(a.(string), expansion.Defined); strings.HasPrefix(arg, "--dbname=") {
				dbname = strings.TrimPrefix(arg, "--dbname=")
			}
		}
		if want := kube.LibpqDatabase(db); dbname != want || strings.Contains(db, "=") && !strings.HasPrefix(dbname, "dbname='") {
			t.Errorf("database %q: --dbname=%s", db, dbname)
		}
	}
}
