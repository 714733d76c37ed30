// Package compose maps values onto construct props: the only place that
// knows both the values model and the constructs. Constructs stay reusable
// by any cdk8s app; values stay free of Kubernetes types.
package compose

import (
	"fmt"
	"strconv"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/namespace"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/internal/values"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

const (
	// ReleaseName is app.kubernetes.io/instance, as `helm install caracal`.
	ReleaseName = "caracal"
	// Version is the Caracal version this app deploys.
	Version = "0.3.0"
)

// Sync waves: Argo CD applies lower waves first and waits until each is
// healthy before the next. The namespace and the configuration, then the
// datastores, then each Job that prepares them, in the chart README's
// order, then the applications. The applications are the last wave on
// purpose: Argo CD does not wait for the health of the last wave, so a
// LoadBalancer Service that no controller ever gives an address (kind,
// bare metal) delays nothing; Argo CD shows it Progressing.
const (
	waveNamespace    = -2 // and the PriorityClass
	waveConfig       = -1 // Secrets, NetworkPolicies, monitoring
	waveDatastores   = 0
	waveDBInit       = 1
	waveDBMigrate    = 2
	waveTopics       = 3
	waveBackfill     = 4 // the Merkle backfill, after the migrations
	waveApplications = 5
)

// stages are the Flux Kustomizations: Flux applies a Kustomization's
// objects all at once, so each wave that must wait for the one before is a
// stage of its own, depending on the stage before it. The first stage
// holds every wave up to the datastores: Flux applies Namespaces and
// classes first by itself.
var stages = []struct {
	name     string
	lastWave int
}{
	{"base", waveDatastores},
	{"db-init", waveDBInit},
	{"db-migrate", waveDBMigrate},
	{"kafka-topics", waveTopics},
	{"merkle-backfill", waveBackfill},
	{"applications", waveApplications},
}

// stageOf is the Flux stage of a wave.
func stageOf(wave int) string {
	for _, s := range stages {
		if wave <= s.lastWave {
			return s.name
		}
	}
	panic(fmt.Sprintf("compose: wave %d is in no stage", wave))
}

const syncWave = "argocd.argoproj.io/sync-wave"

// keep marks the objects whose deletion deletes data, the Namespace and the
// backups' claim: Argo CD and Flux never prune them, nor does deleting the
// Application delete them. Removing one is a deliberate step by hand, as
// with Helm's resource-policy keep (a move of the Flux Kustomization that
// applies them, say, must not take the data with it).
var keep = map[string]string{
	"argocd.argoproj.io/sync-options":   "Prune=false,Delete=false",
	"kustomize.toolkit.fluxcd.io/prune": "disabled",
}

// FluxDir is the folder of the output that holds the Flux Kustomizations
// and, in a folder per stage, the kustomization.yaml of each stage.
const FluxDir = "flux"

// Chart is one chart of the app; it becomes the file <Name>.k8s.yaml, in
// Dir when that is set.
type Chart struct {
	Name  string
	Chart cdk8s.Chart
	// Warning, when set, heads the file: it holds something that needs a
	// reader's attention.
	Warning string
	// Stage is the Flux stage the chart's objects belong to ("" for the
	// Flux Kustomizations themselves, which only Flux reads).
	Stage string
	Dir   string
}

// Build adds one chart per component to app, in output order. The extra
// components, which an app may add to Caracal's own, are built after them
// and wired alike (see Component). app is a cdk8s App, or the App of a
// kube.Plan, which records the app with no jsii call (see kube.Plan): its
// charts and constructs hold no jsii object then, so extra components,
// which may make jsii objects of their own, need a real App.
func Build(app constructs.Construct, v *values.Values, extra ...Component) []Chart {
	if kube.IsPlanned(app) && len(extra) > 0 {
		// Composed off the jsii goroutine, a component that made jsii
		// objects of its own would call jsii beside another app's calls.
		panic("compose: extra components need a real App, not a plan's")
	}
	b := &builder{app: app, v: v, release: kube.Release{
		Name:          ReleaseName,
		Namespace:     v.Global.Namespace,
		Version:       Version,
		ClusterDomain: v.Global.ClusterDomain,
	}}
	if v.Namespace.Create {
		c, rel := b.chart("namespace", waveNamespace)
		namespace.NewNamespace(c, "namespace", namespace.Props{Release: rel.With(keep)})
	}
	b.priority = b.priorityClass()
	derived := b.configuration()
	endpoints := b.datastores()
	b.jobs(endpoints)
	b.applications(endpoints, extra)
	derived()
	if v.Flux.Enabled {
		b.flux()
	}
	return b.charts
}

type builder struct {
	app     constructs.Construct
	v       *values.Values
	release kube.Release
	charts  []Chart
	// priority is the PriorityClass of the in-cluster datastores.
	priority string
	// reports are those of the components built, in build order.
	reports []wiring.Report
	// gateway is where the gateway serves, once built.
	gateway *wiring.GatewayEndpoint
}

// built records what a component reports: its flows, scrape targets and
// the Secret keys it reads become its policy, monitors and ExternalSecrets.
func (b *builder) built(c wiring.Reporter) {
	b.reports = append(b.reports, c.Report())
}

// chart adds a chart whose objects sync in wave, and returns it with the
// Release its constructs use. Names are explicit on every object, so the
// hash suffixes cdk8s would add are disabled for good measure.
func (b *builder) chart(name string, wave int) (cdk8s.Chart, kube.Release) {
	c := kube.NewChart(b.app, name)
	b.charts = append(b.charts, Chart{Name: name, Chart: c, Stage: stageOf(wave)})
	return c, b.release.With(map[string]string{syncWave: strconv.Itoa(wave)})
}
