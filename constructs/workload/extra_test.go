package workload

import (
	"testing"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"caracal.dev/caracal-cdk8s/internal/testkit/manifest"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
)

var testRelease = kube.Release{Name: "caracal", Namespace: "ns", Version: "0.3.0", ClusterDomain: "cluster.local"}

func TestExtraPlacesThePods(t *testing.T) {
	user := Extra{
		NodeSelector:      map[string]string{"pool": "data"},
		Tolerations:       []*k8s.Toleration{{Key: kube.Str("dedicated"), Operator: kube.Str("Exists")}},
		PriorityClassName: "mine",
		Affinity: &k8s.Affinity{
			NodeAffinity: &k8s.NodeAffinity{PreferredDuringSchedulingIgnoredDuringExecution: &[]*k8s.PreferredSchedulingTerm{{Weight: kube.Num(10)}}},
			PodAntiAffinity: &k8s.PodAntiAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution:  &[]*k8s.PodAffinityTerm{{TopologyKey: kube.Str(ZoneKey)}},
				PreferredDuringSchedulingIgnoredDuringExecution: &[]*k8s.WeightedPodAffinityTerm{{Weight: kube.Num(5)}},
			},
		},
		TopologySpreadConstraints: []*k8s.TopologySpreadConstraint{
			{MaxSkew: kube.Num(3), TopologyKey: kube.Str(HostKey), WhenUnsatisfiable: kube.Str("DoNotSchedule")},
			{MaxSkew: kube.Num(2), TopologyKey: kube.Str(ZoneKey), WhenUnsatisfiable: kube.Str("ScheduleAnyway")},
			{MaxSkew: kube.Num(1), TopologyKey: kube.Str("example.com/rack"), WhenUnsatisfiable: kube.Str("ScheduleAnyway")},
		},
	}
	spec := PodTemplate(testRelease, "kafka", Pod{Quorum: 3, PriorityClass: "datastores", Extra: user}).Spec
	if *spec.PriorityClassName != "mine" || (*spec.NodeSelector)["pool"] == nil || *(*spec.Tolerations)[0].Key != "dedicated" {
		t.Errorf("placement: class %v, selector %v, tolerations %v", *spec.PriorityClassName, *spec.NodeSelector, *spec.Tolerations)
	}
	anti := spec.Affinity.PodAntiAffinity
	if len(*anti.PreferredDuringSchedulingIgnoredDuringExecution) != 2 || *(*anti.PreferredDuringSchedulingIgnoredDuringExecution)[0].PodAffinityTerm.TopologyKey != HostKey {
		t.Error("the built-in anti-affinity comes first, then the user's")
	}
	if len(*anti.RequiredDuringSchedulingIgnoredDuringExecution) != 1 || spec.Affinity.NodeAffinity == nil {
		t.Error("the user's node affinity and required anti-affinity are kept")
	}
	// A user's constraint replaces the built-in one of its topologyKey
	// and whenUnsatisfiable, in its place (here the quorum's hard host
	// spread too: the user's choice, as the README says); a new one is
	// added and counts the component's pods.
	spread := *spec.TopologySpreadConstraints
	if len(spread) != 3 || *spread[0].MaxSkew != 2 || *spread[1].MaxSkew != 3 || spread[1].MinDomains != nil || *spread[2].TopologyKey != "example.com/rack" {
		t.Errorf("spread: %d constraints", len(spread))
	}
	if (*spread[2].LabelSelector.MatchLabels)["app.kubernetes.io/component"] == nil {
		t.Error("a constraint without selector counts the component's pods")
	}
}

func TestExtraMetadataNeverReplacesTheOutputs(t *testing.T) {
	user := Extra{Labels: map[string]string{"team": "payments"}, Annotations: map[string]string{"example.com/a": "b"}}
	tmpl := PodTemplate(testRelease, "gateway", Pod{Annotations: map[string]string{"checksum/config": "x"}, Extra: user})
	labels, annotations := *tmpl.Metadata.Labels, *tmpl.Metadata.Annotations
	if *labels["team"] != "payments" || *labels["app.kubernetes.io/component"] != "gateway" || *annotations["checksum/config"] != "x" || *annotations["example.com/a"] != "b" {
		t.Errorf("labels %v, annotations %v", labels, annotations)
	}
	for _, bad := range []Extra{
		{Labels: map[string]string{"app.kubernetes.io/component": "other"}},
		{Annotations: map[string]string{"checksum/config": "other"}},
	} {
		manifest.MustPanic(t, "are the", func() {
			r := kube.Refusals{Construct: "test"}
			bad.Check(&r, "Props.Extra")
			r.Check()
		})
	}
}

// The user's variables replace built-in ones of the same name in place,
// the others follow; the ConfigMap and Secret come after the built-in
// sources, so their keys win over the settings.
func TestExtraEnvironment(t *testing.T) {
	objs := manifest.Construct(t, func(scope constructs.Construct) {
		NewStateless(scope, "w", testRelease, Stateless{
			Name: "caracal-gateway", Component: "gateway", Image: kube.Image{Repository: "r", Tag: "1", PullPolicy: "IfNotPresent"},
			Command: []string{"caracal", "gateway", "serve"}, Replicas: 1,
			Config:          map[string]string{"LOG_LEVEL": "info"},
			Secrets:         map[string]kube.SecretKey{"DB_PASSWORD": {Name: "s", Key: "k"}, "REDIS_PASSWORD": {Name: "s", Key: "r"}},
			CommandOverride: []string{"/bin/sh", "-c", "exec caracal $(MODE)"},
			Extra: Extra{
				Env:                       []*k8s.EnvVar{{Name: kube.Str("DB_PASSWORD"), Value: kube.Str("$(OTHER)")}, {Name: kube.Str("NEW"), Value: kube.Str("v")}},
				EnvConfigMap:              "extra",
				EnvSecret:                 "extra-secrets",
				ServiceAccountAnnotations: map[string]string{"eks.amazonaws.com/role-arn": "arn:aws:iam::1:role/x"},
			},
		})
	})
	c := manifest.Containers(manifest.Object(objs.Must(t, "Deployment", "caracal-gateway").MustGet(t, "spec.template.spec").(map[string]any)))["gateway"]
	env := c.List("env")
	if len(env) != 3 || env[0].Str("name") != "DB_PASSWORD" || env[0].Str("value") != "$(OTHER)" || env[1].Str("name") != "REDIS_PASSWORD" || env[2].Str("name") != "NEW" {
		t.Errorf("env: %v", env)
	}
	if from := c.List("envFrom"); len(from) != 3 || from[0].Str("configMapRef.name") != "caracal-gateway-config" || from[1].Str("configMapRef.name") != "extra" || from[2].Str("secretRef.name") != "extra-secrets" {
		t.Errorf("envFrom: %v", from)
	}
	if got := manifest.Sprint(c.MustGet(t, "command")); got != "[/bin/sh -c exec caracal $(MODE)]" {
		t.Errorf("an override is written as it is: %s", got)
	}
	if got := objs.Must(t, "ServiceAccount", "caracal-gateway").Str(`metadata.annotations."eks.amazonaws.com/role-arn"`); got != "arn:aws:iam::1:role/x" {
		t.Errorf("ServiceAccount annotation: %q", got)
	}
}
