package main

import (
	"encoding/base64"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/fluxcd/cli-utils/pkg/object"
)

// printer writes one line per event, "flux: ...", from any goroutine, and
// never lets a Secret's value through: every value of every Secret built
// so far is masked in whatever is printed (error texts from the API server
// included).
type printer struct {
	mu      sync.Mutex
	w       io.Writer
	secrets []string
}

// minSecretLen keeps very short values (which would mask ordinary words)
// out of the mask; they cannot be told from text anyway.
const minSecretLen = 4

func (p *printer) linef(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := fmt.Sprintf(format, args...)
	for _, s := range p.secrets {
		line = strings.ReplaceAll(line, s, "<redacted>")
	}
	// One event, one line.
	line = strings.ReplaceAll(strings.TrimRight(line, "\n"), "\n", "; ")
	fmt.Fprintln(p.w, "flux: "+line)
}

// ksf prints a line about a Kustomization.
func (p *printer) ksf(k *kustomization, format string, args ...any) {
	p.linef("%s: %s", k.Name, fmt.Sprintf(format, args...))
}

// maskSecrets adds the values of the Secrets among objects to the mask, in
// every form they may be quoted in: as given, decoded, and encoded.
func (p *printer) maskSecrets(objects []*unstructured.Unstructured) {
	var add []string
	for _, o := range objects {
		if o.GetKind() != "Secret" || o.GetAPIVersion() != "v1" {
			continue
		}
		for _, field := range []string{"data", "stringData"} {
			values, _, _ := unstructured.NestedMap(o.Object, field)
			for _, v := range values {
				s, ok := v.(string)
				if !ok {
					continue
				}
				add = append(add, s)
				if field == "data" {
					if dec, err := base64.StdEncoding.DecodeString(s); err == nil {
						add = append(add, string(dec))
						for _, line := range strings.Split(string(dec), "\n") {
							add = append(add, strings.TrimSpace(line))
						}
					}
				} else {
					add = append(add, base64.StdEncoding.EncodeToString([]byte(s)))
					for _, line := range strings.Split(s, "\n") {
						add = append(add, strings.TrimSpace(line))
					}
				}
			}
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	seen := make(map[string]bool, len(p.secrets))
	for _, s := range p.secrets {
		seen[s] = true
	}
	for _, s := range add {
		if len(s) >= minSecretLen && !seen[s] {
			seen[s] = true
			p.secrets = append(p.secrets, s)
		}
	}
	// Longest first, so that a value is masked whole before any part of it.
	sort.Slice(p.secrets, func(i, j int) bool { return len(p.secrets[i]) > len(p.secrets[j]) })
}

// fmtChange names an object in a change line: "apps/StatefulSet ns/name",
// "ConfigMap ns/name", "Namespace name".
func fmtChange(id object.ObjMetadata) string {
	kind := id.GroupKind.Kind
	if id.GroupKind.Group != "" {
		kind = id.GroupKind.Group + "/" + kind
	}
	return kind + " " + fmtName(id)
}

// fmtObject names an object in a status line: "StatefulSet ns/name".
func fmtObject(id object.ObjMetadata) string {
	return id.GroupKind.Kind + " " + fmtName(id)
}

func fmtName(id object.ObjMetadata) string {
	if id.Namespace == "" {
		return id.Name
	}
	return id.Namespace + "/" + id.Name
}

// shortKeys turns "namespace/name" keys into names, for messages.
func shortKeys(keys []string) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		_, name, _ := strings.Cut(k, "/")
		names[i] = name
	}
	return strings.Join(names, ", ")
}
