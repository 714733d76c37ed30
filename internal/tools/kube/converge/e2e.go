package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
)

// e2eCmd applies each output to a real API server, alone: no controller
// runs, so objects are validated, admitted and stored, and nothing else.
// It proves what the API server accepts, and that each output upgrades in
// place over its previous committed version.
func e2eCmd(args []string) error {
	fs := flag.NewFlagSet("e2e", flag.ContinueOnError)
	bin := binaryFlags(fs)
	crds := fs.String("crds", "", "directory of CRDs to apply before the output (optional)")
	broken := fs.String("broken", "testdata/broken", "deliberately broken manifests for the self-test")
	upgrade := fs.Bool("upgrade", true, "apply the previous committed version of each directory first")
	parallel := fs.Int("parallel", 2, "checks run at once, each on a server of its own")
	caracal := fs.String("caracal", "", "the caracal-cdk8s binary: check its diff --cluster against an API server with -diff-dir applied (optional)")
	diffDir := fs.String("diff-dir", "dist", "the output (the defaults' synthesis) that diff --cluster is checked against")
	if err := fs.Parse(args); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "caracal-e2e-")
	if err != nil {
		return err
	}
	// Every check has a server of its own, so they run side by side; each
	// reports into a buffer, printed in order.
	var checks []func(r *runner) error
	checks = append(checks, func(r *runner) error {
		if err := r.selfTest(*broken); err != nil {
			return fmt.Errorf("self-test: %w", err)
		}
		return nil
	})
	for _, dir := range fs.Args() {
		checks = append(checks, func(r *runner) error {
			if _, err := readOutput(dir); err != nil {
				return err
			}
			if err := r.scenario(dir, *upgrade); err != nil {
				return fmt.Errorf("%s: %v", dir, err)
			}
			return nil
		})
	}
	if *caracal != "" {
		checks = append(checks, func(r *runner) error { return r.diffCheck(*caracal, *diffDir) })
	}
	runners := make([]*runner, len(checks))
	reports := make([]*bytes.Buffer, len(checks))
	for i := range runners {
		reports[i] = &bytes.Buffer{}
		runners[i] = &runner{bin: *bin, tmp: filepath.Join(tmp, fmt.Sprintf("check-%d", i)), crds: *crds, out: reports[i]}
	}
	// Stop the servers on an interrupt too, not only on return.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		for _, r := range runners {
			r.stop()
		}
		os.RemoveAll(tmp)
		fmt.Fprintln(os.Stderr, "converge e2e: interrupted; servers stopped")
		os.Exit(130)
	}()
	errs := make([]error, len(checks))
	done := make([]chan struct{}, len(checks))
	slots := make(chan struct{}, max(*parallel, 1))
	for i, check := range checks {
		done[i] = make(chan struct{})
		go func() {
			defer close(done[i])
			slots <- struct{}{}
			defer func() { <-slots }()
			r := runners[i]
			defer r.stop()
			errs[i] = check(r)
		}()
	}
	var failed []string
	for i := range checks {
		<-done[i]
		os.Stdout.Write(reports[i].Bytes())
		if errs[i] != nil {
			failed = append(failed, errs[i].Error())
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%s\n(server logs in %s)", strings.Join(failed, "\n"), tmp)
	}
	os.RemoveAll(tmp)
	return nil
}

type runner struct {
	bin  binaries
	tmp  string
	crds string
	n    int       // of the last cluster, which names its folder
	out  io.Writer // the report

	mu      sync.Mutex // current is stopped by a signal too
	current *cluster
}

// fresh starts a new cluster for one scenario, so scenarios never see
// each other's objects.
func (r *runner) fresh() error {
	r.stop()
	r.n++
	dir := filepath.Join(r.tmp, fmt.Sprintf("cluster-%d", r.n))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	c, err := startCluster(r.bin, dir, false)
	r.mu.Lock()
	r.current = c
	r.mu.Unlock()
	return err
}

func (r *runner) stop() {
	r.mu.Lock()
	c := r.current
	r.current = nil
	r.mu.Unlock()
	if c != nil {
		c.stop()
	}
}

// kubectl runs kubectl against the current cluster.
func (r *runner) kubectl(args ...string) (string, error) {
	out, err := r.current.kubectl(args...)
	return strings.TrimSpace(out), err
}

// scenario applies one output directory: its namespaces (enforcing Pod
// Security "restricted"), the CRDs, its previous committed version, then a
// server-side dry run, a real apply and a server-side apply dry run, with
// every warning an error.
func (r *runner) scenario(dir string, upgrade bool) error {
	if err := r.fresh(); err != nil {
		return err
	}
	from := ""
	if upgrade {
		prev, note, err := r.previous(dir)
		if err != nil {
			return err
		}
		from = prev
		defer fmt.Fprint(r.out, note)
	}
	if err := r.applyAll(dir, from); err != nil {
		return err
	}
	if err := r.checkEnforced(dir); err != nil {
		return err
	}
	o, err := readOutput(dir)
	if err != nil {
		return err
	}
	if err := r.checkStored(o); err != nil {
		return err
	}
	fmt.Fprintf(r.out, "ok   %s: %d objects pass a server-side dry run, apply, and a server-side apply, in a namespace enforcing Pod Security restricted, and are stored with every field they set\n", dir, len(o.objects))
	return nil
}

// previous writes the output's previous committed version, if any, and
// returns its directory ("" if none) and the line that says which one was
// applied, or why none was.
func (r *runner) previous(dir string) (from, note string, err error) {
	prev := filepath.Join(r.current.dir, "baseline")
	commit, err := baseline(dir, prev)
	if err != nil {
		return "", "", err
	}
	if commit != "" {
		return prev, fmt.Sprintf("     %s was applied over its version of commit %.12s\n", dir, commit), nil
	}
	// Say so, so that a skipped upgrade check is never mistaken for a passed one.
	return "", fmt.Sprintf("     %s: no earlier committed version to upgrade from (new, shallow clone or barrier)\n", dir), nil
}

// applyAll prepares the cluster, applies the previous version (from, if
// not "") and then the output, dry runs around a real apply.
func (r *runner) applyAll(dir, from string) error {
	// The previous version may use a namespace the current one no longer does.
	prepared := []string{dir}
	if from != "" {
		prepared = append(prepared, from)
	}
	if err := r.prepare(prepared...); err != nil {
		return err
	}
	if from != "" {
		if out, err := r.kubectl(append([]string{"apply", "--validate=strict"}, source(from)...)...); err != nil {
			return fmt.Errorf("the previous version does not apply any more:\n%s", condense(out))
		}
	}
	steps := []struct {
		what string
		args []string
	}{
		{"server-side dry run", append([]string{"apply", "--dry-run=server", "--validate=strict", "--warnings-as-errors"}, source(dir)...)},
		{"apply", append([]string{"apply", "--validate=strict", "--warnings-as-errors"}, source(dir)...)},
		{"server-side apply dry run (as Flux)", append([]string{"apply", "--server-side", "--force-conflicts", "--field-manager=flux", "--dry-run=server", "--validate=strict", "--warnings-as-errors"}, source(dir)...)},
	}
	for _, s := range steps {
		out, err := r.kubectl(s.args...)
		if err != nil {
			if from != "" && immutable(out) {
				return fmt.Errorf("%s: the change cannot be applied in place over the previous version; it changes a field Kubernetes does not allow to change (a selector, a serviceName, a volumeClaimTemplate), so Argo CD or Flux would fail to sync:\n%s", s.what, condense(out))
			}
			return fmt.Errorf("%s:\n%s", s.what, condense(out))
		}
	}
	return nil
}

// checkEnforced: the output may bring its own Namespace: after the apply
// it must still enforce restricted, or the checks above proved nothing.
func (r *runner) checkEnforced(dir string) error {
	namespaces, err := namespacesOf(dir)
	if err != nil {
		return err
	}
	for _, ns := range namespaces {
		out, err := r.kubectl("get", "namespace", ns, "-o", `jsonpath={.metadata.labels.pod-security\.kubernetes\.io/enforce}`)
		if err != nil || out != "restricted" {
			return fmt.Errorf("namespace %s does not enforce Pod Security restricted after the apply (%q)", ns, out)
		}
	}
	return nil
}

var invalidLine = regexp.MustCompile(`(?m)(\S+ "[^"]+" is invalid: [^\n]*|^Warning: [^\n]*|^error: [^\n]*)`)

// condense keeps kubectl's findings and drops the patches it prints with
// them, which can run to many kilobytes per object.
func condense(out string) string {
	found := invalidLine.FindAllString(out, -1)
	if len(found) == 0 {
		if len(out) > 4000 {
			return out[:4000] + "\n..."
		}
		return out
	}
	return strings.Join(found, "\n")
}

func immutable(out string) bool {
	return strings.Contains(out, "field is immutable") || strings.Contains(out, "Forbidden: updates to statefulset spec")
}

// prepare creates every namespace the output uses, labelled to enforce
// Pod Security "restricted", with its default ServiceAccount (no
// controller runs to create it), then the CRDs.
func (r *runner) prepare(dirs ...string) error {
	if err := r.prepareNamespaces(dirs...); err != nil {
		return err
	}
	return r.applyCRDs()
}

// prepareNamespaces is prepare without the CRDs.
func (r *runner) prepareNamespaces(dirs ...string) error {
	namespaces := map[string]bool{}
	for _, dir := range dirs {
		ns, err := namespacesOf(dir)
		if err != nil {
			return err
		}
		for _, n := range ns {
			namespaces[n] = true
		}
	}
	var b strings.Builder
	for _, ns := range sortedKeys(namespaces) {
		fmt.Fprintf(&b, `apiVersion: v1
kind: Namespace
metadata:
  name: %[1]s
  labels:
    pod-security.kubernetes.io/enforce: restricted
    pod-security.kubernetes.io/enforce-version: latest
    pod-security.kubernetes.io/warn: restricted
    pod-security.kubernetes.io/audit: restricted
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: default
  namespace: %[1]s
---
`, ns)
	}
	prep := filepath.Join(r.current.dir, "namespaces.yaml")
	if err := os.WriteFile(prep, []byte(b.String()), 0o644); err != nil {
		return err
	}
	if out, err := r.kubectl("apply", "-f", prep); err != nil {
		return fmt.Errorf("creating the namespaces: %s", out)
	}
	return nil
}

// applyCRDs applies the CRDs, if any, and waits until they are served.
func (r *runner) applyCRDs() error {
	if r.crds != "" {
		if out, err := r.kubectl("apply", "--validate=strict", "--warnings-as-errors", "-f", r.crds); err != nil {
			return fmt.Errorf("applying the CRDs: %s", out)
		}
		if out, err := r.kubectl("wait", "--for=condition=Established", "--timeout=60s", "crd", "--all"); err != nil {
			return fmt.Errorf("waiting for the CRDs: %s", out)
		}
	}
	return nil
}

// selfTest shows that the API server catches what it is there for: a Pod
// Security violation, an invalid object and a change to an immutable field.
func (r *runner) selfTest(dir string) error {
	if err := r.fresh(); err != nil {
		return err
	}
	if err := r.prepare(filepath.Join(dir, "pod-security.yaml"), filepath.Join(dir, "dropped-field.yaml"), filepath.Join(dir, "upgrade", "before")); err != nil {
		return err
	}
	checks := []struct{ file, want string }{
		{"pod-security.yaml", `violate PodSecurity "restricted:latest"`},
		{"invalid-hpa.yaml", "must be greater than or equal to `minReplicas`"},
	}
	for _, c := range checks {
		out, err := r.kubectl("apply", "--dry-run=server", "--validate=strict", "--warnings-as-errors", "-f", filepath.Join(dir, c.file))
		if err == nil || !strings.Contains(out, c.want) {
			return fmt.Errorf("%s was not refused with %q:\n%s", c.file, c.want, out)
		}
	}
	if err := r.selfTestDropped(filepath.Join(dir, "dropped-field.yaml")); err != nil {
		return err
	}
	if out, err := r.kubectl("apply", "--validate=strict", "-f", filepath.Join(dir, "upgrade", "before")); err != nil {
		return fmt.Errorf("upgrade/before: %s", out)
	}
	out, err := r.kubectl("apply", "--validate=strict", "-f", filepath.Join(dir, "upgrade", "after"))
	if err == nil || !immutable(out) {
		return fmt.Errorf("a changed StatefulSet selector was not refused as immutable:\n%s", out)
	}
	fmt.Fprintln(r.out, "ok   self-test: the API server refuses a Pod Security violation, an invalid HPA and a changed selector; a field it drops is noticed")
	return nil
}

// namespacesOf lists the namespaces of the objects in path, a file or a
// directory of YAML files.
func namespacesOf(path string) ([]string, error) {
	files := []string{path}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		files, _ = filepath.Glob(filepath.Join(path, "*.yaml"))
	}
	set := map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		objs, err := parseManifests(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for _, u := range objs {
			if ns := u.GetNamespace(); ns != "" {
				set[ns] = true
			}
		}
	}
	return sortedKeys(set), nil
}

// source is how kubectl reads a directory: as a kustomization when it has
// one (as Flux and Argo CD do), else file by file.
func source(dir string) []string {
	if _, err := os.Stat(filepath.Join(dir, kustomizationFile)); err == nil {
		return []string{"-k", dir}
	}
	return []string{"-f", dir}
}
