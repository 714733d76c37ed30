package main

import (
	"encoding/base64"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/argoproj/gitops-engine/pkg/health"
	"github.com/argoproj/gitops-engine/pkg/sync/common"
	"github.com/argoproj/gitops-engine/pkg/utils/kube"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// reporter writes the tool's greppable stdout: one "argocd: " line per event.
type reporter struct {
	w io.Writer
	// mask replaces the values of the targets' Secrets in every line: an
	// API server's or kubectl's error may quote an object whole.
	mask *strings.Replacer
}

// maxMessage bounds an API message in a line; the API server's "field is
// immutable" errors, for one, dump the whole object.
const maxMessage = 400

// shorten keeps the start and the end of an over-long message.
func shorten(msg string) string {
	r := []rune(msg)
	if len(r) <= maxMessage {
		return msg
	}
	return string(r[:250]) + " … " + string(r[len(r)-140:])
}

func (r *reporter) printf(format string, args ...interface{}) {
	line := fmt.Sprintf(format, args...)
	if r.mask != nil {
		line = r.mask.Replace(line)
	}
	// One event, one line: flatten any newline an API message carries.
	line = strings.ReplaceAll(strings.TrimRight(line, "\n"), "\n", " ")
	fmt.Fprintf(r.w, "argocd: %s\n", line)
}

// maskSecrets makes the reporter hide the values of every Secret among
// objects, as written, decoded and encoded. Values shorter than four bytes
// are left: they cannot be told from ordinary text.
func (r *reporter) maskSecrets(objects []*unstructured.Unstructured) {
	var values []string
	for _, o := range objects {
		if o.GetKind() != "Secret" || o.GroupVersionKind().Group != "" {
			continue
		}
		data, _, _ := unstructured.NestedStringMap(o.Object, "data")
		for _, v := range data {
			values = append(values, v)
			if dec, err := base64.StdEncoding.DecodeString(v); err == nil {
				values = append(values, string(dec))
			}
		}
		plain, _, _ := unstructured.NestedStringMap(o.Object, "stringData")
		for _, v := range plain {
			values = append(values, v, base64.StdEncoding.EncodeToString([]byte(v)))
		}
	}
	// Longest first, so that a value is hidden whole before a part of it.
	sort.Slice(values, func(i, j int) bool { return len(values[i]) > len(values[j]) })
	var pairs []string
	for _, v := range values {
		if len(v) >= 4 {
			pairs = append(pairs, v, "***")
		}
	}
	if len(pairs) > 0 {
		r.mask = strings.NewReplacer(pairs...)
	}
}

// refOf formats group/Kind namespace/name ("/Service caracal/caracal-gateway",
// "/Namespace caracal" for cluster-scoped objects), as Argo CD writes
// resource references in its messages.
func refOf(group, kind, namespace, name string) string {
	if namespace == "" {
		return fmt.Sprintf("%s/%s %s", group, kind, name)
	}
	return fmt.Sprintf("%s/%s %s/%s", group, kind, namespace, name)
}

func refOfKey(k kube.ResourceKey) string {
	return refOf(k.Group, k.Kind, k.Namespace, k.Name)
}

// waveLabel is "wave 3", or "PreSync wave 0" outside the Sync phase.
func waveLabel(phase common.SyncPhase, wave int) string {
	if phase == "" || phase == common.SyncPhaseSync {
		return fmt.Sprintf("wave %d", wave)
	}
	return fmt.Sprintf("%s wave %d", phase, wave)
}

// healthText is "Progressing: message" or just the status.
func healthText(h *health.HealthStatus) string {
	if h == nil {
		return "no health check"
	}
	if h.Message == "" {
		return string(h.Status)
	}
	return fmt.Sprintf("%s: %s", h.Status, shorten(h.Message))
}

// duration formats an elapsed time like "23.4s" or "2m3.1s".
func duration(d time.Duration) string {
	d = d.Round(100 * time.Millisecond)
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.String()
}

// joinLimited joins items with "; ", naming at most limit of them.
func joinLimited(items []string, limit int) string {
	if len(items) <= limit {
		return strings.Join(items, "; ")
	}
	return strings.Join(items[:limit], "; ") + fmt.Sprintf("; and %d more", len(items)-limit)
}

// resultEvent describes a change in one resource's sync result between two
// states of the operation, or "" when nothing worth a line changed.
// created tells whether the object had no live counterpart when the engine
// applied it; modified whether the comparison before the sync found it
// OutOfSync; hasHealth whether gitops-engine has a health check for its kind.
//
// The engine blanks a hook's Status once it starts tracking the hook's
// phase, so only a change to a non-empty Status counts as a new result.
func resultEvent(prev *common.ResourceSyncResult, cur common.ResourceSyncResult, created, modified, hasHealth bool) string {
	hookSuffix := ""
	if cur.HookType != "" {
		hookSuffix = fmt.Sprintf(" (hook %s)", cur.HookType)
	}
	if cur.Status != "" && (prev == nil || prev.Status != cur.Status) {
		switch cur.Status {
		case common.ResultCodeSyncFailed:
			return fmt.Sprintf("SyncFailed%s: %s", hookSuffix, shorten(cur.Message))
		case common.ResultCodePruned:
			return "pruned"
		case common.ResultCodePruneSkipped:
			return fmt.Sprintf("prune skipped: %s", shorten(cur.Message))
		case common.ResultCodeSynced:
			action := "unchanged"
			switch {
			case created:
				action = "created"
			case cur.HookType != "":
				// Hooks are not compared; the existing one was applied again.
				action = "re-applied"
			case modified:
				action = "configured"
			}
			if cur.HookPhase.Completed() && (cur.HookType != "" || hasHealth || !cur.HookPhase.Successful()) {
				return action + hookSuffix + ", " + phaseText(cur)
			}
			return action + hookSuffix
		}
	}
	prevPhase := common.OperationPhase("")
	if prev != nil {
		prevPhase = prev.HookPhase
	}
	if prevPhase == cur.HookPhase || cur.Status == common.ResultCodePruned || cur.Status == common.ResultCodePruneSkipped {
		return ""
	}
	if prev == nil && cur.HookPhase == common.OperationRunning {
		return ""
	}
	if cur.HookType == "" && cur.HookPhase.Successful() && !hasHealth {
		// Nothing to report: kinds without a health check succeed as soon
		// as they are applied.
		return ""
	}
	return phaseText(cur)
}

// phaseText describes a result's operation phase: hooks by their phase,
// ordinary resources by the health the engine waited for.
func phaseText(r common.ResourceSyncResult) string {
	if r.HookType != "" {
		if r.HookPhase.Successful() || r.Message == "" {
			return string(r.HookPhase)
		}
		return fmt.Sprintf("%s: %s", r.HookPhase, shorten(r.Message))
	}
	switch r.HookPhase {
	case common.OperationSucceeded:
		return "Healthy"
	case common.OperationFailed:
		if r.Message != "" {
			return "Degraded: " + shorten(r.Message)
		}
		return "Degraded"
	}
	if r.Message != "" {
		return fmt.Sprintf("%s: %s", r.HookPhase, shorten(r.Message))
	}
	return string(r.HookPhase)
}

// sortedKeys returns a map's keys in order, for stable output.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
