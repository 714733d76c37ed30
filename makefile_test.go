package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// passReuse runs one stage of make test (timed-<stage>) of this
// checkout's Makefile in a clone of the repository, with a tool cache of
// its own. The stage is a probe, read through MAKEFILES (which sub-makes
// inherit): it counts its runs and exits with the status in a file, both
// outside the clone and the cache, so that neither is one of its inputs.
type passReuse struct {
	t                       *testing.T
	repo, cache, runs, exit string
}

func newPassReuse(t *testing.T) *passReuse {
	t.Helper()
	dir := t.TempDir()
	p := &passReuse{t: t, repo: filepath.Join(dir, "repo"), cache: filepath.Join(dir, "cache"),
		runs: filepath.Join(dir, "runs"), exit: filepath.Join(dir, "exit")}
	p.git(".", "clone", "--quiet", "--shared", ".", p.repo)
	makefile, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	p.write("Makefile", string(makefile))
	p.git(p.repo, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "--quiet", "--allow-empty", "-am", "the Makefile under test")
	// make -n probe, one of the stage's inputs, prints PROBE_FLAG.
	probe := "probe:\n\t@echo ran $(PROBE_FLAG) >> " + p.runs + "; exit $$(cat " + p.exit + ")\n"
	if err := os.WriteFile(filepath.Join(dir, "probe.mk"), []byte(probe), 0o644); err != nil {
		t.Fatal(err)
	}
	p.setExit(0)
	return p
}

func (p *passReuse) git(dir string, args ...string) {
	p.t.Helper()
	if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
		p.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// write writes a file of the clone, or of the cache for a path under it.
func (p *passReuse) write(path, content string) {
	p.t.Helper()
	if !filepath.IsAbs(path) {
		path = filepath.Join(p.repo, path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func (p *passReuse) setExit(status int) {
	p.t.Helper()
	if err := os.WriteFile(p.exit, []byte{byte('0' + status), '\n'}, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

func (p *passReuse) runCount() int {
	data, err := os.ReadFile(p.runs)
	if os.IsNotExist(err) {
		return 0
	} else if err != nil {
		p.t.Fatal(err)
	}
	return strings.Count(string(data), "\n")
}

// make is make in the clone, with its cache, reading the probe.
func (p *passReuse) make(args ...string) *exec.Cmd {
	cmd := exec.Command("make", append([]string{"--no-print-directory", "-C", p.repo, "CACHE=" + p.cache}, args...)...)
	// Not the make flags of a make that runs this test (its jobserver).
	cmd.Env = []string{"MAKEFILES=" + filepath.Join(filepath.Dir(p.repo), "probe.mk")}
	for _, e := range os.Environ() {
		switch strings.SplitN(e, "=", 2)[0] {
		case "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEFILES", "RERUN":
		default:
			cmd.Env = append(cmd.Env, e)
		}
	}
	return cmd
}

// stage runs the probe's stage as make test does, and says whether the
// probe ran and whether the stage passed.
func (p *passReuse) stage(vars ...string) (ran, passed bool, out string) {
	p.t.Helper()
	before := p.runCount()
	b, err := p.make(append([]string{"timed-probe", "STAGES=probe", "CACHED_STAGES=probe"}, vars...)...).CombinedOutput()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		p.t.Fatal(err)
	}
	out = string(b)
	ran = p.runCount() > before
	if reused := strings.Contains(out, "probe| not run: it passed with these inputs at "); reused == ran {
		p.t.Fatalf("the probe ran: %v, the stage says it reused a pass: %v\n%s", ran, reused, out)
	}
	return ran, err == nil, out
}

// A stage that passed is not run again while nothing it reads has
// changed; any change to what it reads runs it again, and only a pass is
// recorded. A pass reused when something changed would hide a failure.
func TestMakeTestReusesAPassOnlyForTheSameInputs(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"make", "git"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("make test needs %s: %v", tool, err)
		}
	}
	p := newPassReuse(t)

	// want runs the stage and checks that the probe ran or not, and that
	// the stage passed.
	want := func(why string, run bool, vars ...string) {
		t.Helper()
		ran, passed, out := p.stage(vars...)
		if ran != run || !passed {
			t.Fatalf("%s: the probe ran: %v (want %v), the stage passed: %v\n%s", why, ran, run, passed, out)
		}
	}
	// changed: a change, after which the stage runs, then is reused.
	changed := func(why string, change func(), vars ...string) {
		t.Helper()
		change()
		want(why, true, vars...)
		want(why+", then nothing more", false, vars...)
	}

	want("the first run", true)
	want("nothing changed", false)
	want("RERUN=1", true, "RERUN=1")
	want("nothing changed after RERUN=1", false)

	changed("a committed file edited", func() { p.write("README.md", "edited\n") })
	changed("the edit committed", func() {
		p.git(p.repo, "-c", "user.name=test", "-c", "user.email=test@example.invalid", "commit", "--quiet", "-am", "an edit")
	})
	changed("a new file not committed", func() { p.write("notes/new.txt", "a\n") })
	changed("that file's content, same size", func() { p.write("notes/new.txt", "b\n") })
	changed("a file of the tool cache added", func() { p.write(filepath.Join(p.cache, "tools", "x-v1", "x"), "1") })
	changed("that file's size", func() { p.write(filepath.Join(p.cache, "tools", "x-v1", "x"), "12") })
	changed("the stage's commands", func() {}, "PROBE_FLAG=-v")

	// Not inputs: the recorded passes, an ignored file, and the program
	// e2e builds from the code (the code stands for it).
	p.write("node_modules/ignored.js", "x")
	out, err := p.make("-s", "--eval=caracal-path: ; @echo $(CARACAL)", "caracal-path").Output()
	caracal := strings.TrimSpace(string(out))
	if err != nil || !strings.HasPrefix(caracal, p.cache+"/") {
		t.Fatalf("make gives no CARACAL under the cache (%v): %q", err, caracal)
	}
	p.write(caracal, "a program built by e2e")
	p.write(filepath.Join(p.cache, "passes", "other-0"), "x")
	want("what is not an input changed", false, "PROBE_FLAG=-v")

	// A failure is not recorded: the stage runs again, and fails again,
	// until it passes.
	p.write("notes/new.txt", "c\n")
	p.setExit(1)
	for _, why := range []string{"a failing stage", "the same inputs after a failure"} {
		if ran, passed, out := p.stage(); !ran || passed {
			t.Fatalf("%s: the probe ran: %v (want true), the stage passed: %v (want false)\n%s", why, ran, passed, out)
		}
	}
	p.setExit(0)
	want("the same inputs, now passing", true)
	want("nothing changed after that pass", false)
}
