package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// kubeScoreIgnored is the one place that lists the kube-score checks this
// project does not pass, each with its reason. Every other check must
// report no CRITICAL.
var kubeScoreIgnored = []struct{ check, reason string }{
	// None: every check passes.
}

// kubeScoreOptional are optional checks turned on because the output
// meets them.
var kubeScoreOptional = []string{"container-seccomp-profile"}

type validator struct {
	kubeconform, kubeScore string
	// schemas are directories of JSON schemas, one Kubernetes version
	// each: every output must validate against every one.
	schemas     []string
	kubeVersion string // for kube-score, as vN.NN
}

// dirList is a flag that may be given more than once.
type dirList []string

func (d *dirList) String() string { return strings.Join(*d, ",") }

func (d *dirList) Set(v string) error {
	*d = append(*d, v)
	return nil
}

func validateCmd(args []string) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	var v validator
	fs.StringVar(&v.kubeconform, "kubeconform", "kubeconform", "kubeconform binary")
	fs.StringVar(&v.kubeScore, "kube-score", "kube-score", "kube-score binary")
	fs.Var((*dirList)(&v.schemas), "schemas", "directory of JSON schemas (from schemagen) of one Kubernetes version; repeat it for more versions")
	fs.StringVar(&v.kubeVersion, "kube-version", "v1.30", "Kubernetes version kube-score checks against (vN.NN)")
	broken := fs.String("broken", "testdata/broken", "deliberately broken manifests for the self-test")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if len(v.schemas) == 0 {
		return errors.New("no -schemas")
	}
	if err := v.selfTest(*broken); err != nil {
		return fmt.Errorf("self-test: %w", err)
	}
	var failed []string
	for _, dir := range fs.Args() {
		if err := v.check(dir); err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", dir, err))
			continue
		}
		fmt.Printf("ok   %s\n", dir)
	}
	if len(failed) > 0 {
		return errors.New(strings.Join(failed, "\n"))
	}
	return nil
}

// check validates one output directory (one scenario) with both tools.
func (v validator) check(dir string) error {
	files, err := manifestFiles(dir)
	if err != nil || len(files) == 0 {
		return fmt.Errorf("no manifests (%v)", err)
	}
	for _, schemas := range v.schemas {
		if out, err := v.conform(schemas, files...); err != nil {
			return fmt.Errorf("kubeconform, %s:\n%s", filepath.Base(schemas), out)
		}
	}
	criticals, out, err := v.score(files...)
	if err != nil {
		return fmt.Errorf("kube-score: %v\n%s", err, out)
	}
	if len(criticals) > 0 {
		return fmt.Errorf("kube-score CRITICAL:\n%s", strings.Join(criticals, "\n"))
	}
	return nil
}

func (v validator) conform(schemas string, files ...string) (string, error) {
	args := append([]string{"-strict", "-summary", "-schema-location", filepath.Join(schemas, "{{ .ResourceKind }}{{ .KindSuffix }}.json")}, files...)
	out, err := exec.Command(v.kubeconform, args...).CombinedOutput()
	return string(out), err
}

// score runs kube-score and returns its CRITICAL findings. kube-score
// exits 1 when it finds one; any other failure is an error.
func (v validator) score(files ...string) ([]string, string, error) {
	args := []string{"score", "--kubernetes-version", v.kubeVersion, "--output-format", "ci"}
	for _, c := range kubeScoreOptional {
		args = append(args, "--enable-optional-test", c)
	}
	for _, ig := range kubeScoreIgnored {
		args = append(args, "--ignore-test", ig.check)
	}
	cmd := exec.Command(v.kubeScore, append(args, files...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var criticals []string
	for _, line := range strings.Split(stdout.String(), "\n") {
		if strings.HasPrefix(line, "[CRITICAL]") {
			criticals = append(criticals, line)
		}
	}
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1 && len(criticals) > 0) {
		return nil, stderr.String(), err
	}
	return criticals, stdout.String(), nil
}

// selfTest shows that each layer catches what it is there for.
func (v validator) selfTest(dir string) error {
	for _, schemas := range v.schemas {
		out, err := v.conform(schemas, filepath.Join(dir, "unknown-field.yaml"))
		if err == nil || !strings.Contains(out, "additional properties 'replicaz' not allowed") {
			return fmt.Errorf("kubeconform did not reject an unknown field with %s:\n%s", filepath.Base(schemas), out)
		}
	}
	criticals, _, err := v.score(filepath.Join(dir, "missing-probe.yaml"))
	if err != nil {
		return err
	}
	if !strings.Contains(strings.Join(criticals, "\n"), "readinessProbe") {
		return fmt.Errorf("kube-score did not report a missing readiness probe: %v", criticals)
	}
	fmt.Printf("ok   self-test: kubeconform rejects an unknown field (%d Kubernetes versions), kube-score a missing probe\n", len(v.schemas))
	return nil
}

// manifestFiles lists the YAML files of a directory, without its
// kustomization.yaml, which is no Kubernetes object.
func manifestFiles(dir string) ([]string, error) {
	all, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	var files []string
	for _, f := range all {
		if filepath.Base(f) != "kustomization.yaml" {
			files = append(files, f)
		}
	}
	return files, err
}
