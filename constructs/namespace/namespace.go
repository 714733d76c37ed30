// Package namespace is the release's Namespace, enforcing Pod Security
// "restricted" (and auditing and warning at that level too).
package namespace

import (
	"strings"

	"caracal.dev/caracal-cdk8s/constructs/kube"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Component is the app.kubernetes.io/component of the Namespace.
const Component = "namespace"

// PodSecurityLabels make a namespace enforce Pod Security "restricted".
// A namespace created beforehand needs them too.
var PodSecurityLabels = map[string]string{
	"pod-security.kubernetes.io/enforce":         "restricted",
	"pod-security.kubernetes.io/enforce-version": "latest",
	"pod-security.kubernetes.io/audit":           "restricted",
	"pod-security.kubernetes.io/warn":            "restricted",
}

// Props configures the Namespace.
type Props struct {
	// Release names the Namespace (Release.Namespace, a DNS label) and
	// labels it; its Annotations go on the Namespace.
	Release kube.Release
}

// Namespace is the construct.
type Namespace struct {
	constructs.Construct
	Namespace cdk8s.ApiObject
}

// NewNamespace adds the Namespace of the release.
func NewNamespace(scope constructs.Construct, id string, props Props) *Namespace {
	check(props)
	r := props.Release
	// A Namespace has no namespace, so not Meta.
	labels := kube.Merge(r.Labels(Component), PodSecurityLabels)
	c, ns := kube.NewResource(scope, id, kube.NamespaceKind, &k8s.KubeNamespaceProps{
		Metadata: &k8s.ObjectMeta{Name: kube.Str(r.Namespace), Labels: kube.StrMap(labels), Annotations: kube.StrMap(r.Annotations)},
	})
	return &Namespace{Construct: c, Namespace: ns}
}

func check(p Props) {
	r := kube.Refusals{Construct: "namespace"}
	r.Empty("Props.Release.Name", p.Release.Name)
	if errs := validation.IsDNS1123Label(p.Release.Namespace); p.Release.Namespace == "" {
		r.Refuse("Props.Release.Namespace is empty")
	} else if len(errs) > 0 {
		r.Refuse("Props.Release.Namespace %q is not a DNS label: %s", p.Release.Namespace, strings.Join(errs, "; "))
	}
	r.Check()
}
