// Package cli is the caracal-cdk8s command line: it parses flags, loads
// values, synthesizes and writes the output, and maps every failure to one
// clear message and an exit code.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"caracal.dev/caracal-cdk8s/internal/diff"
	_ "caracal.dev/caracal-cdk8s/internal/jsiienv" // first: sets up jsii's environment
	"caracal.dev/caracal-cdk8s/internal/output"
	"caracal.dev/caracal-cdk8s/internal/synth"
	"caracal.dev/caracal-cdk8s/internal/values"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1 // anything but the user's input
	ExitInvalid = 2 // invalid flags or values
)

const usage = `caracal-cdk8s synthesizes Kubernetes manifests for Caracal Core v0.3.

Usage:
  caracal-cdk8s                    synth the defaults into $CDK8S_OUTDIR (else
                                   dist), and environments/*.yaml into
                                   <that>/environments (what cdk8s synth runs)
  caracal-cdk8s [synth] [flags]    write the manifests
  caracal-cdk8s diff [flags]       show what synth would change in --out, as
                                   a structural diff, and write nothing
  caracal-cdk8s schema             print the JSON Schema of the values
  caracal-cdk8s help               show this help

Flags of synth (diff takes -f, --set and --out):
  -f, --values FILE     a values file, as for Helm; repeatable, later files
                        win and mappings merge deeply; - reads standard input
      --set KEY=VALUE   set one key after all files; repeatable; the value is
                        parsed by the key's type; several pairs may be
                        separated by commas (write a literal comma as \,);
                        lists as {a,b}
  -o, --out DIR         output directory (default: $CDK8S_OUTDIR, else dist);
                        its files are replaced as a whole, atomically; its
                        subdirectories (other outputs) are kept
      --environments DIR
                        synthesize each DIR/<name>.yaml, layered over the
                        defaults (and -f files, and --set), into OUT/<name>/
                        in one run; OUT defaults to dist/environments and is
                        replaced as a whole
  -h, --help            show this help

Exit status: 0 on success, 2 on invalid flags or values, 1 on any other
failure. Messages go to standard error.
`

// Main runs the command line and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		return runApp(stderr)
	}
	cmd := "synth"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "synth":
		return runSynth(args, stdout, stderr)
	case "diff":
		return runDiff(args, stdout, stderr)
	case "schema":
		if len(args) > 0 {
			fmt.Fprintf(stderr, "error: schema takes no arguments\n")
			return ExitInvalid
		}
		stdout.Write(values.JSONSchema())
		return ExitOK
	case "help":
		fmt.Fprint(stdout, usage)
		return ExitOK
	default:
		fmt.Fprintf(stderr, "error: unknown command %q\n\n%s", cmd, usage)
		return ExitInvalid
	}
}

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

type synthOptions struct {
	files, sets  listFlag
	out          string
	environments string
}

func parseSynth(args []string, stderr io.Writer) (*synthOptions, int) {
	o := &synthOptions{}
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(&o.files, "f", "")
	fs.Var(&o.files, "values", "")
	fs.Var(&o.sets, "set", "")
	fs.StringVar(&o.out, "o", "", "")
	fs.StringVar(&o.out, "out", "", "")
	fs.StringVar(&o.environments, "environments", "", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stderr, usage)
			return nil, ExitOK
		}
		fmt.Fprintf(stderr, "error: %v\n\nRun caracal-cdk8s --help for the flags.\n", err)
		return nil, ExitInvalid
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "error: unexpected argument %q: values files are given with -f\n", fs.Arg(0))
		return nil, ExitInvalid
	}
	if o.out == "" && o.environments != "" {
		o.out = filepath.Join("dist", "environments")
	}
	if o.out == "" {
		o.out = os.Getenv("CDK8S_OUTDIR")
	}
	if o.out == "" {
		o.out = "dist"
	}
	return o, ExitOK
}

func runSynth(args []string, stdout, stderr io.Writer) int {
	o, code := parseSynth(args, stderr)
	if o == nil {
		return code
	}
	if o.environments != "" {
		return runEnvironments(o, stderr)
	}
	v, err := values.Load(o.files, o.sets)
	if err != nil {
		return report(stderr, err)
	}
	files, err := synth.Synthesize(v)
	if err != nil {
		return report(stderr, err)
	}
	if err := output.Write(o.out, outputFiles("", files), output.Options{KeepSubdirs: true}); err != nil {
		return report(stderr, err)
	}
	summarize(stderr, o.out, files)
	return ExitOK
}

// runApp is the program run with no arguments, as cdk8s synth runs it
// (cdk8s.yaml): the defaults into $CDK8S_OUTDIR (or dist), and, when the
// folder environments/ exists, each environment into <out>/environments,
// which the cdk8s CLI would otherwise leave deleted.
func runApp(stderr io.Writer) int {
	if code := runSynth(nil, nil, stderr); code != ExitOK {
		return code
	}
	if _, err := os.Stat(defaultEnvironments); err != nil {
		return ExitOK
	}
	o, _ := parseSynth(nil, stderr)
	return runEnvironments(&synthOptions{environments: defaultEnvironments, out: filepath.Join(o.out, "environments")}, stderr)
}

// defaultEnvironments is the folder of environments the app synthesizes
// when run with no arguments.
const defaultEnvironments = "environments"

// runDiff synthesizes in memory and compares with the output directory.
func runDiff(args []string, stdout, stderr io.Writer) int {
	o, code := parseSynth(args, stderr)
	if o == nil {
		return code
	}
	if o.environments != "" {
		fmt.Fprintln(stderr, "error: diff compares one output; run it per environment with -f environments/<name>.yaml --out dist/environments/<name>")
		return ExitInvalid
	}
	v, err := values.Load(o.files, o.sets)
	if err != nil {
		return report(stderr, err)
	}
	files, err := synth.Synthesize(v)
	if err != nil {
		return report(stderr, err)
	}
	current, err := readOutput(o.out)
	if err != nil {
		return report(stderr, err)
	}
	next := map[string][]byte{}
	for _, f := range files {
		next[f.Name] = f.Data
	}
	before, err := diff.Parse(current)
	if err != nil {
		return report(stderr, fmt.Errorf("reading %s: %w", o.out, err))
	}
	after, err := diff.Parse(next)
	if err != nil {
		return report(stderr, err)
	}
	diff.Write(stdout, diff.Compare(before, after))
	return ExitOK
}

// readOutput reads the YAML files of an output directory; a missing one
// reads as empty.
func readOutput(dir string) (map[string][]byte, error) {
	out := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out[e.Name()] = data
	}
	return out, nil
}

// runEnvironments synthesizes every environment in one process, and
// writes them all, or none when any of them is invalid.
func runEnvironments(o *synthOptions, stderr io.Writer) int {
	envs, err := environments(o.environments)
	if err != nil {
		return report(stderr, err)
	}
	// The -f files are read once: standard input cannot be read twice.
	common, err := values.Read(o.files)
	if err != nil {
		return report(stderr, err)
	}
	loaded := make([]*values.Values, len(envs))
	var probs []values.Problem
	for i, env := range envs {
		own, err := values.Read([]string{env.file})
		if err != nil {
			return report(stderr, err)
		}
		v, err := values.Parse(append(append([]values.Source{}, common...), own...), o.sets)
		var verr *values.Error
		switch {
		case errors.As(err, &verr):
			probs = append(probs, verr.Problems...)
		case err != nil:
			return report(stderr, err)
		}
		loaded[i] = v
	}
	if len(probs) > 0 {
		return report(stderr, &values.Error{Problems: probs})
	}
	var all []output.File
	synthesized := make([][]synth.File, len(envs))
	for i, env := range envs {
		files, err := synth.Synthesize(loaded[i])
		if err != nil {
			return report(stderr, fmt.Errorf("environment %s: %w", env.name, err))
		}
		synthesized[i] = files
		all = append(all, outputFiles(env.name+"/", files)...)
	}
	if err := output.Write(o.out, all); err != nil {
		return report(stderr, err)
	}
	for i, env := range envs {
		summarize(stderr, filepath.Join(o.out, env.name), synthesized[i])
	}
	return ExitOK
}

type environment struct{ name, file string }

// environments lists DIR/<name>.yaml, sorted by name.
func environments(dir string) ([]environment, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, &values.Error{Problems: []values.Problem{{Pos: values.Pos{File: dir}, Msg: "no environments: the folder holds no <name>.yaml files"}}}
	}
	sort.Strings(paths)
	var out []environment
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".yaml")
		if errs := validation.IsDNS1123Label(name); len(errs) > 0 {
			return nil, &values.Error{Problems: []values.Problem{{Pos: values.Pos{File: p}, Msg: fmt.Sprintf("%q is not a valid environment name (it names a folder): %s", name, errs[0])}}}
		}
		out = append(out, environment{name: name, file: p})
	}
	return out, nil
}

func outputFiles(prefix string, files []synth.File) []output.File {
	out := make([]output.File, len(files))
	for i, f := range files {
		out[i] = output.File{Name: prefix + f.Name, Data: f.Data}
	}
	return out
}

// maxProblems bounds the problems printed: the first ones matter, the
// rest are often consequences.
const maxProblems = 20

// report prints an error and returns its exit code: invalid values are the
// user's to fix (2), anything else is a failure (1).
func report(stderr io.Writer, err error) int {
	var verr *values.Error
	if errors.As(err, &verr) {
		for i, p := range verr.Problems {
			if i == maxProblems {
				fmt.Fprintf(stderr, "... and %d more\n", len(verr.Problems)-maxProblems)
				break
			}
			fmt.Fprintf(stderr, "error: %s\n", p)
		}
		n := len(verr.Problems)
		fmt.Fprintf(stderr, "%d problem%s in the values; nothing was written.\n", n, plural(n))
		return ExitInvalid
	}
	fmt.Fprintf(stderr, "error: %v\nNothing was written.\n", err)
	return ExitFailure
}

func summarize(w io.Writer, dir string, files []synth.File) {
	var kinds []string
	total := 0
	for _, k := range synth.Kinds(files) {
		kinds = append(kinds, fmt.Sprintf("%s %d", k.Kind, k.Count))
		total += k.Count
	}
	fmt.Fprintf(w, "wrote %d object%s in %d file%s to %s: %s\n", total, plural(total), len(files), plural(len(files)), dir, strings.Join(kinds, ", "))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
