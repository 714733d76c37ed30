package compose

import (
	"slices"
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/flux"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/priorityclass"
	"caracal.dev/caracal-cdk8s/constructs/secrets"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/internal/values"
	"github.com/aws/constructs-go/constructs/v10"
)

// priorityClass returns the PriorityClass of the in-cluster datastores
// ("" for none), and writes it when asked to and some datastore runs in
// the cluster.
func (b *builder) priorityClass() string {
	v := b.v
	pc := v.PriorityClass
	if !v.PostgreSQL.Enabled && !v.Redis.Enabled && !v.Kafka.Enabled {
		return ""
	}
	name := pc.Name
	if name == "" && pc.Create {
		name = v.Global.Namespace + "-datastores"
	}
	if pc.Create {
		c, rel := b.chart("priority-class", waveNamespace)
		priorityclass.NewPriorityClass(c, "priority-class", priorityclass.Props{Release: rel, Name: name, Value: pc.Value})
	}
	return name
}

// configuration adds the charts of the configuration wave: the Secrets,
// the NetworkPolicies and the monitoring. They come before the components
// in the output, but what they hold follows from the components' reports,
// so the function returned fills them once every component is built.
func (b *builder) configuration() (fill func()) {
	v := b.v
	var fills []func()
	derive := func(name string, from func(constructs.Construct, config, []wiring.Report)) {
		c, rel := b.chart(name, waveConfig)
		fills = append(fills, func() { from(c, config{v: v, release: rel}, b.reports) })
	}
	switch v.Secrets.Mode {
	case values.SecretsInline:
		b.inlineSecrets()
	case values.SecretsExternal:
		derive("secrets", externalSecrets)
	}
	if v.NetworkPolicy.Enabled {
		derive("network", networkPolicies)
	}
	if v.Monitoring.Enabled {
		derive("monitoring", monitors)
	}
	return func() {
		for _, f := range fills {
			f()
		}
	}
}

// config is what a chart derived from the reports is made with.
type config struct {
	v       *values.Values
	release kube.Release
}

func (b *builder) inlineSecrets() {
	v := b.v
	c, rel := b.chart("secrets", waveConfig)
	b.charts[len(b.charts)-1].Warning = "DEVELOPMENT ONLY: secrets.mode=inline writes the passwords below in clear text.\n" +
		"Anyone who can read this repository can read them. Use secrets.mode=existing in production."
	secrets.NewInlineSecret(c, "credentials", secrets.InlineProps{
		Release: rel,
		Data: map[string]string{
			secrets.PostgresPasswordKey: v.PostgreSQL.Auth.Password,
			secrets.RedisPasswordKey:    v.Redis.Auth.Password,
		},
	})
}

// flux adds the Flux Kustomizations, one per stage that holds objects,
// each depending on the stage before it (see stages).
func (b *builder) flux() {
	f := b.v.Flux
	c := kube.NewChart(b.app, "flux")
	previous := ""
	var batch kube.Batch // the stages, made in one jsii call
	for _, s := range stages {
		if !slices.ContainsFunc(b.charts, func(ch Chart) bool { return ch.Stage == s.name }) {
			continue
		}
		name := b.v.Global.Namespace + "-" + s.name
		flux.AddStage(&batch, s.name, flux.StageProps{
			Release: b.release, Name: name, Namespace: f.Namespace,
			Path:      strings.TrimSuffix(f.Path, "/") + "/" + FluxDir + "/" + s.name,
			SourceRef: flux.SourceRef{Kind: f.SourceRef.Kind, Name: f.SourceRef.Name},
			DependsOn: previous, Interval: f.Interval, Timeout: f.Timeout,
		})
		previous = name
	}
	batch.Make(c)
	b.charts = append(b.charts, Chart{Name: "stages", Chart: c, Dir: FluxDir})
}
