package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// diff --cluster exits as kubectl diff does: 1 means changes, so every
// failure exits above 1, with one message and no stack trace. (The diff
// itself is tested against a real API server: make e2e.)
func TestDiffClusterFailuresExitAbove1(t *testing.T) {
	dir := t.TempDir()
	unreachable := filepath.Join(dir, "unreachable")
	os.WriteFile(unreachable, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: s3cret-TOKEN}}]
contexts: [{name: ctx, context: {cluster: c, user: u}}]
current-context: ctx
`), 0o600)
	t.Setenv("KUBECONFIG", unreachable)
	cases := []struct {
		args []string
		exit int
		want string
	}{
		{[]string{"diff", "--kubeconfig", unreachable}, ExitInvalid, "error: --kubeconfig, --context and --field-manager go with diff --cluster\n"},
		{[]string{"diff", "--context", "ctx", "--out", dir}, ExitInvalid, "go with diff --cluster"},
		{[]string{"diff", "--cluster", "--out", dir}, ExitInvalid, "not with --out"},
		{[]string{"diff", "--cluster", "--set", "gateway.replicas=3"}, ExitInvalid, "gateway.replicas"},
		{[]string{"diff", "--cluster", "--environments", dir}, ExitInvalid, "diff compares one output"},
		{[]string{"diff", "--cluster", "--kubeconfig", filepath.Join(dir, "missing")}, ExitClusterError, "error: kubeconfig " + filepath.Join(dir, "missing") + ": no such file or directory\n"},
		{[]string{"diff", "--cluster", "--context", "nope"}, ExitClusterError, "error: kubeconfig: context \"nope\" does not exist\n"},
		{[]string{"diff", "--cluster"}, ExitClusterError, "error: cannot reach the cluster of context \"ctx\" at https://127.0.0.1:1"},
	}
	for _, c := range cases {
		code, stdout, stderr := run(c.args...)
		if code != c.exit || !strings.Contains(stderr, c.want) || stdout != "" {
			t.Errorf("%v: exit %d, want %d with %q:\nstdout: %q\nstderr: %q", c.args, code, c.exit, c.want, stdout, stderr)
		}
		if strings.Count(stderr, "error: ") != 1 || strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "s3cret") {
			t.Errorf("%v: not one clean message: %q", c.args, stderr)
		}
	}
}

func TestHelpDocumentsDiffCluster(t *testing.T) {
	_, stdout, _ := run("help")
	for _, s := range []string{"diff --cluster", "--kubeconfig FILE", "--context NAME", "--field-manager NAME", "diff --cluster exits 0"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("help lacks %q", s)
		}
	}
}
