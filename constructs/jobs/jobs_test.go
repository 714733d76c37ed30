package jobs_test

import (
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/internal/expansion"
	"caracal.dev/caracal-cdk8s/constructs/internal/javaprops"
	"caracal.dev/caracal-cdk8s/constructs/jobs"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
	"github.com/aws/constructs-go/constructs/v10"
	"k8s.io/apimachinery/pkg/util/validation"
)

func common(version string) jobs.Common {
	return jobs.Common{
		Release: kube.Release{Name: "caracal", Namespace: "ns1", Version: version, ClusterDomain: "cluster.local"},
		Image:   kube.Image{Repository: "ghcr.io/caracal/caracal-core", Tag: version, PullPolicy: "Always"},
		Endpoints: wiring.Endpoints{
			Database: wiring.DatabaseEndpoint{Peer: wiring.Outside("database"), Host: "db.example", Port: 5432, Name: "caracal", User: "app", Password: kube.SecretKey{Name: "creds", Key: "pg"}},
			Redis:    wiring.RedisEndpoint{Peer: wiring.Pods("redis"), Host: "redis", Port: 6379, Password: kube.SecretKey{Name: "creds", Key: "redis"}},
			Kafka:    wiring.KafkaEndpoint{Peer: wiring.Pods("kafka"), BootstrapServers: "kafka:9092"},
		},
		BackoffLimit: 3, ActiveDeadlineSeconds: 1800, WaitTimeoutSeconds: 300,
		Resources: kube.Resources{Requests: kube.ResourceList{CPU: "100m", Memory: "128Mi", EphemeralStorage: "64Mi"}, Limits: kube.ResourceList{CPU: "1", Memory: "512Mi", EphemeralStorage: "256Mi"}},
	}
}

var (
	pgImage    = kube.Image{Repository: "docker.io/library/postgres", Tag: "17.6", PullPolicy: "Always"}
	kafkaImage = kube.Image{Repository: "docker.io/apache/kafka", Tag: "4.1.0", PullPolicy: "Always"}
)

// build makes every Job of a release of version; db init keeps the image
// of the install, 0.3.0.
func build(t *testing.T, version string) (manifest.Objects, []*jobs.Job) {
	var made []*jobs.Job
	objs := manifest.Construct(t, func(scope constructs.Construct) {
		c := common(version)
		init := c
		init.Image.Tag = "0.3.0"
		db := jobs.DatabaseProps{Common: c, PostgresImage: pgImage}
		made = append(made,
			jobs.NewDatabaseInit(scope, "init", jobs.DatabaseProps{Common: init, PostgresImage: pgImage}),
			jobs.NewDatabaseMigration(scope, "db", db),
			jobs.NewKafkaTopics(scope, "topics", jobs.KafkaTopicsProps{Common: c, KafkaImage: kafkaImage}),
			jobs.NewMerkleBackfill(scope, "backfill", jobs.MerkleBackfillProps{DatabaseProps: db, SourceVersion: "v0.2", SigningKeySecret: "merkle"}),
		)
	})
	return objs, made
}

// steps lists "container: command" in the order the pod runs them.
func steps(spec manifest.Object) []string {
	var out []string
	for _, path := range []string{"initContainers", "containers"} {
		list, _ := spec.Get(path)
		items, _ := list.([]any)
		for _, c := range items {
			m := c.(map[string]any)
			cmd := fmt.Sprint(m["command"])
			if strings.HasPrefix(cmd, "[sh -c") {
				cmd = "[sh -c ...]"
			}
			out = append(out, m["name"].(string)+": "+cmd)
		}
	}
	return out
}

func TestJobsRunTheChartREADMEsSteps(t *testing.T) {
	objs, made := build(t, "0.3.0")
	want := map[string][]string{
		"caracal-db-init":         {"db-init: [caracal db init]"},
		"caracal-db-migrate":      {"wait-for-postgres: [sh -c ...]", "db-migrate: [caracal db migrate up]"},
		"caracal-kafka-topics":    {"wait-for-kafka: [sh -c ...]", "create-topics: [caracal kafka create-topics]"},
		"caracal-merkle-backfill": {"wait-for-postgres: [sh -c ...]", "merkle-backfill: [caracal merkle backfill --source-version v0.2]"},
	}
	if len(made) != 4 {
		t.Fatal(made)
	}
	for _, j := range made {
		name := *j.KubeJob.Name()
		base := name[:strings.Index(name, "-0-3-0-")]
		job := objs.Must(t, "Job", name)
		spec := objs.PodSpecs()["Job/"+name]
		if got := steps(spec); fmt.Sprint(got) != fmt.Sprint(want[base]) {
			t.Errorf("%s: steps %v, want %v", base, got, want[base])
		}
		for _, p := range manifest.PodProblems(spec) {
			t.Errorf("%s: %s", base, p)
		}
		if job.Int("spec.backoffLimit") != 3 || job.Int("spec.activeDeadlineSeconds") != 1800 {
			t.Errorf("%s: limits %v", base, job["spec"])
		}
		// A finished Job stays: Argo CD and Flux would run a deleted one
		// again.
		if job.Has("spec.ttlSecondsAfterFinished") {
			t.Errorf("%s: a TTL would make GitOps run the Job again", base)
		}
		if spec.Str("restartPolicy") != "Never" || spec.Str("serviceAccountName") != base {
			t.Errorf("%s: restartPolicy %q, serviceAccount %q", base, spec.Str("restartPolicy"), spec.Str("serviceAccountName"))
		}
		objs.Must(t, "ServiceAccount", base)
		checkEnv(t, base, spec)
	}
	backfill := objs.PodSpecs()["Job/"+*made[3].KubeJob.Name()]
	if backfill.Str("volumes[merkle-keys].secret.secretName") != "merkle" {
		t.Error("the backfill signs with the Merkle key")
	}
}

// checkEnv checks what a Job's containers know: db init the database
// only; the others a bounded wait that knows nothing secret, then the
// chart README's variables for the Caracal CLI.
func checkEnv(t *testing.T, base string, spec manifest.Object) {
	t.Helper()
	if base == "caracal-db-init" {
		// Only the database's settings, and no wait step with the
		// PostgreSQL image: nothing an upgrade of the rest changes.
		env := manifest.Env(manifest.Containers(spec)["db-init"])
		if env["DB_HOST"].Str("value") != "db.example" || env["DB_PASSWORD"].Str("valueFrom.secretKeyRef.key") != "pg" || env["REDIS_HOST"] != nil || env["KAFKA_BOOTSTRAP_SERVERS"] != nil || env["REDIS_PASSWORD"] != nil || env["WAIT_TIMEOUT"] != nil {
			t.Errorf("db init reads the database only: %v", env)
		}
		return
	}
	wait := spec.List("initContainers")[0]
	env := manifest.Env(wait)
	if env["WAIT_TIMEOUT"].Str("value") != "300" || env["DB_PASSWORD"] != nil {
		t.Errorf("%s: wait env %v", base, env)
	}
	// (The manifest escapes $( from the kubelet: $$(.)
	if !strings.Contains(fmt.Sprint(wait["command"]), kube.KubeLiteral(`"$(date +%s)" -ge "$end"`)) {
		t.Errorf("%s: the wait must give up", base)
	}
	for _, c := range manifest.Containers(spec) {
		e := manifest.Env(c)
		if e["DB_HOST"].Str("value") != "db.example" || e["DB_USER"].Str("value") != "app" || e["DB_PASSWORD"].Str("valueFrom.secretKeyRef.key") != "pg" {
			t.Errorf("%s: env %v", base, e)
		}
	}
}

func TestJobsReport(t *testing.T) {
	_, made := build(t, "0.3.0")
	// Each Job reaches only the datastore it works on, reads the Secret
	// keys its pod reads, and serves no metrics.
	db := func(component string) []wiring.Flow {
		return []wiring.Flow{{From: wiring.Pods(component), To: wiring.Outside("database"), Ports: []int{5432}}}
	}
	password := kube.SecretKey{Name: "creds", Key: "pg"}
	for i, want := range []wiring.Report{
		{Component: "db-init", Flows: db("db-init"), Secrets: []kube.SecretKey{password}},
		{Component: "db-migrate", Flows: db("db-migrate"), Secrets: []kube.SecretKey{password, {Name: "creds", Key: "redis"}}},
		{Component: "kafka-topics", Flows: []wiring.Flow{{From: wiring.Pods("kafka-topics"), To: wiring.Pods("kafka"), Ports: []int{9092}}}, Secrets: []kube.SecretKey{password, {Name: "creds", Key: "redis"}}},
		{Component: "merkle-backfill", Flows: db("merkle-backfill"), Secrets: []kube.SecretKey{password, {Name: "creds", Key: "redis"}, {Name: "merkle", Key: "merkle_signing_key.pem"}}},
	} {
		if got := made[i].Report(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: report\n%+v\nwant\n%+v", *made[i].KubeJob.Name(), got, want)
		}
	}
}

// Zero values without a default are refused at construction, each with
// its field named; db init needs the database only.
func TestJobsErrors(t *testing.T) {
	run := func(change func(*jobs.Common), add func(scope constructs.Construct, c jobs.Common)) func() {
		return func() {
			c := common("0.3.0")
			change(&c)
			manifest.Construct(t, func(scope constructs.Construct) { add(scope, c) })
		}
	}
	initJob := func(scope constructs.Construct, c jobs.Common) {
		jobs.NewDatabaseInit(scope, "init", jobs.DatabaseProps{Common: c})
	}
	migrate := func(scope constructs.Construct, c jobs.Common) {
		jobs.NewDatabaseMigration(scope, "db", jobs.DatabaseProps{Common: c, PostgresImage: pgImage})
	}
	topics := func(scope constructs.Construct, c jobs.Common) {
		jobs.NewKafkaTopics(scope, "topics", jobs.KafkaTopicsProps{Common: c, KafkaImage: kafkaImage})
	}
	backfill := func(source, key string) func(scope constructs.Construct, c jobs.Common) {
		return func(scope constructs.Construct, c jobs.Common) {
			db := jobs.DatabaseProps{Common: c, PostgresImage: pgImage}
			jobs.NewMerkleBackfill(scope, "backfill", jobs.MerkleBackfillProps{DatabaseProps: db, SourceVersion: source, SigningKeySecret: key})
		}
	}
	none := func(*jobs.Common) {}
	for fragment, build := range map[string]func(){
		"db-init: DatabaseProps.Release.Name is empty":      run(func(c *jobs.Common) { c.Release.Name = "" }, initJob),
		"DatabaseProps.Image.Tag is empty":                  run(func(c *jobs.Common) { c.Image.Tag = "" }, initJob),
		"DatabaseProps.ActiveDeadlineSeconds is 0, below 1": run(func(c *jobs.Common) { c.ActiveDeadlineSeconds = 0 }, initJob),
		"DatabaseProps.BackoffLimit is -1, below 0":         run(func(c *jobs.Common) { c.BackoffLimit = -1 }, initJob),
		"DatabaseProps.Endpoints.Database.Peer is empty":    run(func(c *jobs.Common) { c.Endpoints.Database.Peer = wiring.Peer{} }, initJob),
		"db-migrate: DatabaseProps.PostgresImage.Repository is": run(none, func(scope constructs.Construct, c jobs.Common) {
			jobs.NewDatabaseMigration(scope, "db", jobs.DatabaseProps{Common: c})
		}),
		"db-migrate: DatabaseProps.Endpoints.Redis.Host is empty":  run(func(c *jobs.Common) { c.Endpoints.Redis.Host = "" }, migrate),
		"db-migrate: DatabaseProps.WaitTimeoutSeconds is 0":        run(func(c *jobs.Common) { c.WaitTimeoutSeconds = 0 }, migrate),
		"kafka-topics: KafkaTopicsProps.Endpoints.Kafka.Bootstrap": run(func(c *jobs.Common) { c.Endpoints.Kafka.BootstrapServers = "" }, topics),
		"KafkaTopicsProps.KafkaImage.Tag is empty": run(none, func(scope constructs.Construct, c jobs.Common) {
			jobs.NewKafkaTopics(scope, "topics", jobs.KafkaTopicsProps{Common: c})
		}),
		"merkle-backfill: MerkleBackfillProps.SourceVersion is":     run(none, backfill("", "k")),
		"merkle-backfill: MerkleBackfillProps.SigningKeySecret is":  run(none, backfill("v0.2", "")),
		"merkle-backfill: MerkleBackfillProps.Endpoints.Kafka.Peer": run(func(c *jobs.Common) { c.Endpoints.Kafka.Peer = wiring.Peer{} }, backfill("v0.2", "k")),
	} {
		manifest.MustPanic(t, fragment, build)
	}
	// db init reads the database only: the other datastores may be unset.
	c := common("0.3.0")
	c.Endpoints.Redis, c.Endpoints.Kafka, c.WaitTimeoutSeconds = wiring.RedisEndpoint{}, wiring.KafkaEndpoint{}, 0
	manifest.Construct(t, func(scope constructs.Construct) { initJob(scope, c) })
}

// An upgrade is a new Job: the name follows the version, so Argo CD, Flux
// and kubectl run it again instead of failing on an immutable template.
// The same spec keeps its name, so a re-sync runs nothing. db init follows
// only its own image: an upgrade of the rest leaves it as it is.
func TestJobNamesFollowTheVersion(t *testing.T) {
	_, a := build(t, "0.3.0")
	_, b := build(t, "0.3.1")
	_, again := build(t, "0.3.0")
	for i := range a {
		an, bn, againn := *a[i].KubeJob.Name(), *b[i].KubeJob.Name(), *again[i].KubeJob.Name()
		if an != againn {
			t.Errorf("the same spec, two names: %s %s", an, againn)
		}
		if strings.HasPrefix(an, "caracal-db-init-") {
			if an != bn || !strings.Contains(an, "-0-3-0-") {
				t.Errorf("db init must not follow the release: %s %s", an, bn)
			}
			continue
		}
		if !strings.Contains(an, "-0-3-0-") || !strings.Contains(bn, "-0-3-1-") {
			t.Errorf("names %s %s", an, bn)
		}
	}
}

// A Job's name follows its rendered pod template, so nothing that shapes
// the template escapes it: a new template is a new Job, never a failed
// patch of an immutable one. What is outside the template (retries, the
// deadline) changes in place.
func TestJobNamesFollowTheTemplate(t *testing.T) {
	name := func(change func(*jobs.Common)) string {
		var made *jobs.Job
		manifest.Construct(t, func(scope constructs.Construct) {
			c := common("0.3.0")
			change(&c)
			made = jobs.NewDatabaseMigration(scope, "db", jobs.DatabaseProps{Common: c, PostgresImage: pgImage})
		})
		return *made.KubeJob.Name()
	}
	same := name(func(*jobs.Common) {})
	for what, change := range map[string]func(*jobs.Common){
		"resources":     func(c *jobs.Common) { c.Resources.Limits.Memory = "1Gi" },
		"pull secrets":  func(c *jobs.Common) { c.ImagePullSecrets = []string{"regcred"} },
		"wait timeout":  func(c *jobs.Common) { c.WaitTimeoutSeconds = 60 },
		"database host": func(c *jobs.Common) { c.Endpoints.Database.Host = "db2.example" },
	} {
		if name(change) == same {
			t.Errorf("%s changes the template, but not the name", what)
		}
	}
	for what, change := range map[string]func(*jobs.Common){
		"retries":  func(c *jobs.Common) { c.BackoffLimit = 6 },
		"deadline": func(c *jobs.Common) { c.ActiveDeadlineSeconds = 60 },
	} {
		if name(change) != same {
			t.Errorf("%s can change in place, yet renames the Job", what)
		}
	}
}

// db init's name follows only its image and the database: not the other
// datastores, the PostgreSQL image, nor the retries.
func TestDatabaseInitFollowsTheDatabaseOnly(t *testing.T) {
	name := func(change func(*jobs.Common)) string {
		var made *jobs.Job
		manifest.Construct(t, func(scope constructs.Construct) {
			c := common("0.3.0")
			change(&c)
			made = jobs.NewDatabaseInit(scope, "init", jobs.DatabaseProps{Common: c, PostgresImage: pgImage})
		})
		return *made.KubeJob.Name()
	}
	same := name(func(*jobs.Common) {})
	for what, change := range map[string]func(*jobs.Common){
		"Kafka":        func(c *jobs.Common) { c.Endpoints.Kafka.BootstrapServers = "kafka2:9092" },
		"Redis":        func(c *jobs.Common) { c.Endpoints.Redis.Host = "redis2" },
		"wait timeout": func(c *jobs.Common) { c.WaitTimeoutSeconds = 60 },
		"retries":      func(c *jobs.Common) { c.BackoffLimit = 6 },
	} {
		if name(change) != same {
			t.Errorf("%s runs db init again", what)
		}
	}
	for what, change := range map[string]func(*jobs.Common){
		"image":    func(c *jobs.Common) { c.Image.Tag = "0.4.0" },
		"database": func(c *jobs.Common) { c.Endpoints.Database.Name = "other" },
	} {
		if name(change) == same {
			t.Errorf("a new %s must run db init", what)
		}
	}
}

// A tag that is no DNS label still makes a valid name.
func TestJobNameOfAnyTag(t *testing.T) {
	objs := manifest.Construct(t, func(scope constructs.Construct) {
		c := common("0.3.0")
		c.Image.Tag = "0.3.0_RC1"
		jobs.NewDatabaseInit(scope, "init", jobs.DatabaseProps{Common: c, PostgresImage: pgImage})
	})
	for _, o := range objs.OfKind("Job") {
		if name := o.Str("metadata.name"); !strings.HasPrefix(name, "caracal-db-init-0-3-0-rc1-") {
			t.Errorf("name %q", name)
		}
	}
}

// Any image tag gives db init a name and labels the API server takes: a
// tag may be 128 characters and begin or end with '_', '.' or '-', which
// neither a label value nor the Job's name (its pods' job-name label) can.
func TestDatabaseInitOfAnyTagIsValid(t *testing.T) {
	for _, tag := range []string{"___", "1.0-", "1.0.", "_x", "0.3.0_RC1", strings.Repeat("a", 100), strings.Repeat("1.", 64)} {
		objs := manifest.Construct(t, func(scope constructs.Construct) {
			c := common("0.3.0")
			c.Image.Tag = tag
			jobs.NewDatabaseInit(scope, "init", jobs.DatabaseProps{Common: c, PostgresImage: pgImage})
		})
		for _, o := range objs {
			name := o.Name()
			if errs := validation.IsDNS1123Label(name); o.Kind() == "Job" && len(errs) > 0 {
				t.Errorf("tag %q: Job name %q: %v", tag, name, errs)
			}
			for _, path := range []string{"metadata.labels", "spec.template.metadata.labels"} {
				labels, _ := o.Get(path)
				m, _ := labels.(map[string]any)
				for k, v := range m {
					if errs := validation.IsValidLabelValue(fmt.Sprint(v)); len(errs) > 0 {
						t.Errorf("tag %q: %s %s: label %s=%q: %v", tag, o.Kind(), path, k, v, errs)
					}
				}
			}
		}
	}
}

// A value in a Job's command line or environment reaches the container as
// it was: the kubelet expands $(VAR) there, so a source version of
// $(DB_PASSWORD) would otherwise put the password on the command line.
func TestValuesReachTheJobLiterally(t *testing.T) {
	hostile := "$(DB_PASSWORD)"
	objs := manifest.Construct(t, func(scope constructs.Construct) {
		c := common("0.3.0")
		c.Endpoints.Database.Name = hostile
		c.Endpoints.Database.Host = "$(REDIS_PASSWORD)"
		jobs.NewMerkleBackfill(scope, "backfill", jobs.MerkleBackfillProps{
			DatabaseProps: jobs.DatabaseProps{Common: c, PostgresImage: pgImage}, SourceVersion: hostile, SigningKeySecret: "merkle",
		})
	})
	var spec manifest.Object
	for name, s := range objs.PodSpecs() {
		if strings.HasPrefix(name, "Job/caracal-merkle-backfill-") {
			spec = s
		}
	}
	if spec == nil {
		t.Fatalf("no backfill Job: %s", objs.Summary())
	}
	main := manifest.Containers(spec)["merkle-backfill"]
	var args []string
	for _, a := range main["command"].([]any) {
		args = append(args, expansion.Expand(a.(string), expansion.Defined))
	}
	if strings.Join(args, " ") != "caracal merkle backfill --source-version $(DB_PASSWORD)" {
		t.Errorf("the container runs %q (manifest: %v)", args, main["command"])
	}
	if got := fmt.Sprint(main["command"]); !strings.Contains(got, "--source-version $$(DB_PASSWORD)") {
		t.Errorf("command %s", got)
	}
	for _, c := range append(spec.List("initContainers"), main) {
		env := manifest.Env(c)
		for name, want := range map[string]string{"DB_NAME": hostile, "DB_HOST": "$(REDIS_PASSWORD)"} {
			if got := expansion.Expand(env[name].Str("value"), expansion.Defined); got != want {
				t.Errorf("%s: %s reaches the container as %q", c["name"], name, got)
			}
		}
	}
}

// pg_isready names the database through PGDATABASE, which libpq never
// reads as a connection string, so a database name with an = cannot send
// the wait to another server.
func TestWaitForPostgresTakesTheDatabaseLiterally(t *testing.T) {
	objs, _ := build(t, "0.3.0")
	for name, spec := range objs.PodSpecs() {
		if !strings.HasPrefix(name, "Job/caracal-db-migrate-") {
			continue
		}
		script := fmt.Sprint(manifest.Object(spec.List("initContainers")[0])["command"])
		if !strings.Contains(script, `PGDATABASE="$DB_NAME" pg_isready`) || strings.Contains(script, "--dbname") {
			t.Errorf("wait: %s", script)
		}
		return
	}
	t.Fatalf("no db-migrate Job: %s", objs.Summary())
}

// The Kafka wait writes the SASL credentials into client.properties, as a
// JAAS option in double quotes: it refuses credentials that would end the
// quotes or the line, and writes the others as exactly one setting.
func TestKafkaClientConfigCarriesTheCredentialsOnly(t *testing.T) {
	objs := manifest.Construct(t, func(scope constructs.Construct) {
		c := common("0.3.0")
		c.Endpoints.Kafka = wiring.KafkaEndpoint{Peer: wiring.Outside("kafka"), BootstrapServers: "b:9096", SASLMechanism: "PLAIN",
			SASLUsername: kube.SecretKey{Name: "sasl", Key: "username"}, SASLPassword: kube.SecretKey{Name: "sasl", Key: "password"}}
		jobs.NewKafkaTopics(scope, "topics", jobs.KafkaTopicsProps{Common: c, KafkaImage: kafkaImage})
	})
	var script string
	for name, spec := range objs.PodSpecs() {
		if strings.HasPrefix(name, "Job/caracal-kafka-topics-") {
			command := manifest.Object(spec.List("initContainers")[0])["command"].([]any)
			script = expansion.Expand(command[2].(string), expansion.Defined)
		}
	}
	dir := t.TempDir()
	script = strings.ReplaceAll(script[:strings.Index(script, "end=")], "/tmp/client.properties", dir+"/client.properties")
	run := func(user, password string) (string, error) {
		cmd := exec.Command("sh", "-c", script)
		cmd.Env = []string{"PATH=/usr/bin:/bin", "KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM=PLAIN", "KAFKA_SASL_USERNAME=" + user, "KAFKA_SASL_PASSWORD=" + password}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for _, pw := range []string{`a"b`, `back\slash`, "line\nsasl.mechanism=GSSAPI", "cr\r", "trailing\n"} {
		if out, err := run("app", pw); err == nil || !strings.Contains(out, "cannot carry") {
			t.Errorf("password %q: %v %s", pw, err, out)
		}
	}
	if out, err := run("app", "p'w $x `y` %s"); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	data, err := os.ReadFile(dir + "/client.properties")
	if err != nil {
		t.Fatal(err)
	}
	entries, err := javaprops.Load(string(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []javaprops.Entry{
		{Key: "security.protocol", Value: "SASL_PLAINTEXT"},
		{Key: "sasl.mechanism", Value: "PLAIN"},
		{Key: "sasl.jaas.config", Value: "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"app\" password=\"p'w $x `y` %s\";"},
	}
	if !reflect.DeepEqual(entries, want) {
		t.Errorf("client.properties reads as %q", entries)
	}
}
