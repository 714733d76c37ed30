package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestBaseline(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not on PATH")
	}
	t.Chdir(t.TempDir()) // baseline runs git in the working directory
	// Keep the user's and the system's Git configuration out of it.
	t.Setenv("GIT_CONFIG_GLOBAL", os.DevNull)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	git := func(args ...string) string {
		t.Helper()
		args = append([]string{"-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"}, args...)
		out, err := exec.Command("git", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(dir, version string) {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "app.k8s.yaml"), []byte("version: "+version+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	barriers := func(commits ...string) {
		upgradeBarriers = map[string]string{}
		for _, c := range commits {
			upgradeBarriers[c] = "test"
		}
	}
	saved := upgradeBarriers
	t.Cleanup(func() { upgradeBarriers = saved })
	// check asserts the commit baseline returns for dir and, when there is
	// one, the version it wrote.
	check := func(what, dir, wantCommit, wantVersion string) {
		t.Helper()
		out := filepath.Join(t.TempDir(), "baseline")
		commit, err := baseline(dir, out)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if commit != wantCommit {
			t.Errorf("%s: got commit %q, want %q", what, commit, wantCommit)
			return
		}
		data, err := os.ReadFile(filepath.Join(out, "app.k8s.yaml"))
		if wantCommit == "" {
			if err == nil {
				t.Errorf("%s: wrote a baseline without a commit", what)
			}
			return
		}
		if got, want := string(data), "version: "+wantVersion+"\n"; got != want {
			t.Errorf("%s: wrote %q, want %q (%v)", what, got, want, err)
		}
	}

	git("init", "-q")
	var commits []string
	for _, v := range []string{"1", "2", "3"} {
		write("out", v)
		git("add", "out")
		git("commit", "-q", "-m", "version "+v)
		commits = append(commits, git("rev-parse", "HEAD"))
	}

	barriers()
	check("working tree as committed", "out", commits[1], "2")
	write("out", "4")
	check("working tree changed", "out", commits[2], "3")
	write("out", "3")

	// The barrier commit itself is a version to upgrade from; nothing
	// older is.
	barriers(commits[1])
	check("barrier at the version found", "out", commits[1], "2")
	barriers(commits[2])
	check("barrier at the version skipped", "out", "", "")

	barriers()
	write("new", "1")
	check("no history", "new", "", "")
}
