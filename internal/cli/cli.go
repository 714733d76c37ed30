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
	"syscall"
	"time"

	"caracal.dev/caracal-cdk8s/internal/clusterdiff"
	"caracal.dev/caracal-cdk8s/internal/diff"
	"caracal.dev/caracal-cdk8s/internal/jsiienv" // first: sets up jsii's environment
	"caracal.dev/caracal-cdk8s/internal/output"
	"caracal.dev/caracal-cdk8s/internal/synth"
	"caracal.dev/caracal-cdk8s/internal/timing"
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
  caracal-cdk8s diff --cluster [flags]
                                   show what a sync would change, create,
                                   prune or fail on in the cluster, by a
                                   server-side dry run; never writes to it
  caracal-cdk8s schema             print the JSON Schema of the values
  caracal-cdk8s help               show this help

Flags of synth (diff takes -f, --set and --out, or --cluster):
  -f, --values FILE     a values file, as for Helm; repeatable, later files
                        win and mappings merge deeply; - reads standard input
                        (a named pipe, device or socket is refused: pipe
                        into -f - instead)
      --set KEY=VALUE   set one key after all files; repeatable; the value is
                        parsed by the key's type; several pairs may be
                        separated by commas (write a literal comma as \,);
                        lists as {a,b}
  -o, --out DIR         output directory (default: $CDK8S_OUTDIR, else dist);
                        its files are replaced as a whole, atomically, and
                        only if this program wrote them all; its
                        subdirectories (other outputs) are kept; it must
                        not be, or hold, the current directory. A run waits
                        (up to 2 minutes) for another one writing into the
                        same folder, or into one inside or around it
      --environments DIR
                        synthesize each DIR/<name>.yaml, layered over the
                        defaults (and -f files, and --set), into OUT/<name>/
                        in one run; OUT defaults to dist/environments and is
                        replaced as a whole
      --jobs N          with --environments, synthesize in up to N worker
                        processes at once, each with a Node.js runtime of
                        its own (default: one per two CPUs); the output is
                        the same whatever N
  -h, --help            show this help

Flags of diff --cluster (with -f and --set; it only reads, and dry-runs a
server-side apply of each object: nothing is written to the cluster):
      --cluster         compare with the cluster instead of --out
      --kubeconfig FILE the kubeconfig (default: $KUBECONFIG, else
                        ~/.kube/config)
      --context NAME    the kubeconfig context (default: its current one)
      --field-manager NAME
                        the server-side apply field manager of the dry run
                        (default: caracal-cdk8s); give the syncing tool's
                        (Flux: kustomize-controller) to also see the fields
                        the output stopped setting
diff --cluster exits 0 when a sync would change nothing, 1 when it would
change, create, prune or fail on something, 2 on invalid flags or values,
3 when no diff could be made (kubeconfig, context, cluster unreachable,
permissions).

Exit status: 0 on success, 2 on invalid flags, values or inputs, 1 on any
other failure (a write error too, to standard output included), 130, 143
or 129 when SIGINT, SIGTERM or SIGHUP stopped the run, which then removes
its temporary files and says whether the output was written. Messages go
to standard error.
`

func init() {
	// A signal stops the write between two of its steps, and removes its
	// temporary folder.
	jsiienv.OnInterrupt(func() string {
		if output.Interrupt() {
			return "the new output had been written"
		}
		return "nothing was written"
	})
}

// Main runs the command line and returns the exit code. A failure to write
// to stdout or stderr is a failure of the command.
func Main(args []string, stdout, stderr io.Writer) int {
	out, errs := &errWriter{w: stdout}, &errWriter{w: stderr}
	code := dispatch(args, out, errs)
	if out.err != nil {
		fmt.Fprintf(errs, "error: cannot write to standard output: %v\n", unwrapPath(out.err))
		if code == ExitOK {
			code = ExitFailure
		}
	}
	if errs.err != nil && code == ExitOK {
		code = ExitFailure
	}
	return code
}

// errWriter keeps the first error of writing to w; nothing is written
// after it.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	e.err = err
	return n, err
}

// unwrapPath drops the path from *fs.PathError ("write /dev/stdout").
func unwrapPath(err error) error {
	var perr *fs.PathError
	if errors.As(err, &perr) {
		return perr.Err
	}
	return err
}

func dispatch(args []string, stdout, stderr io.Writer) int {
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
		return ExitOK // a write error is Main's
	case "help":
		fmt.Fprint(stdout, usage)
		return ExitOK
	case workerCommand:
		return runWorker(stderr)
	default:
		fmt.Fprintf(stderr, "error: unknown command %q\n\n%s", shownArg(cmd, nil), usage)
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
	jobs         jobsFlag       // synth only
	cluster      clusterOptions // diff only
}

// clusterOptions are the flags of diff --cluster.
type clusterOptions struct {
	enabled bool
	clusterdiff.Config
}

// parseSynth parses the flags of synth, or, with diff, of diff.
func parseSynth(args []string, stderr io.Writer, diff bool) (*synthOptions, int) {
	o := &synthOptions{}
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Var(&o.files, "f", "")
	fs.Var(&o.files, "values", "")
	fs.Var(&o.sets, "set", "")
	fs.StringVar(&o.out, "o", "", "")
	fs.StringVar(&o.out, "out", "", "")
	fs.StringVar(&o.environments, "environments", "", "")
	if !diff {
		fs.Var(&o.jobs, "jobs", "")
	} else {
		fs.BoolVar(&o.cluster.enabled, "cluster", false, "")
		fs.StringVar(&o.cluster.Kubeconfig, "kubeconfig", "", "")
		fs.StringVar(&o.cluster.Context, "context", "", "")
		fs.StringVar(&o.cluster.FieldManager, "field-manager", "", "")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stderr, usage)
			return nil, ExitOK
		}
		msg := err.Error()
		// The flag package quotes a malformed flag whole (---set=KEY=VALUE).
		if word, ok := strings.CutPrefix(msg, "bad flag syntax: "); ok {
			msg = "bad flag syntax: " + shownArg(word, o.sets)
		}
		fmt.Fprintf(stderr, "error: %s\n\nRun caracal-cdk8s --help for the flags.\n", msg)
		return nil, ExitInvalid
	}
	if fs.NArg() > 0 {
		// After --set KEY, the word is most likely KEY's value, maybe a
		// password: it is shown only as --set would show it.
		if n := len(o.sets); n > 0 && !strings.Contains(o.sets[n-1], "=") {
			fmt.Fprintf(stderr, "error: --set %s: --set takes KEY=VALUE as one argument\n", values.RedactSet(o.sets[n-1]+"="+fs.Arg(0)))
			return nil, ExitInvalid
		}
		fmt.Fprintf(stderr, "error: unexpected argument %q: values files are given with -f, and --set takes KEY=VALUE as one argument\n", shownArg(fs.Arg(0), o.sets))
		return nil, ExitInvalid
	}
	if code := checkClusterFlags(o, stderr); code != ExitOK {
		return nil, code
	}
	if o.out == "" && o.environments != "" {
		o.out = filepath.Join("dist", "environments")
	}
	if o.out == "" {
		o.out = defaultOut()
	}
	return o, ExitOK
}

// shownArg is how a word of the command line appears in a message: it
// may be a password. A KEY=VALUE word (or one naming a password) shows as
// --set would show it; any other word is hidden when a --set of the same
// command line holds a secret, as it may be the rest of its value, cut
// off at an unquoted space.
func shownArg(word string, sets []string) string {
	if strings.Contains(word, "=") || strings.Contains(word, "password") {
		return values.RedactSet(word)
	}
	for _, s := range sets {
		if values.RedactSet(s) != s {
			return values.Redacted
		}
	}
	return word
}

// defaultOut is the output directory when --out is not given.
func defaultOut() string {
	if out := os.Getenv("CDK8S_OUTDIR"); out != "" {
		return out
	}
	return "dist"
}

func runSynth(args []string, stdout, stderr io.Writer) int {
	o, code := parseSynth(args, stderr, false)
	if o == nil {
		return code
	}
	if o.environments != "" {
		return runEnvironments(o, stderr)
	}
	if code := checkOut(stderr, o.out, o.files); code != ExitOK {
		return code
	}
	if err := checkInputs(o.files, true); err != nil {
		return report(stderr, err)
	}
	t := time.Now()
	v, err := values.Load(o.files, o.sets)
	timing.Since("load the values", t)
	if err != nil {
		return report(stderr, err)
	}
	synth.Start() // while the app is composed
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
	if code := checkOut(stderr, out, nil); code != ExitOK {
		return code
	}
	v, err := values.Load(nil, nil)
	if err != nil {
		return report(stderr, err)
	}
	tasks := []task{{v: v}}
	if _, err := os.Stat(defaultEnvironments); err == nil {
		if code := checkOut(stderr, out, []string{defaultEnvironments}); code != ExitOK {
			return code
		}
		envs, err := loadEnvironments(defaultEnvironments, nil, nil)
		if err != nil {
			return report(stderr, err)
		}
		tasks = append(tasks, envs...)
	}
	// The defaults are synthesized with the environments, by the same
	// workers.
	files, err := synthesizeAll(tasks, 0, nil)
	if err != nil {
		return report(stderr, err)
	}
	results := append([]result{{dir: out, files: files[0]}}, environmentResults(tasks[1:], files[1:], filepath.Join(out, "environments"), "environments/")...)
	// Keeping the subdirectories keeps other outputs; environments/ is
	// among the new files, so the old one is replaced as a whole.
	return write(stderr, out, true, results)
}

// defaultEnvironments is the folder of environments the app synthesizes
// when run with no arguments.
const defaultEnvironments = "environments"

// runDiff synthesizes in memory and compares with the output directory,
// or with --cluster, with the cluster.
func runDiff(args []string, stdout, stderr io.Writer) int {
	o, code := parseSynth(args, stderr, true)
	if o == nil {
		return code
	}
	if o.environments != "" {
		fmt.Fprintln(stderr, "error: diff compares one output; run it per environment with -f environments/<name>.yaml --out dist/environments/<name>")
		return ExitInvalid
	}
	if o.cluster.enabled {
		return runClusterDiff(o, stdout, stderr)
	}
	if err := checkInputs(o.files, true); err != nil {
		return report(stderr, err)
	}
	v, err := values.Load(o.files, o.sets)
	if err != nil {
		return report(stderr, err)
	}
	synth.Start() // while the app is composed
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

// runEnvironments synthesizes every environment, and writes them all, or
// none when any of them is invalid or fails.
func runEnvironments(o *synthOptions, stderr io.Writer) int {
	if code := checkOut(stderr, o.out, append([]string{o.environments}, o.files...)); code != ExitOK {
		return code
	}
	if err := checkInputs(o.files, true); err != nil {
		return report(stderr, err)
	}
	tasks, err := loadEnvironments(o.environments, o.files, o.sets)
	if err != nil {
		return report(stderr, err)
	}
	// Each environment is written into the temporary folder of the write
	// as soon as it is rendered, while the next ones are made: the Go side
	// has time to spare then, and none once the last is made. The write
	// begins with the first: a failure to synthesize it is reported as it
	// was, before anything of the write's.
	var s *output.Staging
	files, err := synthesizeAll(tasks, int(o.jobs), func(i int, files []synth.File) error {
		t := time.Now()
		defer timing.Since("write the output", t)
		if s == nil {
			var err error
			if s, err = (output.Writer{Log: stderr}).Begin(o.out, false, synth.Dirs...); err != nil {
				return err
			}
		}
		return s.Add(environmentResults(tasks[i:i+1], [][]synth.File{files}, o.out, "")[0].outputFiles())
	})
	if err != nil {
		if s != nil {
			s.Abort()
		}
		return report(stderr, err)
	}
	t := time.Now()
	warning, err := s.Commit()
	timing.Since("write the output", t)
	return written(stderr, warning, err, environmentResults(tasks, files, o.out, ""))
}

// result is one synthesized output: its files go to prefix within the
// directory written, which is dir.
type result struct {
	dir, prefix string
	files       []synth.File
}

// loadEnvironments loads and validates every environment of dir, layered
// over files and sets: every problem is reported before anything is
// synthesized.
func loadEnvironments(dir string, files, sets []string) ([]task, error) {
	envs, err := environments(dir)
	if err != nil {
		return nil, err
	}
	// The -f files are read once: standard input cannot be read twice.
	common, err := values.Read(files)
	if err != nil {
		return nil, err
	}
	tasks := make([]task, len(envs))
	var probs []values.Problem
	seen := map[values.Problem]bool{}
	for i, env := range envs {
		own, err := values.Read([]string{env.file})
		if err != nil {
			return nil, err
		}
		// Each environment's Flux stages read their own folder; the
		// environment's values may name another.
		layers := append(append([]values.Source{values.EnvironmentDefaults(env.name)}, common...), own...)
		v, err := values.Parse(layers, sets)
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
		tasks[i] = task{env: env.name, v: v, item: workItem{Layers: layers, Sets: sets}}
	}
	if len(probs) > 0 {
		return nil, &values.Error{Problems: probs}
	}
	return tasks, nil
}

// environmentResults are the environments' files, under out (for the
// summaries) and prefix (for the files).
func environmentResults(tasks []task, files [][]synth.File, out, prefix string) []result {
	results := make([]result, len(tasks))
	for i, t := range tasks {
		results[i] = result{dir: filepath.Join(out, t.env), prefix: prefix + t.env + "/", files: files[i]}
	}
	return results
}

// write writes the results into dir in one step, then summarizes them.
func write(stderr io.Writer, dir string, keepSubdirs bool, results []result) int {
	var files []output.File
	for _, r := range results {
		files = append(files, r.outputFiles()...)
	}
	t := time.Now()
	warning, err := output.Writer{Log: stderr}.Write(dir, files, keepSubdirs, synth.Dirs...)
	timing.Since("write the output", t)
	return written(stderr, warning, err, results)
}

// outputFiles are the result's files, named within the directory written.
func (r result) outputFiles() []output.File {
	out := make([]output.File, len(r.files))
	for i, f := range r.files {
		out[i] = output.File{Name: r.prefix + f.Name, Data: f.Data}
	}
	return out
}

// written reports how the write of the results ended, and summarizes
// them if it succeeded.
func written(stderr io.Writer, warning, err error, results []result) int {
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

// checkOut refuses an output directory that is, or holds, the working
// directory or one of the inputs: it is replaced as a whole, and would take
// them with it.
func checkOut(stderr io.Writer, out string, inputs []string) int {
	if err := output.CheckNotInside(out); err != nil {
		fmt.Fprintf(stderr, "error: %v\nNothing was written.\n", err)
		return ExitInvalid
	}
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

// checkInputs refuses values files that are not regular files: reading a
// named pipe waits for a writer, for ever if there is none, and a device
// such as /dev/zero never ends. Standard input, -, stays allowed (and,
// with pipeHint, is suggested for a pipe); a missing file or a directory
// is reported when it is read.
func checkInputs(files []string, pipeHint bool) error {
	var probs []values.Problem
	for _, f := range files {
		if f == "-" {
			continue
		}
		what := special(f)
		if what == "" {
			continue
		}
		msg := "cannot read the values file: it is " + what + ", not a regular file"
		if pipeHint && what == pipe {
			msg += "; to read from a pipe, give it as standard input with -f -"
		}
		probs = append(probs, values.Problem{Pos: values.Pos{File: f}, Msg: msg})
	}
	if len(probs) > 0 {
		return &values.Error{Problems: probs}
	}
	return nil
}

const pipe = "a named pipe (FIFO)"

// special names what path is if it is a named pipe, a device, a socket or
// any other file that is neither a regular file nor a directory; else "".
func special(path string) string {
	st, err := os.Stat(path)
	if err != nil {
		return ""
	}
	switch m := st.Mode(); {
	case m.IsRegular(), m.IsDir():
		return ""
	case m&fs.ModeNamedPipe != 0:
		return pipe
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	default:
		return "a special file"
	}
}

type environment struct{ name, file string }

// environments lists DIR/<name>.yaml, sorted by name.
func environments(dir string) ([]environment, error) {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return nil, &values.Error{Problems: []values.Problem{{Pos: values.Pos{File: dir}, Msg: "cannot read the environments folder: it is not a folder"}}}
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	if err := checkInputs(paths, false); err != nil {
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
	if runtimeGone(err) {
		jsiienv.AwaitSignal(time.Second)
	}
	fmt.Fprintf(stderr, "error: %v\nNothing was written.\n", err)
	return ExitFailure
}

// runtimeGone reports whether err is a jsii call that failed because the
// Node.js runtime was gone, as it is when a signal sent to the whole
// process group (Ctrl-C) kills it before the program sees the signal. How
// the call fails depends on when the runtime died: its pipes were closed
// or broken when the call was written, its answer ended early or never
// came, or jsii had already stopped it. The runtime's own "exited
// abnormally" goes to standard error, never into an error.
func runtimeGone(err error) bool {
	if errors.Is(err, os.ErrClosed) || errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	// jsii's own errors, made with fmt.Errorf and nothing to match but
	// their words.
	for _, words := range []string{
		"no response received from child process",
		"this process has been closed",
	} {
		if strings.Contains(err.Error(), words) {
			return true
		}
	}
	return false
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
