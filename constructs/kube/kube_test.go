package kube

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestSelectorLabelsAreStableSubsetOfLabels(t *testing.T) {
	r := Release{Name: "caracal", Namespace: "ns", Version: "0.3.0"}
	labels, sel := r.Labels("kafka"), r.SelectorLabels("kafka")
	for k, v := range sel {
		if labels[k] != v {
			t.Errorf("selector label %s=%s not on the objects", k, v)
		}
	}
	// The version changes with every upgrade; selectors are immutable.
	if _, ok := sel["app.kubernetes.io/version"]; ok {
		t.Error("the version must not be part of a selector")
	}
	if len(sel) != 3 {
		t.Errorf("selector %v", sel)
	}
	r.Version = "0.4.0"
	if !reflect.DeepEqual(r.SelectorLabels("kafka"), sel) {
		t.Error("an upgrade changed a selector")
	}
}

func TestImageRef(t *testing.T) {
	if got := (Image{Repository: "docker.io/library/redis", Tag: "7.4.5"}).Ref(); got != "docker.io/library/redis:7.4.5" {
		t.Error(got)
	}
}

func TestChecksum(t *testing.T) {
	if Checksum("a", "b") == Checksum("ab") {
		t.Error("checksum must separate parts")
	}
}

// Any change of the configuration data, a name or a content, rolls the pods.
func TestConfigChecksum(t *testing.T) {
	base := map[string]string{"a.conf": "x=1", "b.conf": "y=2"}
	for name, changed := range map[string]map[string]string{
		"content":   {"a.conf": "x=2", "b.conf": "y=2"},
		"file name": {"a.conf": "x=1", "c.conf": "y=2"},
		"new file":  {"a.conf": "x=1", "b.conf": "y=2", "c.conf": ""},
		"boundary":  {"a.conf": "x=1b.conf", "": "y=2"},
	} {
		if ConfigChecksum(changed) == ConfigChecksum(base) {
			t.Errorf("%s: the checksum did not change", name)
		}
	}
	if ConfigChecksum(base) != Checksum("a.conf", "x=1", "b.conf", "y=2") {
		t.Error("the checksum must follow the sorted names, whatever the map order")
	}
}

func TestServiceHost(t *testing.T) {
	r := Release{Namespace: "prod", ClusterDomain: "cluster.local"}
	if got := r.ServiceHost("caracal-redis"); got != "caracal-redis.prod.svc.cluster.local" {
		t.Error(got)
	}
}

// A Service host goes into URLs, host lists and configuration files: what
// is no DNS name is refused.
func TestServiceHostRefusesWhatIsNoDNSName(t *testing.T) {
	if got := (Release{Namespace: "prod", ClusterDomain: "cluster.local."}).ServiceHost("x"); got != "x.prod.svc.cluster.local." {
		t.Error(got)
	}
	for _, r := range []Release{
		{Namespace: "prod", ClusterDomain: "cluster.local\nlisteners=EVIL"},
		{Namespace: "prod", ClusterDomain: "evil.example/x?"},
		{Namespace: "prod", ClusterDomain: "a,b:1"},
		{Namespace: "a.b", ClusterDomain: "cluster.local"},
		{Namespace: "Prod", ClusterDomain: "cluster.local"},
	} {
		func() {
			defer func() {
				if msg := recover(); msg == nil || !strings.Contains(fmt.Sprint(msg), "is not a DNS name") {
					t.Errorf("%+v: %v", r, msg)
				}
			}()
			r.ServiceHost("x")
		}()
	}
}

// A construct refuses every zero value without a default at once, naming
// itself and each field.
func TestRefusals(t *testing.T) {
	r := Refusals{Construct: "demo"}
	r.Empty("Props.Name", "")
	r.Port("Props.Port", 0)
	r.AtLeast("Props.Replicas", 0, 1)
	r.Release("Props.Release", Release{Name: "caracal"})
	r.Image("Props.Image", Image{Repository: "r", Tag: "t"})
	r.SecretKey("Props.Password", SecretKey{Name: "s"})
	want := "demo: Props.Name is empty; Props.Port is 0, not a port from 1 to 65535; Props.Replicas is 0, below 1; " +
		"Props.Release.Namespace is empty; Props.Release.ClusterDomain is empty; Props.Image.PullPolicy is empty; Props.Password.Key is empty"
	func() {
		defer func() {
			if got := fmt.Sprint(recover()); got != want {
				t.Errorf("panic %q\nwant  %q", got, want)
			}
		}()
		r.Check()
	}()
	ok := Refusals{Construct: "demo"}
	ok.Empty("Props.Name", "x")
	ok.Port("Props.Port", 65535)
	ok.Release("Props.Release", Release{Name: "a", Namespace: "b", ClusterDomain: "c"})
	ok.Check() // no panic
}
