package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// engine syncs an output to a cluster with a GitOps tool's own code: the
// argocd-sync and flux-sync programs of internal/tools/argocd and
// internal/tools/flux.
type engine struct {
	name string // "argocd" or "flux"
	bin  string
}

// sync runs the engine once; resync asks it to fail if anything had to
// change. It returns the engine's log.
func (e engine) sync(ctx context.Context, c *cluster, o *output, timeout time.Duration, resync bool) (string, error) {
	var args []string
	switch e.name {
	case "argocd":
		// One Application on the output folder, as the README shows.
		// (its destination namespace: the output's own).
		// Argo CD pauses 2 s between waves for its controllers to catch
		// up; these react within milliseconds.
		args = []string{"-kubeconfig", c.kubeconfig, "-dir", o.dir, "-timeout", timeout.String(), "-namespace", o.namespaces()[0], "-wave-delay", "500ms"}
		if resync {
			args = append(args, "-expect-in-sync")
		}
	case "flux":
		repo, path, err := fluxRepository(c, o)
		if err != nil {
			return "", err
		}
		// The user's Flux Kustomization reads the stages in flux/.
		// kstatus polls every 2 s here, not 5 s as Flux does: the same
		// checks, sooner.
		args = []string{"-kubeconfig", c.kubeconfig, "-root", repo, "-path", path + "/flux", "-timeout", timeout.String(), "-poll", "2s"}
		if resync {
			args = append(args, "-expect-no-change")
		}
	default:
		return "", fmt.Errorf("unknown engine %q", e.name)
	}
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, e.bin, args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	log := out.String()
	logName := e.name + "-sync.log"
	if resync {
		logName = e.name + "-resync.log"
	}
	os.WriteFile(filepath.Join(c.dir, logName), out.Bytes(), 0o644)
	if err != nil {
		return log, fmt.Errorf("%s: %v; its last lines:\n%s", e.name, err, lastLines(log, 12))
	}
	return log, nil
}

// fluxRepository lays the output out as Flux would find it in its Git
// repository: at the folder its stages name (flux.path), in a copy that
// stands for the repository's artifact.
func fluxRepository(c *cluster, o *output) (repo, path string, err error) {
	path, err = o.fluxPath()
	if err != nil {
		return "", "", err
	}
	if path == "" {
		return "", "", fmt.Errorf("%s has no Flux stages (flux/)", o.dir)
	}
	repo = filepath.Join(c.dir, "repository")
	if _, err := os.Stat(repo); err == nil {
		return repo, path, nil // laid out by an earlier sync of this cluster
	}
	return repo, path, copyTree(o.dir, filepath.Join(repo, filepath.FromSlash(path)))
}

// copyTree copies the files of src into dst; the output's subfolders that
// are other outputs (dist/environments) are left out.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if rel != "." && !strings.HasPrefix(rel, "flux") {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
