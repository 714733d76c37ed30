package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
)

// diffCheck proves caracal-cdk8s diff --cluster against a real API
// server: dir is applied as a user would (kubectl apply, the Secrets of
// mode existing created by hand), then the real binary is run with
// values that change nothing, change a field, change an immutable field,
// change a Secret, need a kind the cluster does not serve, and with a
// bad context and an unreachable server; then with objects created out
// of band. Each run's exit status and report is checked; afterwards every
// object's resourceVersion must be what it was, and the API server's
// audit log must hold nothing but reads and dry runs from the diff.
func (r *runner) diffCheck(caracal, dir string) error {
	if err := r.fresh(); err != nil {
		return err
	}
	// No CRDs: ServiceMonitor stays a kind the cluster does not serve.
	if err := r.prepareNamespaces(dir); err != nil {
		return err
	}
	if out, err := r.kubectl(append([]string{"apply", "--validate=strict"}, source(dir)...)...); err != nil {
		return fmt.Errorf("applying %s: %s", dir, condense(out))
	}
	// The passwords of mode existing, made as the README says; the
	// marker must never show in a diff.
	oldPG, oldRedis := "old-pg-"+secretMarker, "old-redis-"+secretMarker
	if out, err := r.kubectl("create", "secret", "generic", "caracal-secrets", "--namespace", "caracal",
		"--from-literal=postgresql-password="+oldPG, "--from-literal=redis-password="+oldRedis); err != nil {
		return fmt.Errorf("creating the Secret: %s", out)
	}
	d := &diffRunner{out: r.out, bin: caracal, kubeconfig: r.current.diffKubeconfig, tmp: r.current.dir,
		secrets: []string{oldPG, oldRedis, "new-pg-" + secretMarker, "new-redis-" + secretMarker}}
	before, err := r.resourceVersions(dir)
	if err != nil {
		return err
	}
	var failed []string
	// Before the grant, the diff user may read nothing.
	if err := d.check(diffCase{name: "no permission", exit: -1, want: []string{"is forbidden: User \"caracal-diff\" cannot get resource", "diff --cluster needs get and list"}}); err != nil {
		failed = append(failed, err.Error())
	}
	if err := r.grantDiff(); err != nil {
		return err
	}
	for _, c := range diffCases(d) {
		if err := d.check(c); err != nil {
			failed = append(failed, err.Error())
		}
	}
	if err := r.sameVersions(dir, before); err != nil {
		failed = append(failed, err.Error())
	}
	if err := r.pruneCheck(d, dir); err != nil {
		failed = append(failed, err.Error())
	}
	if err := checkAudit(r.out, r.current.auditLog()); err != nil {
		failed = append(failed, err.Error())
	}
	if len(failed) > 0 {
		return fmt.Errorf("diff --cluster:\n%s", strings.Join(failed, "\n"))
	}
	fmt.Fprintf(r.out, "ok   diff --cluster against %s applied: no change (exit 0), a changed field, an immutable field, a Secret by key only, a kind not served, a stray object to prune (exit 1), no permission, a bad context and an unreachable server (exit 3); every resourceVersion unchanged, and the audit log holds only GET, LIST and dry-run PATCH requests\n", dir)
	return nil
}

// secretMarker is in every password the check gives: no output may show it.
const secretMarker = "s3cret-MARKER"

// diffCase is one run of diff --cluster and what it must print.
type diffCase struct {
	name   string
	args   []string
	exit   int      // exactly, or any above 1 when -1
	want   []string // in standard output (standard error for exit > 1)
	absent []string // in neither stream
}

func diffCases(d *diffRunner) []diffCase {
	inline := "secrets.mode=inline,postgresql.auth.password=" + d.secrets[2] + ",redis.auth.password=" + d.secrets[3]
	return []diffCase{
		{name: "the applied output", exit: 0, want: []string{"no changes: "}},
		{name: "a changed field", args: []string{"--set", "consumers.ledgerWriter.replicaCount=3"}, exit: 1,
			want: []string{"Would change:\n~ Deployment caracal/caracal-ledger-writer (consumers.k8s.yaml)\n    spec.replicas: 2 -> 3\n", "1 to change, 0 to create, 0 to prune, 0 would fail"}},
		{name: "an immutable field", args: []string{"--set", "postgresql.persistence.size=20Gi"}, exit: 1,
			want: []string{"Would fail:\n! StatefulSet caracal/caracal-postgres (postgres.k8s.yaml)\n    spec.volumeClaimTemplates[data].spec.resources.requests.storage: 10Gi -> 20Gi\n",
				"the API server refuses it: spec", "spec.volumeClaimTemplates cannot change in place",
				"kubectl delete statefulset caracal-postgres --namespace caracal --cascade=orphan", "0 to change, 0 to create, 0 to prune, 1 would fail"}},
		{name: "a changed Secret", args: []string{"--set", inline}, exit: 1,
			want: []string{"~ Secret caracal/caracal-secrets (secrets.k8s.yaml)\n", "    data.postgresql-password: <redacted> -> <redacted>\n", "    data.redis-password: <redacted> -> <redacted>\n"}},
		{name: "a kind the cluster does not serve", args: []string{"--set", "monitoring.enabled=true"}, exit: 1,
			want: []string{"Would create:\n+ ConfigMap caracal/caracal-dashboard (monitoring.k8s.yaml)\n",
				"! ServiceMonitor caracal/caracal-gateway (monitoring.k8s.yaml)\n    ServiceMonitor (monitoring.coreos.com/v1) is not served by the cluster"}},
		{name: "an unknown context", args: []string{"--context", "nope"}, exit: -1, want: []string{"error: kubeconfig: context \"nope\" does not exist\n"}},
		{name: "an unreachable server", args: []string{"--kubeconfig", d.unreachable()}, exit: -1, want: []string{"error: cannot reach the cluster"}},
	}
}

// diffRunner runs the caracal-cdk8s binary.
type diffRunner struct {
	out                  io.Writer // the report
	bin, kubeconfig, tmp string
	secrets              []string // passwords given or in the cluster
}

// unreachable writes a kubeconfig whose server refuses connections.
func (d *diffRunner) unreachable() string {
	data, _ := os.ReadFile(d.kubeconfig)
	p := filepath.Join(d.tmp, "kubeconfig-unreachable")
	var b strings.Builder
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "server:") {
			line = "    server: https://127.0.0.1:1"
		}
		b.WriteString(line + "\n")
	}
	os.WriteFile(p, []byte(b.String()), 0o600)
	return p
}

// run runs diff --cluster with the diff user's kubeconfig, unless args
// give another.
func (d *diffRunner) run(args ...string) (code int, stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	full := []string{"diff", "--cluster"}
	if !contains(args, "--kubeconfig") {
		full = append(full, "--kubeconfig", d.kubeconfig)
	}
	full = append(full, args...)
	cmd := exec.CommandContext(ctx, d.bin, full...)
	cmd.Dir = d.tmp
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String(), nil
	}
	return 0, out.String(), errb.String(), err
}

// check runs one case; its report is printed, as a sample of the output.
func (d *diffRunner) check(c diffCase) error {
	code, stdout, stderr, err := d.run(c.args...)
	if err != nil {
		return fmt.Errorf("%s: %v", c.name, err)
	}
	fmt.Fprintf(d.out, "     diff --cluster %s (%s): exit %d\n%s%s", strings.Join(c.args, " "), c.name, code, indent(stdout), indent(stderr))
	var problems []string
	if (c.exit >= 0 && code != c.exit) || (c.exit < 0 && code <= 1) {
		problems = append(problems, fmt.Sprintf("exit %d, want %s", code, exitWanted(c.exit)))
	}
	shown := stdout
	if c.exit < 0 {
		shown = stderr
		if stdout != "" || strings.Count(stderr, "error: ") != 1 || strings.Contains(stderr, "goroutine ") {
			problems = append(problems, "not one clean error message")
		}
	}
	for _, w := range c.want {
		if !strings.Contains(shown, w) {
			problems = append(problems, fmt.Sprintf("lacks %q", w))
		}
	}
	for _, a := range c.absent {
		if strings.Contains(stdout+stderr, a) {
			problems = append(problems, fmt.Sprintf("shows %q", a))
		}
	}
	if leaks := d.leaks(stdout + stderr); len(leaks) > 0 {
		problems = append(problems, fmt.Sprintf("shows the secret %q", leaks))
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", c.name, strings.Join(problems, "; "))
	}
	return nil
}

// leaks lists the passwords, plain or base64, that out shows.
func (d *diffRunner) leaks(out string) []string {
	var found []string
	for _, s := range append(d.secrets, secretMarker) {
		for _, form := range []string{s, base64.StdEncoding.EncodeToString([]byte(s))} {
			if strings.Contains(out, form) {
				found = append(found, form)
			}
		}
	}
	return found
}

func exitWanted(exit int) string {
	if exit < 0 {
		return "above 1"
	}
	return fmt.Sprint(exit)
}

func indent(s string) string {
	if s == "" {
		return ""
	}
	return "       | " + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n       | ") + "\n"
}

// pruneCheck creates objects out of band with the output's labels: one
// the sync would prune, one a controller would own (never pruned), one
// annotated to be kept; diff --cluster must list each where it belongs.
func (r *runner) pruneCheck(d *diffRunner, dir string) error {
	uid, err := r.kubectl("get", "deployment", "caracal-gateway", "--namespace", "caracal", "-o", "jsonpath={.metadata.uid}")
	if err != nil {
		return fmt.Errorf("prune: %s", uid)
	}
	labels := `{app.kubernetes.io/name: caracal, app.kubernetes.io/instance: caracal, app.kubernetes.io/part-of: caracal, app.kubernetes.io/managed-by: cdk8s, app.kubernetes.io/component: old}`
	stray := fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: caracal-stray, namespace: caracal, labels: %[1]s}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: caracal-owned
  namespace: caracal
  labels: %[1]s
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: caracal-gateway, uid: %[2]s}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: caracal-kept
  namespace: caracal
  labels: %[1]s
  annotations: {argocd.argoproj.io/sync-options: Prune=false}
`, labels, uid)
	path := filepath.Join(d.tmp, "stray.yaml")
	if err := os.WriteFile(path, []byte(stray), 0o644); err != nil {
		return err
	}
	if out, err := r.kubectl("create", "-f", path); err != nil {
		return fmt.Errorf("prune: %s", out)
	}
	before, err := r.resourceVersions(dir)
	if err != nil {
		return err
	}
	err = d.check(diffCase{name: "objects created out of band", exit: 1, want: []string{
		"Would prune (live, with the labels app.kubernetes.io/instance=caracal,app.kubernetes.io/managed-by=cdk8s,app.kubernetes.io/name=caracal,app.kubernetes.io/part-of=caracal, absent from the output):\n- ConfigMap caracal/caracal-stray\n\n",
		"Left in place (absent from the output, but annotated not to be pruned):\n= ConfigMap caracal/caracal-kept\n",
		"0 to change, 0 to create, 1 to prune, 0 would fail"}, absent: []string{"caracal-owned"}})
	if err == nil {
		err = r.sameVersions(dir, before)
	}
	return err
}

// grantDiff gives the diff user what diff --cluster needs, and no more:
// get and list, patch for the dry runs, and create for the dry runs of
// new objects (a server-side apply of an object that does not exist is
// authorized as a create, dry run or not). The audit log shows that
// nothing but dry runs is sent.
func (r *runner) grantDiff() error {
	out, err := r.kubectl("create", "clusterrole", diffUser, "--verb=get,list,patch,create", "--resource=*.*")
	if err == nil {
		out, err = r.kubectl("create", "clusterrolebinding", diffUser, "--clusterrole="+diffUser, "--user="+diffUser)
	}
	if err != nil {
		return fmt.Errorf("granting the diff user: %s", out)
	}
	return nil
}

// resourceVersions reads every object of every listable kind in the
// output's namespaces, and of the cluster-scoped kinds it uses: resource
// namespace/name to resourceVersion.
func (r *runner) resourceVersions(dir string) (map[string]string, error) {
	o, err := readOutput(dir)
	if err != nil {
		return nil, err
	}
	namespaces, clusterKinds := map[string]bool{}, map[string]bool{}
	for _, u := range o.objects {
		if ns := u.GetNamespace(); ns != "" {
			namespaces[ns] = true
		} else {
			clusterKinds[u.GetKind()] = true
		}
	}
	lists, err := r.current.client.Discovery().ServerPreferredResources()
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(r.current.config)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, l := range lists {
		gv, _ := schema.ParseGroupVersion(l.GroupVersion)
		for _, res := range l.APIResources {
			if !contains(res.Verbs, "list") || (!res.Namespaced && !clusterKinds[res.Kind]) {
				continue
			}
			scopes := sortedKeys(namespaces)
			if !res.Namespaced {
				scopes = []string{""}
			}
			for _, ns := range scopes {
				items, err := dyn.Resource(gv.WithResource(res.Name)).Namespace(ns).List(context.Background(), metav1.ListOptions{})
				if err != nil {
					return nil, fmt.Errorf("listing %s: %v", res.Name, err)
				}
				for _, u := range items.Items {
					out[res.Name+"."+gv.Group+" "+u.GetNamespace()+"/"+u.GetName()] = u.GetResourceVersion()
				}
			}
		}
	}
	return out, nil
}

// sameVersions fails unless every object is as it was.
func (r *runner) sameVersions(dir string, before map[string]string) error {
	after, err := r.resourceVersions(dir)
	if err != nil {
		return err
	}
	var changed []string
	for k, v := range before {
		if after[k] != v {
			changed = append(changed, fmt.Sprintf("%s: resourceVersion %s -> %q", k, v, after[k]))
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			changed = append(changed, k+": created")
		}
	}
	sort.Strings(changed)
	if len(changed) > 0 || len(before) == 0 {
		return fmt.Errorf("the cluster changed during diff --cluster (%d objects read):\n%s", len(before), strings.Join(changed, "\n"))
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// auditEvent is what the check reads of an audit log line.
type auditEvent struct {
	Verb       string `json:"verb"`
	RequestURI string `json:"requestURI"`
	User       struct {
		Username string `json:"username"`
	} `json:"user"`
}

// checkAudit fails on any request of the diff user but a read or a dry
// run (PATCH with dryRun=All), and when there were no dry runs at all.
func checkAudit(out io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	counts := map[string]int{}
	var bad []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e auditEvent
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return fmt.Errorf("audit log: %v", err)
		}
		if e.User.Username != diffUser {
			continue
		}
		kind := auditKind(e)
		counts[kind]++
		if kind == "other" {
			bad = append(bad, e.Verb+" "+e.RequestURI)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	fmt.Fprintf(out, "     audit log of the diff user: %d get, %d list, %d dry-run patch, %d other\n", counts["get"], counts["list"], counts["dry-run patch"], counts["other"])
	if len(bad) > 0 {
		if len(bad) > 10 {
			bad = append(bad[:10], fmt.Sprintf("... and %d more", len(bad)-10))
		}
		return fmt.Errorf("diff --cluster sent requests that may write:\n%s", strings.Join(bad, "\n"))
	}
	if counts["dry-run patch"] == 0 || counts["list"] == 0 {
		return fmt.Errorf("the audit log holds no dry run or no list of the diff user: the check proves nothing")
	}
	return nil
}

// auditKind sorts a request: get, list, dry-run patch, or other.
func auditKind(e auditEvent) string {
	switch e.Verb {
	case "get", "list":
		return e.Verb
	case "patch":
		u, err := url.Parse(e.RequestURI)
		if err == nil && contains(u.Query()["dryRun"], "All") {
			return "dry-run patch"
		}
	}
	return "other"
}
