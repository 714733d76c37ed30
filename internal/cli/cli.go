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
                        its files are replaced as a whole, atomically, and
                        only if this program wrote them all; its
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
	if !strings.HasPrefix(args[0], "-") {
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
		o.out = defaultOut()
	}
	return o, ExitOK
}

// defaultOut is the output directory when --out is not given.
func defaultOut() string {
	if out := os.Getenv("CDK8S_OUTDIR"); out != "" {
		return out
	}
	return "dist"
}

func runSynth(args []string, stdout, stderr io.Writer) int {
	o, code := parseSynth(args, stderr)
	if o == nil {
		return code
	}
	if o.environments != "" {
		return runEnvironments(o, stderr)
	}
	if code := checkOut(stderr, o.out, o.files); code != ExitOK {
		return code
	}
	v, err := values.Load(o.files, o.sets)
	if err != nil {
		return report(stderr, err)
	}
	files, err := synth.Synthesize(v)
	if err != nil {
		return report(stderr, err)
	}
	return write(stderr, o.out, true, []result{{dir: o.out, files: files}})
}

// runApp is the program run with no arguments, as cdk8s synth runs it
// (cdk8s.yaml): the defaults into $CDK8S_OUTDIR (or dist), and, when the
// folder environments/ exists, each environment into <out>/environments,
// which the cdk8s CLI would otherwise leave deleted. Everything is
// validated and synthesized first, then written in one step: a bad
// environment leaves the defaults unwritten too.
func runApp(stderr io.Writer) int {
	out := defaultOut()
	v, err := values.Load(nil, nil)
	if err != nil {
		return report(stderr, err)
	}
	files, err := synth.Synthesize(v)
	if err != nil {
		return report(stderr, err)
	}
	results := []result{{dir: out, files: files}}
	if _, err := os.Stat(defaultEnvironments); err == nil {
		if code := checkOut(stderr, out, []string{defaultEnvironments}); code != ExitOK {
			return code
		}
		envs, err := synthEnvironments(defaultEnvironments, nil, nil, filepath.Join(out, "environments"), "environments/")
		if err != nil {
			return report(stderr, err)
		}
		results = append(results, envs...)
	}
	// Keeping the subdirectories keeps other outputs; environments/ is
	// among the new files, so the old one is replaced as a whole.
	return write(stderr, out, true, results)
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
	if code := checkOut(stderr, o.out, append([]string{o.environments}, o.files...)); code != ExitOK {
		return code
	}
	results, err := synthEnvironments(o.environments, o.files, o.sets, o.out, "")
	if err != nil {
		return report(stderr, err)
	}
	return write(stderr, o.out, false, results)
}

// result is one synthesized output: its files go to prefix within the
// directory written, which is dir.
type result struct {
	dir, prefix string
	files       []synth.File
}

// synthEnvironments loads, validates and synthesizes every environment of
// dir, layered over files and sets, into results under out (for the
// summaries) and prefix (for the files).
func synthEnvironments(dir string, files, sets []string, out, prefix string) ([]result, error) {
	envs, err := environments(dir)
	if err != nil {
		return nil, err
	}
	// The -f files are read once: standard input cannot be read twice.
	common, err := values.Read(files)
	if err != nil {
		return nil, err
	}
	loaded := make([]*values.Values, len(envs))
	var probs []values.Problem
	seen := map[values.Problem]bool{}
	for i, env := range envs {
		own, err := values.Read([]string{env.file})
		if err != nil {
			return nil, err
		}
		// Each environment's Flux stages read their own folder; the
		// environment's values may name another.
		layers := append([]values.Source{values.EnvironmentDefaults(env.name)}, common...)
		v, err := values.Parse(append(layers, own...), sets)
		var verr *values.Error
		switch {
		case errors.As(err, &verr):
			// A problem of the shared -f files or --set comes up in every
			// environment: report it once. The shared layers are not
			// validated alone, as an environment may complete them.
			for _, p := range verr.Problems {
				if !seen[p] {
					seen[p] = true
					probs = append(probs, p)
				}
			}
		case err != nil:
			return nil, err
		}
		loaded[i] = v
	}
	if len(probs) > 0 {
		return nil, &values.Error{Problems: probs}
	}
	results := make([]result, len(envs))
	for i, env := range envs {
		files, err := synth.Synthesize(loaded[i])
		if err != nil {
			return nil, fmt.Errorf("environment %s: %w", env.name, err)
		}
		results[i] = result{dir: filepath.Join(out, env.name), prefix: prefix + env.name + "/", files: files}
	}
	return results, nil
}

// write writes the results into dir in one step, then summarizes them.
func write(stderr io.Writer, dir string, keepSubdirs bool, results []result) int {
	var files []output.File
	for _, r := range results {
		for _, f := range r.files {
			files = append(files, output.File{Name: r.prefix + f.Name, Data: f.Data})
		}
	}
	warning, err := output.Write(dir, files, keepSubdirs, synth.Dirs...)
	if err != nil {
		return report(stderr, err)
	}
	for _, r := range results {
		summarize(stderr, r.dir, r.files)
	}
	if warning != nil {
		// The output is written; only the old copy is left over.
		fmt.Fprintf(stderr, "warning: %v\n", warning)
	}
	return ExitOK
}

// checkOut refuses an output directory that is, or holds, one of the
// inputs: it is replaced as a whole, and would take them with it.
func checkOut(stderr io.Writer, out string, inputs []string) int {
	abs, err := resolve(out)
	if err != nil {
		return ExitOK // it does not exist, so it holds nothing
	}
	for _, in := range inputs {
		if in == "-" {
			continue
		}
		p, err := resolve(in)
		if err != nil {
			continue // a missing input is reported when it is read
		}
		if rel, err := filepath.Rel(abs, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			fmt.Fprintf(stderr, "error: the output directory %s is or holds the input %s, which writing would delete; choose another --out\nNothing was written.\n", out, in)
			return ExitInvalid
		}
	}
	return ExitOK
}

// resolve makes an existing path absolute, through symbolic links.
func resolve(path string) (string, error) {
	p, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", err
	}
	return filepath.Abs(p)
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
