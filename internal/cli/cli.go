// Package cli is the caracal-cdk8s command line: it parses flags, loads
// values, synthesizes and writes the output, and maps every failure to one
// clear message and an exit code.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	_ "caracal.dev/caracal-cdk8s/internal/jsiienv" // first: sets up jsii's environment
	"caracal.dev/caracal-cdk8s/internal/output"
	"caracal.dev/caracal-cdk8s/internal/synth"
	"caracal.dev/caracal-cdk8s/internal/values"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1 // anything but the user's input
	ExitInvalid = 2 // invalid flags or values
)

const usage = `caracal-cdk8s synthesizes Kubernetes manifests for Caracal Core v0.3.

Usage:
  caracal-cdk8s [synth] [flags]    write the manifests (the default command)
  caracal-cdk8s help               show this help

Flags of synth:
  -f, --values FILE     a values file, as for Helm; repeatable, later files
                        win and mappings merge deeply; - reads standard input
      --set KEY=VALUE   set one key after all files; repeatable; the value is
                        parsed by the key's type; several pairs may be
                        separated by commas (write a literal comma as \,);
                        lists as {a,b}
  -o, --out DIR         output directory (default: $CDK8S_OUTDIR, else dist);
                        replaced as a whole, atomically
  -h, --help            show this help

Exit status: 0 on success, 2 on invalid flags or values, 1 on any other
failure. Messages go to standard error.
`

// Main runs the command line and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	cmd := "synth"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "synth":
		return runSynth(args, stdout, stderr)
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
	files, sets listFlag
	out         string
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
	v, err := values.Load(o.files, o.sets)
	if err != nil {
		return report(stderr, err)
	}
	files, err := synth.Synthesize(v)
	if err != nil {
		return report(stderr, err)
	}
	out := make([]output.File, len(files))
	for i, f := range files {
		out[i] = output.File{Name: f.Name, Data: f.Data}
	}
	if err := output.Write(o.out, out); err != nil {
		return report(stderr, err)
	}
	summarize(stderr, o.out, files)
	return ExitOK
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
