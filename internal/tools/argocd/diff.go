package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/argoproj/gitops-engine/pkg/diff"
	"github.com/argoproj/gitops-engine/pkg/sync"
	"github.com/argoproj/gitops-engine/pkg/sync/hook"
	"github.com/argoproj/gitops-engine/pkg/sync/ignore"
	"github.com/argoproj/gitops-engine/pkg/utils/kube"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/managedfields"
)

// statusIgnorer is the normaliser Argo CD 3.x configures by default
// (resource.compareoptions ignoreResourceStatusField defaults to "all"): a
// resource override for */* that ignores /status. Argo CD's other default
// normaliser, the "known types" one, only has a built-in entry for Argo
// Rollouts, which we do not deploy, so it is not reproduced here.
type statusIgnorer struct{}

func (statusIgnorer) Normalize(un *unstructured.Unstructured) error {
	unstructured.RemoveNestedField(un.Object, "status")
	return nil
}

// diffOptions are the gitops-engine diff options Argo CD's controller uses
// for an Application with ServerSideApply=true and default settings:
// structured-merge diff as manager argocd-controller with the cluster's
// GVK parser, no server-side diff, aggregated roles not ignored, mutation
// webhooks ignored.
func diffOptions(serverSideApply bool, parser *managedfields.GvkParser) []diff.Option {
	return []diff.Option{
		diff.WithNormalizer(statusIgnorer{}),
		diff.IgnoreAggregatedRoles(false),
		diff.WithStructuredMergeDiff(serverSideApply),
		diff.WithGVKParser(parser),
		diff.WithManager(ssaManager),
		diff.WithServerSideDiff(false),
		diff.WithIgnoreMutationWebhook(true),
		diff.WithLogr(quietLogger),
	}
}

// resourceStatus is one row of the comparison, as in the Application's
// status.resources.
type resourceStatus struct {
	Key       kube.ResourceKey
	Target    *unstructured.Unstructured
	Live      *unstructured.Unstructured
	Hook      bool
	Counted   bool // false for hooks, ignored and foreign objects: they never make the app OutOfSync
	OutOfSync bool
	Summary   string
}

// compare computes the sync status of every reconciled resource the way the
// controller's CompareAppState does.
func compare(recon sync.ReconciliationResult, app string, opts []diff.Option) ([]resourceStatus, error) {
	lives := make([]*unstructured.Unstructured, len(recon.Target))
	targets := make([]*unstructured.Unstructured, len(recon.Target))
	for i := range recon.Target {
		if recon.Target[i] != nil {
			targets[i] = recon.Target[i].DeepCopy()
		}
		if recon.Live[i] != nil {
			lives[i] = recon.Live[i].DeepCopy()
		}
		normalizeTracking(targets[i], lives[i])
	}
	results, err := diff.DiffArray(targets, lives, opts...)
	if err != nil {
		return nil, fmt.Errorf("failed to compare desired state to live state: %w", err)
	}
	out := make([]resourceStatus, 0, len(recon.Target))
	for i, target := range recon.Target {
		live := recon.Live[i]
		obj := target
		if obj == nil {
			obj = live
		}
		if obj == nil {
			continue
		}
		rs := resourceStatus{Key: kube.GetResourceKey(obj), Target: target, Live: live, Hook: hook.IsHook(obj)}
		rs.Counted = !rs.Hook && !ignore.Ignore(obj) && !(target != nil && hook.Skip(target)) &&
			isSelfReferencedObj(live, target, app)
		if !rs.Counted {
			out = append(out, rs)
			continue
		}
		dr := results.Diffs[i]
		switch {
		case live == nil:
			rs.OutOfSync, rs.Summary = true, "missing from the cluster"
		case target == nil:
			rs.OutOfSync, rs.Summary = true, "not in the manifests (to be pruned)"
			if hasCompareOption(live, "IgnoreExtraneous") {
				// Argo CD shows it OutOfSync but does not count it.
				rs.Counted = false
			}
		case dr.Modified:
			rs.OutOfSync, rs.Summary = true, summarizeDiff(dr.NormalizedLive, dr.PredictedLive)
		}
		out = append(out, rs)
	}
	return out, nil
}

func hasCompareOption(obj *unstructured.Unstructured, option string) bool {
	for _, o := range strings.Split(obj.GetAnnotations()["argocd.argoproj.io/compare-options"], ",") {
		if strings.TrimSpace(o) == option {
			return true
		}
	}
	return false
}

// maxDiffPaths bounds how many differing paths a summary names.
const maxDiffPaths = 8

// noisyPaths are bookkeeping fields that say nothing about what would change.
var noisyPaths = map[string]bool{
	"metadata.managedFields":     true,
	"metadata.resourceVersion":   true,
	"metadata.generation":        true,
	"metadata.uid":               true,
	"metadata.creationTimestamp": true,
}

// summarizeDiff names the paths where the predicted live state (live with
// the manifest applied) differs from the normalized live state. It never
// includes a value, only map keys and list indexes, so Secret data cannot
// leak through it.
func summarizeDiff(normalizedLive, predictedLive []byte) string {
	var a, b interface{}
	if err := json.Unmarshal(normalizedLive, &a); err != nil {
		return "differs (live state unreadable)"
	}
	if err := json.Unmarshal(predictedLive, &b); err != nil {
		return "differs (predicted state unreadable)"
	}
	var paths []string
	diffPaths("", a, b, &paths)
	kept := paths[:0]
	for _, p := range paths {
		if !noisyPaths[p] {
			kept = append(kept, p)
		}
	}
	paths = kept
	if len(paths) == 0 {
		return "differs"
	}
	sort.Strings(paths)
	more := ""
	if len(paths) > maxDiffPaths {
		more = fmt.Sprintf(" (+%d more)", len(paths)-maxDiffPaths)
		paths = paths[:maxDiffPaths]
	}
	return strings.Join(paths, ", ") + more
}

func diffPaths(prefix string, a, b interface{}, out *[]string) {
	switch av := a.(type) {
	case map[string]interface{}:
		bv, ok := b.(map[string]interface{})
		if !ok {
			*out = append(*out, orRoot(prefix))
			return
		}
		keys := map[string]bool{}
		for k := range av {
			keys[k] = true
		}
		for k := range bv {
			keys[k] = true
		}
		for k := range keys {
			x, inA := av[k]
			y, inB := bv[k]
			p := joinPath(prefix, k)
			switch {
			case inA && inB:
				diffPaths(p, x, y, out)
			default:
				*out = append(*out, p)
			}
		}
	case []interface{}:
		bv, ok := b.([]interface{})
		if !ok {
			*out = append(*out, orRoot(prefix))
			return
		}
		n := len(av)
		if len(bv) > n {
			n = len(bv)
		}
		for i := 0; i < n; i++ {
			p := fmt.Sprintf("%s[%d]", prefix, i)
			if i >= len(av) || i >= len(bv) {
				*out = append(*out, p)
				continue
			}
			diffPaths(p, av[i], bv[i], out)
		}
	default:
		if !scalarEqual(a, b) {
			*out = append(*out, orRoot(prefix))
		}
	}
}

func scalarEqual(a, b interface{}) bool {
	switch b.(type) {
	case map[string]interface{}, []interface{}:
		return false
	}
	return a == b
}

func joinPath(prefix, key string) string {
	if strings.ContainsAny(key, ".[]") {
		key = "[" + key + "]"
		return prefix + key
	}
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func orRoot(p string) string {
	if p == "" {
		return "(whole object)"
	}
	return p
}
