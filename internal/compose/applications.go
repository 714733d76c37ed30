package compose

import (
	"caracal.dev/caracal-cdk8s/constructs/consumers"
	"caracal.dev/caracal-cdk8s/constructs/gateway"
	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/constructs/mcpadapter"
	"caracal.dev/caracal-cdk8s/constructs/wiring"
	"caracal.dev/caracal-cdk8s/constructs/workload"
	"caracal.dev/caracal-cdk8s/internal/values"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// Component is a process of the release that runs on the datastores: the
// gateway, the MCP adapter, each consumer, or one an app adds to Caracal's
// own. It is built in the chart named Chart (components may share one), in
// the applications' wave, and what it reports joins the reports of every
// other component: its NetworkPolicy, its ServiceMonitor and the
// ExternalSecrets of the keys it reads follow with no other edit.
type Component struct {
	Chart string
	New   func(scope constructs.Construct, w Wiring) wiring.Reporter
}

// Wiring is what a Component is built with.
type Wiring struct {
	Release   kube.Release
	Endpoints wiring.Endpoints
	// Gateway is where the gateway serves; nil without one.
	Gateway          *wiring.GatewayEndpoint
	ImagePullSecrets []string
}

// applications adds Caracal's processes that are enabled, then extra, in
// order; components of one chart share it.
func (b *builder) applications(e wiring.Endpoints, extra []Component) {
	charts := map[string]cdk8s.Chart{}
	releases := map[string]kube.Release{}
	for _, c := range append(b.processes(), extra...) {
		if _, ok := charts[c.Chart]; !ok {
			charts[c.Chart], releases[c.Chart] = b.chart(c.Chart, waveApplications)
		}
		b.built(c.New(charts[c.Chart], Wiring{
			Release: releases[c.Chart], Endpoints: e, Gateway: b.gateway, ImagePullSecrets: b.v.Global.ImagePullSecrets,
		}))
	}
}

// processes are Caracal's processes that the values enable, in order.
// Adding one is a line here.
func (b *builder) processes() []Component {
	v := b.v
	c := v.Consumers
	var out []Component
	for _, p := range []struct {
		on bool
		Component
	}{
		{v.Gateway.Enabled, Component{"gateway", b.newGateway}},
		{v.MCPAdapter.Enabled, Component{"mcp-adapter", b.newMCPAdapter}},
		{c.LedgerWriter.Enabled, Component{"consumers", b.newLedgerWriter}},
		{c.MetricsAggregator.Enabled, Component{"consumers", b.newMetricsAggregator}},
		{c.AuditLogger.Enabled, Component{"consumers", b.newAuditLogger}},
	} {
		if p.on {
			out = append(out, p.Component)
		}
	}
	return out
}

// newGateway adds the gateway; the components built after it reach it at
// its endpoint.
func (b *builder) newGateway(scope constructs.Construct, w Wiring) wiring.Reporter {
	g := b.v.Gateway
	gw := gateway.NewGateway(scope, "gateway", gateway.Props{
		Process: b.process(w, processValues{g.Image, g.ReplicaCount, autoscaling(g.Autoscaling), g.Resources, g.Override, g.Pod}),
		Service: workload.Exposure{
			Type:                     g.Service.Type,
			Annotations:              g.Service.Annotations,
			LoadBalancerSourceRanges: g.Service.LoadBalancerSourceRanges,
			LoadBalancerClass:        g.Service.LoadBalancerClass,
			ExternalTrafficPolicy:    g.Service.ExternalTrafficPolicy,
		},
		HTTPSPort:     g.Service.HTTPSPort,
		MetricsPort:   g.Service.MetricsPort,
		AuthMode:      g.AuthMode,
		TLS:           g.TLS.Enabled,
		TLSSecret:     g.TLS.SecretName,
		APIKeysSecret: g.APIKeys.SecretName,
	})
	ep := gw.Endpoint()
	b.gateway = &ep
	return gw
}

func (b *builder) newMCPAdapter(scope constructs.Construct, w Wiring) wiring.Reporter {
	m := b.v.MCPAdapter
	// Without a gateway the adapter refuses its props (the values refuse
	// that first).
	var gw wiring.GatewayEndpoint
	if w.Gateway != nil {
		gw = *w.Gateway
	}
	return mcpadapter.NewMCPAdapter(scope, "mcp-adapter", mcpadapter.Props{
		Process:     b.process(w, processValues{m.Image, m.ReplicaCount, autoscaling(m.Autoscaling), m.Resources, m.Override, m.Pod}),
		Gateway:     gw,
		Service:     workload.Exposure{Type: m.Service.Type},
		Port:        m.Service.Port,
		MetricsPort: m.Service.MetricsPort,
	})
}

// processValues are the values every Caracal process has.
type processValues struct {
	image    values.Image
	replicas int
	auto     *workload.Autoscaling // a consumer has no autoscaler
	res      values.Resources
	override values.Override
	pod      values.Pod
}

// process is what a Caracal process is built with, from its values.
func (b *builder) process(w Wiring, p processValues) workload.Process {
	return workload.Process{
		Release: w.Release, Image: b.image(p.image), Endpoints: w.Endpoints, Replicas: p.replicas, Autoscaling: p.auto,
		Resources: resources(p.res), ImagePullSecrets: w.ImagePullSecrets,
		Command: p.override.Command, Args: p.override.Args, Extra: b.extra(p.pod),
	}
}

func (b *builder) newLedgerWriter(scope constructs.Construct, w Wiring) wiring.Reporter {
	l := b.v.Consumers.LedgerWriter
	return consumers.NewLedgerWriter(scope, "ledger-writer", consumers.LedgerWriterProps{
		Common:              b.process(w, processValues{l.Image, l.ReplicaCount, nil, l.Resources, l.Override, l.Pod}),
		BatchSizeLimit:      l.Merkle.BatchSizeLimit,
		BatchTimeoutSeconds: l.Merkle.BatchTimeoutSeconds,
		SigningKeySecret:    l.Merkle.SigningKeySecretName,
	})
}

func (b *builder) newMetricsAggregator(scope constructs.Construct, w Wiring) wiring.Reporter {
	m := b.v.Consumers.MetricsAggregator
	return consumers.NewMetricsAggregator(scope, "metrics-aggregator", consumers.MetricsAggregatorProps{
		Common:      b.process(w, processValues{m.Image, m.ReplicaCount, nil, m.Resources, m.Override, m.Pod}),
		MetricsPort: m.MetricsPort,
	})
}

func (b *builder) newAuditLogger(scope constructs.Construct, w Wiring) wiring.Reporter {
	a := b.v.Consumers.AuditLogger
	return consumers.NewAuditLogger(scope, "audit-logger", consumers.AuditLoggerProps{Common: b.process(w, processValues{a.Image, a.ReplicaCount, nil, a.Resources, a.Override, a.Pod})})
}
