package values

import (
	"fmt"
	"strings"
)

// MarkdownTable renders every key as README tables, one per top-level
// section, from the schema: key, type, default and description.
func MarkdownTable() string {
	var b strings.Builder
	section := ""
	for _, p := range Params() {
		top, _, _ := strings.Cut(p.Key, ".")
		if top != section {
			if section != "" {
				b.WriteString("\n")
			}
			section = top
			fmt.Fprintf(&b, "#### `%s`\n\n| Key | Type | Default | Description |\n|---|---|---|---|\n", top)
		}
		doc := p.Doc
		if p.Enum != nil {
			doc += " (one of " + strings.Join(p.Enum, ", ") + ")"
		}
		fmt.Fprintf(&b, "| `%s` | %s | `%s` | %s |\n", p.Key, p.Kind, p.Default, strings.ReplaceAll(doc, "|", `\|`))
	}
	return b.String()
}
