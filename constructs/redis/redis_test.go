package redis_test

import (
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/internal/expansion"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/redis"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
	"github.com/aws/constructs-go/constructs/v10"
)

func props() redis.Props {
	return redis.Props{
		Datastore: workload.Datastore{
			Release:          kube.Release{Name: "caracal", Namespace: "ns1", Version: "0.3.0", ClusterDomain: "cluster.local"},
			Image:            kube.Image{Repository: "docker.io/library/redis", Tag: "7.4.5", PullPolicy: "Always"},
			Storage:          kube.Storage{Size: "3Gi"},
			Resources:        kube.Resources{Requests: kube.ResourceList{CPU: "1", Memory: "1Gi", EphemeralStorage: "1Gi"}, Limits: kube.ResourceList{CPU: "2", Memory: "2Gi", EphemeralStorage: "2Gi"}},
			ImagePullSecrets: []string{"regcred"},
		},
		Password: kube.SecretKey{Name: "creds", Key: "redis"},
	}
}

func build(t *testing.T, p redis.Props) (manifest.Objects, *redis.Redis) {
	var rd *redis.Redis
	objs := manifest.Construct(t, func(scope constructs.Construct) { rd = redis.NewRedis(scope, "redis", p) })
	return objs, rd
}

func TestRedisObjects(t *testing.T) {
	objs, rd := build(t, props())
	if got := objs.Summary(); got != "Service/caracal-redis-headless, Service/caracal-redis, ServiceAccount/caracal-redis, StatefulSet/caracal-redis" {
		t.Fatalf("objects: %s", got)
	}
	for _, o := range objs {
		for _, p := range manifest.LabelProblems(o) {
			t.Error(p)
		}
	}
	svc := objs.Must(t, "Service", "caracal-redis")
	if svc.Int("spec.ports.0.port") != 6379 || svc.Str("spec.ports.0.targetPort") != "redis" {
		t.Errorf("service port: %v", svc["spec"])
	}
	sts := objs.Must(t, "StatefulSet", "caracal-redis")
	if sts.Str("spec.serviceName") != "caracal-redis-headless" || objs.Must(t, "Service", "caracal-redis-headless").Str("spec.clusterIP") != "None" {
		t.Error("the StatefulSet must be governed by a headless Service")
	}
	if sts.Str("spec.volumeClaimTemplates.0.spec.resources.requests.storage") != "3Gi" {
		t.Error("persistence size")
	}
	spec := manifest.Object(sts.MustGet(t, "spec.template.spec").(map[string]any))
	for _, p := range manifest.PodProblems(spec) {
		t.Error(p)
	}
	if s, _ := spec.Get("imagePullSecrets"); !reflect.DeepEqual(s, []any{map[string]any{"name": "regcred"}}) {
		t.Errorf("imagePullSecrets %v", s)
	}
	c := manifest.Containers(spec)["redis"]
	env := manifest.Env(c)
	for _, name := range []string{"REDIS_PASSWORD", "REDISCLI_AUTH"} {
		e := env[name]
		if e.Has("value") || e.Str("valueFrom.secretKeyRef.name") != "creds" || e.Str("valueFrom.secretKeyRef.key") != "redis" {
			t.Errorf("%s must come from the Secret: %v", name, e)
		}
	}
	script := fmt.Sprint(c.MustGet(t, "command"))
	if !strings.Contains(script, "requirepass") || !strings.Contains(script, "--appendonly yes") || !strings.Contains(script, "--dir /data") {
		t.Errorf("the server must require the password and persist to /data: %s", script)
	}
	if e := rd.Endpoint(); e != (wiring.RedisEndpoint{Peer: wiring.Pods("redis"), Host: "caracal-redis.ns1.svc.cluster.local", Port: 6379, Password: kube.SecretKey{Name: "creds", Key: "redis"}}) {
		t.Errorf("endpoint %+v", e)
	}
	// The server opens no flows (its clients report theirs), serves no
	// metrics without the exporter, and reads its password.
	if got := rd.Report(); !reflect.DeepEqual(got, wiring.Report{Component: "redis", Secrets: []kube.SecretKey{{Name: "creds", Key: "redis"}}}) {
		t.Errorf("report %+v", got)
	}
}

// The minimal props: the rest is defaults (the name, no resources, no
// exporter, no pull secrets).
func TestRedisMinimalProps(t *testing.T) {
	objs, rd := build(t, redis.Props{
		Datastore: workload.Datastore{
			Release: kube.Release{Name: "r", Namespace: "ns", ClusterDomain: "example.org"},
			Image:   kube.Image{Repository: "redis", Tag: "7", PullPolicy: "IfNotPresent"},
			Storage: kube.Storage{Size: "1Gi"},
		},
		Password: kube.SecretKey{Name: "s", Key: "k"},
	})
	if got := objs.Summary(); got != "Service/caracal-redis-headless, Service/caracal-redis, ServiceAccount/caracal-redis, StatefulSet/caracal-redis" {
		t.Fatalf("objects: %s", got)
	}
	spec := objs.PodSpecs()["StatefulSet/caracal-redis"]
	if c := manifest.Containers(spec)["redis"]; c.Str("image") != "redis:7" || c.Has("resources.limits") || spec.Has("imagePullSecrets") {
		t.Errorf("pod %v", spec)
	}
	if e := rd.Endpoint(); e.Host != "caracal-redis.ns.svc.example.org" || e.Port != redis.Port {
		t.Errorf("endpoint %+v", e)
	}
}

// Zero values without a default are refused at construction, each with
// its field named.
func TestRedisErrors(t *testing.T) {
	for fragment, change := range map[string]func(*redis.Props){
		"redis: Props.Release.Name is empty":   func(p *redis.Props) { p.Release.Name = "" },
		"Props.Release.Namespace is empty":     func(p *redis.Props) { p.Release.Namespace = "" },
		"Props.Release.ClusterDomain is empty": func(p *redis.Props) { p.Release.ClusterDomain = "" },
		"Props.Image.Repository is empty":      func(p *redis.Props) { p.Image.Repository = "" },
		"Props.Image.PullPolicy is empty":      func(p *redis.Props) { p.Image.PullPolicy = "" },
		"Props.Password.Name is empty":         func(p *redis.Props) { p.Password.Name = "" },
		"Props.Storage.Size is empty":          func(p *redis.Props) { p.Storage.Size = "" },
		"Props.Exporter.Repository is empty":   func(p *redis.Props) { p.Exporter = &kube.Image{Tag: "1", PullPolicy: "Always"} },
	} {
		p := props()
		change(&p)
		manifest.MustPanic(t, fragment, func() { build(t, p) })
	}
}

// The exporter reads the server over loopback, its password from the
// Secret, and serves on the port Prometheus scrapes.
func TestRedisExporter(t *testing.T) {
	p := props()
	p.Exporter = &kube.Image{Repository: "docker.io/oliver006/redis_exporter", Tag: "v1.74.0", PullPolicy: "IfNotPresent"}
	objs, rd := build(t, p)
	spec := objs.PodSpecs()["StatefulSet/caracal-redis"]
	for _, problem := range manifest.PodProblems(spec) {
		t.Error(problem)
	}
	exporter := manifest.Containers(spec)[kube.MetricsPort]
	env := manifest.Env(exporter)
	if got := env["REDIS_ADDR"].Str("value"); got != "redis://127.0.0.1:6379" {
		t.Errorf("REDIS_ADDR %q", got)
	}
	if env["REDIS_PASSWORD"].Str("valueFrom.secretKeyRef.name") != "creds" || env["REDIS_PASSWORD"].Str("valueFrom.secretKeyRef.key") != "redis" || env["REDIS_PASSWORD"].Has("value") {
		t.Errorf("exporter password: %v", env)
	}
	if exporter.Int("ports[metrics].containerPort") != redis.ExporterPort || rd.MetricsService == nil {
		t.Errorf("exporter port: %v", exporter["ports"])
	}
	if svc := objs.Must(t, "Service", "caracal-redis-metrics"); svc.Int("spec.ports[metrics].port") != redis.ExporterPort {
		t.Errorf("metrics Service: %v", svc["spec"])
	}
	want := wiring.Report{
		Component: "redis",
		Scrapes:   []wiring.Scrape{{Component: "redis", Port: "metrics", Path: "/metrics"}},
		Secrets:   []kube.SecretKey{{Name: "creds", Key: "redis"}},
	}
	if got := rd.Report(); !reflect.DeepEqual(got, want) {
		t.Errorf("report %+v", got)
	}
}

// The start script writes the password into redis.conf as \xHH escapes
// in a double-quoted string, every byte of it: no quote, backslash or
// line break in the Secret can end the string or add a directive.
func TestRedisConfigHoldsThePasswordOnly(t *testing.T) {
	objs, _ := build(t, props())
	c := manifest.Containers(objs.PodSpecs()["StatefulSet/caracal-redis"])["redis"]
	command := c["command"].([]any)
	script := expansion.Expand(command[2].(string), expansion.Defined)
	dir := t.TempDir()
	script = strings.ReplaceAll(script, "/tmp/redis.conf", dir+"/redis.conf")
	script = script[:strings.Index(script, "exec redis-server")]
	line := regexp.MustCompile(`^requirepass "((?:\\x[0-9a-f]{2})*)"\n$`)
	for _, pw := range []string{"plain", "a\"b\\c", "x\nrename-command CONFIG \"\"", "trailing\n\n", "'$(id)`id`", "grüße", ""} {
		cmd := exec.Command("sh", "-c", script)
		cmd.Env = []string{"REDIS_PASSWORD=" + pw, "PATH=/usr/bin:/bin"}
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		conf, err := os.ReadFile(dir + "/redis.conf")
		if err != nil {
			t.Fatal(err)
		}
		m := line.FindStringSubmatch(string(conf))
		if m == nil {
			t.Errorf("password %q: redis.conf is %q", pw, conf)
			continue
		}
		got, _ := hex.DecodeString(strings.ReplaceAll(m[1], `\x`, ""))
		if string(got) != pw {
			t.Errorf("password %q: redis.conf holds %q", pw, got)
		}
	}
}
