package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/internal/testkit"
)

// chartCommandsSection is the README section that maps the chart README's
// commands onto this output.
const chartCommandsSection = "## The chart README's commands, against this output"

// commandsOf returns the README section's commands (the kubectl and flux
// lines of its bash blocks and inline code) and its table of where each
// image keeps its tools ("PATH", or a directory).
func commandsOf(t *testing.T) (commands []string, tools map[string]string) {
	t.Helper()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), chartCommandsSection+"\n")
	if !ok {
		t.Fatalf("README.md has no section %q", chartCommandsSection)
	}
	section, _, _ = strings.Cut(section, "\n## ")
	tools = map[string]string{}
	row := regexp.MustCompile("^\\| `([^`]+)` \\| (?:`(/[^`]+)`|on `PATH`)")
	inBlock := false
	for _, line := range strings.Split(section, "\n") {
		switch {
		case strings.HasPrefix(line, "```"):
			inBlock = !inBlock
		case inBlock && strings.HasPrefix(line, "kubectl "):
			commands = append(commands, line)
		case row.MatchString(line):
			m := row.FindStringSubmatch(line)
			tools[m[1]] = cmpOr(m[2], "PATH")
		}
	}
	// Whole commands in the prose, not mentions such as `kubectl exec`.
	for _, m := range regexp.MustCompile("`((?:kubectl|flux) [^`]+)`").FindAllStringSubmatch(section, -1) {
		if w := strings.Fields(m[1]); len(w) >= 4 {
			commands = append(commands, strings.Join(w, " "))
		}
	}
	return commands, tools
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// words splits a command line as the shell would, for the quoting used in
// the README (single quotes); a redirection ends the command.
func words(line string) []string {
	var out []string
	var cur strings.Builder
	quoted, in := false, false
	for _, c := range line {
		switch {
		case c == '\'':
			quoted, in = !quoted, true
		case c == ' ' && !quoted:
			if in {
				out = append(out, cur.String())
			}
			cur.Reset()
			in = false
		default:
			cur.WriteRune(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	if i := slices.Index(out, ">"); i >= 0 {
		out = out[:i]
	}
	return out
}

// cluster is what the commands run against: the defaults (dist/) and, for
// the ZooKeeper ensemble, the zookeeper scenario.
type cluster struct {
	objs testkit.Objects
}

func loadCluster(t *testing.T) cluster {
	var c cluster
	for _, dir := range []string{"dist", filepath.Join("snapshots", "zookeeper")} {
		for name, data := range testkit.Tree(t, dir) {
			if !strings.HasSuffix(name, ".k8s.yaml") || strings.HasPrefix(name, "environments/") {
				continue
			}
			objs, err := testkit.Parse([]byte(data))
			if err != nil {
				t.Fatalf("%s/%s: %v", dir, name, err)
			}
			c.objs = append(c.objs, objs...)
		}
	}
	return c
}

// templates are the pod templates of every workload.
func (c cluster) templates() []testkit.Object {
	var out []testkit.Object
	for _, o := range c.objs {
		path := map[string]string{"Deployment": "spec.template", "StatefulSet": "spec.template", "Job": "spec.template", "CronJob": "spec.jobTemplate.spec.template"}[o.Kind()]
		if v, ok := o.Get(path); path != "" && ok {
			out = append(out, testkit.Object(v.(map[string]any)))
		}
	}
	return out
}

// pod is the template of a StatefulSet pod by its name, <set>-<ordinal>.
func (c cluster) pod(t *testing.T, name string) testkit.Object {
	t.Helper()
	m := regexp.MustCompile(`^(.+)-(\d+)$`).FindStringSubmatch(name)
	if m == nil {
		t.Fatalf("%s is no StatefulSet pod", name)
	}
	set, ok := c.objs.Find("StatefulSet", m[1])
	ordinal, _ := strconv.Atoi(m[2])
	if !ok || set.Int("spec.replicas") <= ordinal {
		t.Fatalf("no pod %s: no StatefulSet %s with more than %d replicas", name, m[1], ordinal)
	}
	return testkit.Object(set.MustGet(t, "spec.template").(map[string]any))
}

// TestChartCommandsWork runs, against the synthesized objects, what each
// command of the README's mapping of the chart README relies on.
func TestChartCommandsWork(t *testing.T) {
	commands, tools := commandsOf(t)
	if len(commands) < 15 || len(tools) < 3 {
		t.Fatalf("%d commands and %d images read from the README section", len(commands), len(tools))
	}
	c := loadCluster(t)
	for _, line := range commands {
		t.Run(line, func(t *testing.T) {
			w := words(line)
			if w[0] == "flux" {
				c.checkFlux(t, w)
				return
			}
			if i := slices.Index(w, "-n"); (i < 0 || w[i+1] != "caracal") && w[1] != "delete" {
				t.Fatalf("not in the namespace caracal")
			}
			c.checkKubectl(t, w, tools)
		})
	}
}

// flag is the value of a flag, "" without it.
func flagOf(w []string, name string) string {
	if i := slices.Index(w, name); i >= 0 && i+1 < len(w) {
		return w[i+1]
	}
	return ""
}

// target is the first word after the verb that is no flag nor a flag's
// value, or "".
func target(w []string, from int) string {
	for i := from; i < len(w); i++ {
		switch {
		case w[i] == "--":
			return ""
		case strings.HasPrefix(w[i], "-"):
			if !slices.Contains([]string{"-w", "-f"}, w[i]) {
				i++ // a flag with a value
			}
		default:
			return w[i]
		}
	}
	return ""
}

func (c cluster) checkKubectl(t *testing.T, w []string, tools map[string]string) {
	switch verb := w[1]; verb {
	case "get":
		kind := map[string]string{"pods": "", "svc": "Service", "statefulsets": "StatefulSet", "jobs": "Job", "secret": "Secret"}[w[2]]
		switch {
		case w[2] == "pods":
			if len(c.templates()) == 0 {
				t.Error("no pods")
			}
		case kind == "Secret":
			c.checkSecretRead(t, w[3])
		case kind == "" || len(c.objs.OfKind(kind)) == 0:
			t.Errorf("no %s", w[2])
		}
	case "logs", "describe":
		if sel := flagOf(w, "-l"); sel != "" {
			c.checkSelector(t, sel)
		} else if name := target(w, 2); name != "pod" && !strings.HasPrefix(name, "<") {
			c.pod(t, name)
		}
	case "exec":
		c.checkExec(t, w, tools)
	case "port-forward":
		c.checkPortForward(t, target(w, 2), w[len(w)-1])
	case "delete":
		if _, ok := c.objs.Find("Namespace", w[3]); w[2] != "namespace" || !ok {
			t.Errorf("no %s %s", w[2], w[3])
		}
		c.checkUninstallKeepsData(t)
	default:
		t.Errorf("no check for kubectl %s", verb)
	}
}

// checkSelector: the chart's every-pod selector selects every pod; another
// selects some.
func (c cluster) checkSelector(t *testing.T, sel string) {
	k, v, _ := strings.Cut(sel, "=")
	n := 0
	for _, tpl := range c.templates() {
		if tpl.Str(`metadata.labels."`+k+`"`) == v {
			n++
		}
	}
	if n == 0 || k == "app.kubernetes.io/name" && n != len(c.templates()) {
		t.Errorf("%s selects %d of %d pods", sel, n, len(c.templates()))
	}
}

// checkSecretRead: the Secret is one the pods read.
func (c cluster) checkSecretRead(t *testing.T, name string) {
	for _, tpl := range c.templates() {
		for _, ctr := range append(tpl.List("spec.initContainers"), tpl.List("spec.containers")...) {
			for _, e := range ctr.List("env") {
				if e.Str("valueFrom.secretKeyRef.name") == name {
					return
				}
			}
		}
	}
	t.Errorf("no pod reads the Secret %s", name)
}

// checkExec: kubectl exec enters the pod's first container; its image
// keeps the tool where the command looks for it, and the command's flags
// name what the container is.
func (c cluster) checkExec(t *testing.T, w []string, tools map[string]string) {
	pod := c.pod(t, target(w, 2))
	ctr := pod.List("spec.containers")[0]
	repo, _, _ := strings.Cut(ctr.Str("image"), ":")
	where, ok := tools[repo]
	if !ok {
		t.Fatalf("the README's table says nothing of %s", repo)
	}
	cmd := w[slices.Index(w, "--")+1:]
	switch tool := cmd[0]; {
	case strings.HasPrefix(tool, "/"):
		if where == "PATH" || !strings.HasPrefix(tool, where) {
			t.Errorf("%s is not in %s, where %s keeps its tools", tool, where, repo)
		}
	case where != "PATH":
		t.Errorf("%s is not on PATH in %s: its tools are in %s", tool, repo, where)
	}
	env := map[string]string{}
	for _, e := range ctr.List("env") {
		env[e.Str("name")] = e.Str("value")
	}
	if s := flagOf(cmd, "--bootstrap-server"); s != "" {
		_, port, _ := strings.Cut(s, ":")
		c.checkContainerPort(t, ctr, port)
	}
	if u := flagOf(cmd, "-U"); u != "" && env["POSTGRES_USER"] != u {
		t.Errorf("-U %s, but the server's user is %q", u, env["POSTGRES_USER"])
	}
	if cmd[0] == "pg_dump" && env["POSTGRES_DB"] != cmd[len(cmd)-1] {
		t.Errorf("pg_dump %s, but the database is %q", cmd[len(cmd)-1], env["POSTGRES_DB"])
	}
}

func (c cluster) checkContainerPort(t *testing.T, ctr testkit.Object, port string) {
	for _, p := range ctr.List("ports") {
		if strconv.Itoa(p.Int("containerPort")) == port {
			return
		}
	}
	t.Errorf("container %s has no port %s", ctr.Str("name"), port)
}

// checkPortForward: a Service forwards to its port, a pod to a port of
// its first container.
func (c cluster) checkPortForward(t *testing.T, to, ports string) {
	_, port, _ := strings.Cut(ports, ":")
	if name, ok := strings.CutPrefix(to, "svc/"); ok {
		svc := c.objs.Must(t, "Service", name)
		for _, p := range svc.List("spec.ports") {
			if strconv.Itoa(p.Int("port")) == port {
				return
			}
		}
		t.Errorf("Service %s has no port %s", name, port)
		return
	}
	c.checkContainerPort(t, c.pod(t, to).List("spec.containers")[0], port)
}

// checkFlux: the Kustomization to delete is one of the stages, in the
// namespace named.
func (c cluster) checkFlux(t *testing.T, w []string) {
	name, ns := w[3], flagOf(w, "-n")
	for _, k := range c.objs.OfKind("Kustomization") {
		if k.Name() == name && k.Str("metadata.namespace") == ns {
			if k.Str("spec.prune") != "true" && k.MustGet(t, "spec.prune") != true {
				t.Errorf("%s does not prune", name)
			}
			c.checkUninstallKeepsData(t)
			return
		}
	}
	t.Errorf("no Kustomization %s in %s", name, ns)
}

// checkUninstallKeepsData: what an uninstall leaves, as the README says:
// the Namespace and the backups' claim are never pruned, the
// StatefulSets' claims are retained.
func (c cluster) checkUninstallKeepsData(t *testing.T) {
	for _, o := range []testkit.Object{c.objs.Must(t, "Namespace", "caracal"), c.objs.Must(t, "PersistentVolumeClaim", "caracal-postgres-backup")} {
		if o.Str(`metadata.annotations."argocd.argoproj.io/sync-options"`) != "Prune=false,Delete=false" ||
			o.Str(`metadata.annotations."kustomize.toolkit.fluxcd.io/prune"`) != "disabled" {
			t.Errorf("%s/%s may be pruned: %v", o.Kind(), o.Name(), o["metadata"])
		}
	}
	for _, s := range c.objs.OfKind("StatefulSet") {
		if s.Str("spec.persistentVolumeClaimRetentionPolicy.whenDeleted") != "Retain" {
			t.Errorf("StatefulSet %s deletes its claims", s.Name())
		}
	}
}
