package values

import "strings"

// nearest returns the candidate closest to s, or "" when none is close
// enough to be a plausible typo.
func nearest(s string, candidates []string) string {
	best, bestD := "", 0
	ls := strings.ToLower(s)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := levenshtein(ls, lc)
		// An edit of up to a third of the word is close, and so is a long
		// shared start ("replicas" for "replicaCount").
		close := d <= max(2, len(lc)/3) || commonPrefix(ls, lc) >= max(4, min(len(ls), len(lc))*2/3)
		if close && (best == "" || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// suggestKey proposes a valid key for an unknown one: a sibling that looks
// like a typo, else the same name where it exists elsewhere in the tree
// (gateway.storageClass -> global.storageClass).
func suggestKey(parent *field, name string) string {
	siblings := make([]string, 0, len(parent.children))
	for _, c := range parent.children {
		siblings = append(siblings, c.name)
	}
	if near := nearest(name, siblings); near != "" {
		return join(parent.key, near)
	}
	for _, k := range Keys() {
		last := k[strings.LastIndex(k, ".")+1:]
		if strings.EqualFold(last, name) {
			return k
		}
	}
	return ""
}

func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}
