package clusterdiff

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"caracal.dev/caracal-cdk8s/internal/diff"
	"caracal.dev/caracal-cdk8s/internal/synth"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// Object is one synthesized object and the file it is in.
type Object struct {
	File string
	*unstructured.Unstructured
}

// ID names an object as internal/diff does: kind, namespace and name.
func ID(u *unstructured.Unstructured) string {
	return diff.Object{Value: u.Object}.ID()
}

// Objects reads the objects a sync applies: those of the root files, the
// ones the root kustomization lists (what Argo CD applies, and Flux
// through its stages). The Flux stages themselves (flux/) are not
// compared: they live where Flux is installed, not in the release.
func Objects(files []synth.File) ([]Object, error) {
	var out []Object
	for _, f := range files {
		if strings.Contains(f.Name, "/") || f.Name == synth.Kustomization {
			continue
		}
		objs, err := parse(f.Data)
		if err != nil {
			// The text may be a Secret's: name the file only.
			return nil, fmt.Errorf("%s: not a valid Kubernetes manifest", f.Name)
		}
		for _, u := range objs {
			out = append(out, Object{File: f.Name, Unstructured: u})
		}
	}
	return out, nil
}

// parse decodes YAML documents as the API decodes JSON (whole numbers as
// int64), so that they compare with what the server returns.
func parse(data []byte) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var out []*unstructured.Unstructured
	for {
		u := &unstructured.Unstructured{}
		if err := dec.Decode(u); err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		if len(u.Object) > 0 {
			out = append(out, u)
		}
	}
}
