package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The audit check passes reads and dry runs only, of the diff user only.
func TestCheckAudit(t *testing.T) {
	line := func(user, verb, uri string) string {
		return `{"kind":"Event","verb":"` + verb + `","requestURI":"` + uri + `","user":{"username":"` + user + `"}}` + "\n"
	}
	reads := line(diffUser, "get", "/api/v1/namespaces/caracal/configmaps/x") +
		line(diffUser, "list", "/api/v1/namespaces/caracal/configmaps?labelSelector=a%3Db&limit=500") +
		line(diffUser, "patch", "/apis/apps/v1/namespaces/caracal/deployments/web?dryRun=All&fieldManager=caracal-cdk8s&force=true") +
		line("sim-admin", "create", "/api/v1/namespaces/caracal/configmaps")
	for _, c := range []struct {
		log  string
		fail string
	}{
		{reads, ""},
		{reads + line(diffUser, "patch", "/apis/apps/v1/namespaces/caracal/deployments/web?fieldManager=caracal-cdk8s&force=true"), "may write"},
		{reads + line(diffUser, "patch", "/apis/apps/v1/namespaces/caracal/deployments/web?fieldManager=dryRun%3DAll"), "may write"},
		{reads + line(diffUser, "create", "/api/v1/namespaces/caracal/configmaps?dryRun=All"), "may write"},
		{reads + line(diffUser, "delete", "/api/v1/namespaces/caracal/configmaps/x"), "may write"},
		{line(diffUser, "get", "/version"), "proves nothing"},
	} {
		p := filepath.Join(t.TempDir(), "audit.log")
		os.WriteFile(p, []byte(c.log), 0o600)
		err := checkAudit(io.Discard, p)
		if (c.fail == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.fail)) {
			t.Errorf("%q: %v, want %q", c.log, err, c.fail)
		}
	}
}
