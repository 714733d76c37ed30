package clusterdiff

import (
	"fmt"
	"io"
	"sort"

	"caracal.dev/caracal-cdk8s/internal/diff"
)

// Report is what a sync of the output would do to the cluster.
type Report struct {
	Context, Server string
	Changed         []Entry // live, and the dry run changes fields
	Created         []Entry // not live
	Pruned          []Entry // live with the output's labels, not in the output
	Kept            []Entry // as Pruned, but annotated not to be pruned
	Failed          []Entry // the server refuses it, or does not serve its kind
	Unchanged       int
	Unchecked       map[string]int // new objects, by namespace, the server could not check: the namespace does not exist yet
	Selector        string         // the labels pruning looked for
	PruneNote       string         // why pruning was not checked
	Warnings        []string       // the server's, by object
}

// Entry is one object of the report.
type Entry struct {
	ID, File string
	Fields   []diff.Field // changed fields, a Secret's values redacted
	Notes    []string     // why it fails, what to do
}

// HasChanges reports whether a sync would do anything, or fail: the exit
// status 1 of kubectl diff.
func (r *Report) HasChanges() bool {
	return len(r.Changed)+len(r.Created)+len(r.Pruned)+len(r.Failed) > 0
}

// sort orders what the cluster listed (prune candidates) by kind,
// namespace and name; the output's objects keep the output's order.
func (r *Report) sort() {
	for _, list := range [][]Entry{r.Pruned, r.Kept} {
		sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	}
}

// addWarnings records the server's warnings for an object. A Secret's
// are not shown: a warning may quote a value.
func (r *Report) addWarnings(id string, secret bool, warnings []string) {
	if secret && len(warnings) > 0 {
		warnings = []string{fmt.Sprintf("%d warning(s), not shown: they may quote the Secret's data", len(warnings))}
	}
	for _, w := range warnings {
		r.Warnings = append(r.Warnings, id+": "+w)
	}
}

// Write prints the report section by section, then a summary line.
func (r *Report) Write(w io.Writer) {
	section(w, "Would change", "~", r.Changed)
	section(w, "Would create", "+", r.Created, r.uncheckedNotes()...)
	section(w, "Would prune (live, with the labels "+r.Selector+", absent from the output)", "-", r.Pruned)
	section(w, "Left in place (absent from the output, but annotated not to be pruned)", "=", r.Kept)
	section(w, "Would fail", "!", r.Failed)
	if r.PruneNote != "" {
		fmt.Fprintf(w, "Pruning %s.\n", r.PruneNote)
	}
	where := fmt.Sprintf("context %q, %s", r.Context, r.Server)
	if !r.HasChanges() {
		fmt.Fprintf(w, "no changes: %d objects match the cluster (%s)\n", r.Unchanged, where)
		return
	}
	fmt.Fprintf(w, "%d to change, %d to create, %d to prune, %d would fail, %d unchanged (%s)\n",
		len(r.Changed), len(r.Created), len(r.Pruned), len(r.Failed), r.Unchanged, where)
}

// uncheckedNotes say which new objects the server could not check.
func (r *Report) uncheckedNotes() []string {
	var out []string
	for _, ns := range sortedKeys(r.Unchecked) {
		n := r.Unchecked[ns]
		out = append(out, fmt.Sprintf("The namespace %s does not exist yet: the server could not check the %d object%s to create in it.", ns, n, plural(n)))
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// section prints one kind of change, each entry with its fields and
// notes, then the footer.
func section(w io.Writer, title, op string, entries []Entry, footer ...string) {
	if len(entries) == 0 {
		return
	}
	fmt.Fprintf(w, "%s:\n", title)
	for _, e := range entries {
		if e.File != "" {
			fmt.Fprintf(w, "%s %s (%s)\n", op, e.ID, e.File)
		} else {
			fmt.Fprintf(w, "%s %s\n", op, e.ID)
		}
		diff.WriteFields(w, e.Fields)
		for _, n := range e.Notes {
			fmt.Fprintf(w, "    %s\n", n)
		}
	}
	for _, f := range footer {
		fmt.Fprintln(w, f)
	}
	fmt.Fprintln(w)
}
