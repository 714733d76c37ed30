package values

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// Pos is where a value came from: a line of a values file, a --set flag,
// or the built-in defaults (zero Pos).
type Pos struct {
	File string // values file as given on the command line
	Line int    // 1-based; 0 when unknown
	Col  int
	Set  string // the --set pair, when the value came from --set; a value that may be secret reads Redacted
	// Anchored: the value was written through a YAML anchor or alias, so
	// it may be a secret aliased into the wrong place; never shown.
	Anchored bool
}

func (p Pos) String() string {
	switch {
	case p.Set != "":
		// A line break or another control character in the pair would
		// split the message, or forge a line of it: such a pair is quoted.
		if strings.IndexFunc(p.Set, unicode.IsControl) >= 0 {
			return "--set " + strconv.Quote(p.Set)
		}
		return fmt.Sprintf("--set %s", p.Set)
	case p.File == "":
		return "built-in default"
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	default:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
	}
}

// IsDefault reports whether the value was never set by the user.
func (p Pos) IsDefault() bool { return p.File == "" && p.Set == "" }

// Problem is one invalid input: where, which key, what is wrong.
type Problem struct {
	Pos Pos
	Key string // dotted key; "" when the problem is about a whole file
	Msg string
}

func (p Problem) String() string {
	if p.Key == "" {
		return fmt.Sprintf("%s: %s", p.Pos, p.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", p.Pos, p.Key, p.Msg)
}

// Error is returned for invalid input. It lists every problem found, in the
// order of the inputs, one per line.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// problems collects Problems; a nil *Error when there are none.
type problems []Problem

func (ps *problems) add(pos Pos, key, format string, args ...any) {
	*ps = append(*ps, Problem{Pos: pos, Key: key, Msg: fmt.Sprintf(format, args...)})
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &Error{Problems: ps}
}
