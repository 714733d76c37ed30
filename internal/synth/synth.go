// Package synth turns values into manifests: it builds the cdk8s app,
// synthesizes every chart and renders each as one deterministic YAML file.
package synth

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/internal/compose"
	"caracal.dev/caracal-cdk8s/internal/output"
	"caracal.dev/caracal-cdk8s/internal/timing"
	"caracal.dev/caracal-cdk8s/internal/values"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	yaml "go.yaml.in/yaml/v3"
)

// FileSuffix ends every manifest file name, as cdk8s names them.
const FileSuffix = ".k8s.yaml"

// Kustomization is the file that lists the manifests, so that Flux (and
// kubectl kustomize, and Argo CD) build the folder as one unit.
const Kustomization = "kustomization.yaml"

// File is one output file, as the output directory is written with it,
// and the objects it holds (for the summary).
type File struct {
	output.File
	Objects []Object
}

// Object identifies one manifest of a file.
type Object struct {
	APIVersion, Kind, Namespace, Name string
}

// Dirs are the folders an output writes itself (others beside it, such as
// dist/environments, are other outputs).
var Dirs = []string{compose.FluxDir}

// header begins every file: the output's Marker, by which a later run
// knows the files are its own.
const header = output.Marker + ". Do not edit: change the values and synthesize again.\n"

// Synthesize builds the app for v and returns its files in output order.
func Synthesize(v *values.Values) ([]File, error) {
	r, err := Resolve(v)
	if err != nil {
		return nil, err
	}
	return r.Render()
}

// Resolved is an app that cdk8s has synthesized: its charts and their
// manifests, as the JSON text they came in, which Render turns into the
// output's files. It holds no jsii object: rendering needs no jsii call,
// and may go on beside the next synthesis.
type Resolved struct {
	charts    []compose.Chart
	manifests []byte
}

// Composed is an app composed for its values but not made yet: a
// kube.Plan of its charts, with no jsii object. Composing needs no jsii
// call, so it may go on, on another goroutine, beside the jsii calls of
// another app; Resolve makes it.
type Composed struct {
	charts   []compose.Chart
	resolved bool
}

// Compose composes the app for v: the part of a synthesis in Go only.
func Compose(v *values.Values) (c *Composed, err error) {
	defer recovered(&err)
	t := time.Now()
	charts := compose.Build(kube.NewPlan().App(), v)
	timing.Since("compose the constructs (beside jsii's start)", t)
	return &Composed{charts: charts}, nil
}

// Resolve makes the composed app and resolves its charts, in one jsii
// call: the part of a synthesis that runs in jsii. It may be called once.
func (c *Composed) Resolve() (r *Resolved, err error) {
	defer recovered(&err)
	if c.resolved {
		return nil, errors.New("a composed app is resolved once")
	}
	c.resolved = true
	startJsii()
	t := time.Now()
	charts := c.charts
	c.charts = nil
	cs := make([]cdk8s.Chart, len(charts))
	for i, ch := range charts {
		cs[i] = ch.Chart
		charts[i].Chart = nil // resolved: of no more use here
	}
	manifests, err := kube.ResolveAllJSON(cs...)
	timing.Since("make and resolve the charts (jsii)", t)
	if err != nil {
		return nil, err
	}
	return &Resolved{charts: charts, manifests: manifests}, nil
}

// Resolve composes the app for v, makes it and resolves its charts.
func Resolve(v *values.Values) (*Resolved, error) {
	c, err := Compose(v)
	if err != nil {
		return nil, err
	}
	return c.Resolve()
}

// recovered turns a panic into *err: jsii reports errors of the
// JavaScript side as panics, and those of its pipes to the Node.js process
// (kept in the chain, for the caller to tell a runtime a signal killed),
// and the constructs refuse props they cannot render with a panic too.
func recovered(err *error) {
	if p := recover(); p != nil {
		if e, ok := p.(error); ok {
			*err = fmt.Errorf("cdk8s synthesis failed: %w", e)
		} else {
			*err = fmt.Errorf("cdk8s synthesis failed: %v", p)
		}
	}
}

// The start of jsii's runtime: once per process, on the first app's
// Resolve or, earlier, on Start's goroutine. What it panicked with, if it
// failed, is kept and panics again in each Resolve.
var (
	started  sync.Once
	startErr any
	starting atomic.Bool   // Start was called
	startEnd chan struct{} = make(chan struct{})
)

// startJsii starts jsii's runtime and loads cdk8s, once per process, so
// that the timings tell the start from the making of the first app.
func startJsii() {
	started.Do(func() {
		defer close(startEnd)
		defer func() { startErr = recover() }()
		t := time.Now()
		cdk8s.NewApp(nil)
		timing.Since("start jsii, load cdk8s", t)
	})
	if startErr != nil {
		panic(startErr)
	}
}

// Start starts jsii's runtime on another goroutine: the Node.js process
// starts and loads cdk8s, a fifth of a second, while this one composes
// the first apps, which needs no jsii call. Resolve waits for it, and
// reports its failure as its own. A program that calls Start calls
// AwaitStart before it closes the runtime.
func Start() {
	if starting.Swap(true) {
		return
	}
	go func() {
		defer func() { recover() }() // kept in startErr, for Resolve
		startJsii()
	}()
}

// AwaitStart waits, up to d, for the start that Start began to end, and
// reports whether it has (or Start was not called): the runtime may then
// be closed. Closing it in the middle of its start could crash the
// process, so a program whose start has not ended leaves it (its Node.js
// process ends as its standard input closes).
func AwaitStart(d time.Duration) bool {
	if !starting.Load() {
		return true
	}
	select {
	case <-startEnd:
		return true
	case <-time.After(d):
		return false
	}
}

// Render renders each chart as one YAML file, and adds the kustomization
// files, in output order.
func (r *Resolved) Render() (files []File, err error) {
	// The charts are rendered side by side, one goroutine each.
	t := time.Now()
	charts := r.charts
	resolved, err := kube.DecodeAll(r.manifests, len(charts))
	if err != nil {
		return nil, err
	}
	rendered := make([]File, len(charts))
	failed := make([]error, len(charts))
	var wg sync.WaitGroup
	for i, c := range charts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				// A panic here is a bug of this package's: it is
				// reported, as Resolve reports jsii's.
				if p := recover(); p != nil {
					failed[i] = fmt.Errorf("rendering: %v", p)
				}
			}()
			rendered[i], failed[i] = render(filePath(c), c.Warning, resolved[i])
		}()
	}
	wg.Wait()
	timing.Since("render YAML", t)
	var root []string                  // files of the root kustomization, in order
	byStage := map[string][]string{}   // files of each Flux stage
	var stageOrder, fluxFiles []string // stages in order; files of the flux folder
	for i, c := range charts {
		if failed[i] != nil {
			return nil, fmt.Errorf("chart %s: %w", c.Name, failed[i])
		}
		files = append(files, rendered[i])
		name := filePath(c)
		switch {
		case c.Dir == compose.FluxDir:
			fluxFiles = append(fluxFiles, c.Name+FileSuffix)
		case c.Stage != "":
			root = append(root, name)
			if _, ok := byStage[c.Stage]; !ok {
				stageOrder = append(stageOrder, c.Stage)
			}
			byStage[c.Stage] = append(byStage[c.Stage], "../../"+name)
		}
	}
	// The root lists every manifest but Flux's own objects: it is what
	// Argo CD, kubectl kustomize and a single Flux Kustomization apply.
	files = append(files, kustomization(Kustomization, root))
	if len(fluxFiles) > 0 {
		files = append(files, kustomization(compose.FluxDir+"/"+Kustomization, fluxFiles))
		for _, stage := range stageOrder {
			files = append(files, kustomization(compose.FluxDir+"/"+stage+"/"+Kustomization, byStage[stage]))
		}
	}
	return files, nil
}

// filePath is where a chart's file goes.
func filePath(c compose.Chart) string {
	if c.Dir != "" {
		return c.Dir + "/" + c.Name + FileSuffix
	}
	return c.Name + FileSuffix
}

// kustomization is a kustomization.yaml that lists resources in order.
func kustomization(name string, resources []string) File {
	var b strings.Builder
	b.WriteString(header)
	b.WriteString("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n")
	for _, r := range resources {
		b.WriteString("  - " + r + "\n")
	}
	return File{File: output.File{Name: name, Data: []byte(b.String())}}
}

// render writes manifests as YAML documents. Keys are sorted and numbers
// that are whole are written as integers, so the bytes depend on nothing
// but the manifests.
func render(name, warning string, manifests []any) (File, error) {
	f := File{File: output.File{Name: name}}
	var buf bytes.Buffer
	buf.WriteString(header)
	for _, line := range strings.Split(warning, "\n") {
		if line != "" {
			buf.WriteString("# " + line + "\n")
		}
	}
	for i, m := range manifests {
		if i > 0 {
			buf.WriteString("---\n")
		}
		// writeDoc takes the manifest as it was decoded; yaml.v3 takes it
		// normalized.
		if doc, ok := m.(map[string]any); ok && writeDoc(&buf, doc) {
			f.Objects = append(f.Objects, identify(doc))
			continue
		}
		obj, err := normalize(m)
		if err != nil {
			return f, err
		}
		// One document of an encoder of its own: what its encoder of all
		// the manifests wrote, but for the separator.
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(obj); err != nil {
			return f, err
		}
		if err := enc.Close(); err != nil {
			return f, err
		}
		f.Objects = append(f.Objects, identify(obj))
	}
	f.Data = buf.Bytes()
	return f, nil
}

// normalize copies a manifest as the jsii bridge hands it over (maps,
// slices, strings, booleans and float64 numbers) into plain Go values,
// turning whole numbers into int64 (5432, not 5432.0 or 1e+06).
func normalize(m any) (any, error) {
	switch t := m.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			v, err := normalize(x)
			if err != nil {
				return nil, err
			}
			out[k] = v
		}
		return out, nil
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			v, err := normalize(x)
			if err != nil {
				return nil, err
			}
			out[i] = v
		}
		return out, nil
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1<<63 {
			return int64(t), nil
		}
		return t, nil
	case int:
		return int64(t), nil
	case string, bool, int64, nil:
		return t, nil
	}
	return nil, fmt.Errorf("unexpected %T in a manifest", m)
}

func identify(obj any) Object {
	m, _ := obj.(map[string]any)
	meta, _ := m["metadata"].(map[string]any)
	str := func(x any) string { s, _ := x.(string); return s }
	return Object{APIVersion: str(m["apiVersion"]), Kind: str(m["kind"]), Namespace: str(meta["namespace"]), Name: str(meta["name"])}
}

// Kinds counts the objects of files by kind, sorted by kind.
func Kinds(files []File) []KindCount {
	counts := map[string]int{}
	for _, f := range files {
		for _, o := range f.Objects {
			counts[o.Kind]++
		}
	}
	out := make([]KindCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, KindCount{Kind: k, Count: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	return out
}

// KindCount is how many objects of a kind were written.
type KindCount struct {
	Kind  string
	Count int
}
