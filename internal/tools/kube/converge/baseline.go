package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// upgradeBarriers are commits that changed an immutable field on purpose,
// each with its reason: the upgrade check never looks past one. A barrier
// after the first release also needs an upgrade note in the README (which
// objects to delete and recreate).
var upgradeBarriers = map[string]string{
	"a036550b3afa46f1ab235f624dd3f42c99dc3118": "before the first release: StatefulSets got headless governing Services (serviceName is immutable); nothing was deployed from earlier commits",
}

// baseline finds the latest committed version of dir that differs from
// the working tree's, writes it to out, and returns its commit: what Argo
// CD or Flux would have applied before this change. "" when Git has none
// (a new scenario, a shallow clone, no repository, a barrier).
func baseline(dir, out string) (string, error) {
	current, err := yamlFiles(dir)
	if err != nil {
		return "", err
	}
	log, err := git("log", "--format=%H", "-n", "50", "--", dir)
	if err != nil {
		return "", nil
	}
	for _, commit := range strings.Fields(log) {
		files, err := committedFiles(commit, dir)
		if err != nil {
			return "", err
		}
		if len(files) == 0 || sameFiles(files, current) {
			if _, barrier := upgradeBarriers[commit]; barrier {
				return "", nil
			}
			continue
		}
		if err := os.MkdirAll(out, 0o755); err != nil {
			return "", err
		}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(out, name), []byte(data), 0o644); err != nil {
				return "", err
			}
		}
		return commit, nil
	}
	return "", nil
}

func committedFiles(commit, dir string) (map[string]string, error) {
	list, err := git("ls-tree", "--name-only", commit+":"+filepath.ToSlash(filepath.Clean(dir)))
	if err != nil {
		return nil, nil // dir did not exist in that commit
	}
	files := map[string]string{}
	for _, name := range strings.Fields(list) {
		if !strings.HasSuffix(name, ".yaml") {
			continue // kustomization.yaml comes too: the old version is applied as it was
		}
		data, err := git("show", commit+":"+filepath.ToSlash(filepath.Join(dir, name)))
		if err != nil {
			return nil, err
		}
		files[name] = data
	}
	return files, nil
}

func yamlFiles(dir string) (map[string]string, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		files[filepath.Base(p)] = string(data)
	}
	return files, nil
}

func sameFiles(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func git(args ...string) (string, error) {
	out, err := exec.Command("git", args...).Output()
	return string(out), err
}
