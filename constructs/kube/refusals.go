package kube

import (
	"fmt"
	"strings"
)

// Refusals gathers what a construct refuses in its props, so that a zero
// value that has no sensible default fails at construction, naming the
// construct and the field, instead of rendering port 0 or image ":" (as
// cdk8s throws on invalid props).
type Refusals struct {
	// Construct heads the message, e.g. "gateway".
	Construct string
	problems  []string
}

// Refuse records a problem, e.g. "Props.Port is 0".
func (r *Refusals) Refuse(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

// Empty refuses an empty string.
func (r *Refusals) Empty(field, value string) {
	if value == "" {
		r.Refuse("%s is empty", field)
	}
}

// Port refuses a number that is no TCP port.
func (r *Refusals) Port(field string, port int) {
	if port < 1 || port > 65535 {
		r.Refuse("%s is %d, not a port from 1 to 65535", field, port)
	}
}

// AtLeast refuses n below least.
func (r *Refusals) AtLeast(field string, n, least int) {
	if n < least {
		r.Refuse("%s is %d, below %d", field, n, least)
	}
}

// Release refuses a Release without the identity its objects need.
func (r *Refusals) Release(field string, rel Release) {
	r.Empty(field+".Name", rel.Name)
	r.Empty(field+".Namespace", rel.Namespace)
	r.Empty(field+".ClusterDomain", rel.ClusterDomain)
}

// Image refuses an image that is not pinned or has no pull policy.
func (r *Refusals) Image(field string, img Image) {
	r.Empty(field+".Repository", img.Repository)
	r.Empty(field+".Tag", img.Tag)
	r.Empty(field+".PullPolicy", img.PullPolicy)
}

// SecretKey refuses a reference without its Secret or key.
func (r *Refusals) SecretKey(field string, k SecretKey) {
	r.Empty(field+".Name", k.Name)
	r.Empty(field+".Key", k.Key)
}

// Check panics with every problem recorded, if any.
func (r *Refusals) Check() {
	if len(r.problems) > 0 {
		panic(r.Construct + ": " + strings.Join(r.problems, "; "))
	}
}
