package values

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// maxFileSize bounds a values file; real ones are a few kilobytes.
const maxFileSize = 4 << 20

// Source is the content of one values file.
type Source struct {
	Name string // as given by the user, used in messages
	Data []byte
}

// Load reads the values files in order, then applies the --set arguments,
// over the defaults, and validates the result. Later files win and
// mappings merge deeply, as with Helm. The error, if any, is an *Error that
// lists every problem with its file, line and key. "-" reads standard input.
func Load(files, sets []string) (*Values, error) {
	srcs, err := Read(files)
	if err != nil {
		return nil, err
	}
	return Parse(srcs, sets)
}

// Read reads values files ("-" is standard input), so that several loads
// can share them.
func Read(files []string) ([]Source, error) {
	var probs problems
	srcs := make([]Source, 0, len(files))
	stdin := false
	for _, name := range files {
		if name == "-" {
			if stdin {
				// The first read takes all of it; a second would be empty.
				probs.add(Pos{File: name}, "", "standard input is read once: give -f - only once")
				continue
			}
			stdin = true
		}
		data, err := readFile(name)
		if err != nil {
			// -f postgresql.auth.password=... was meant as a --set; the
			// name is shown as --set would show it.
			if strings.Contains(name, "=") {
				probs.add(Pos{File: RedactSet(name)}, "", "cannot read the values file: %v (a KEY=VALUE is given with --set)", err)
				continue
			}
			probs.add(Pos{File: name}, "", "cannot read the values file: %v", err)
			continue
		}
		srcs = append(srcs, Source{Name: name, Data: data})
	}
	return srcs, probs.err()
}

func readFile(name string) ([]byte, error) {
	var r io.Reader
	if name == "-" {
		r = os.Stdin
	} else {
		// Opened without blocking, then checked: a named pipe put in
		// place of the file would otherwise wait for a writer for ever.
		f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			return nil, unwrapPath(err)
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return nil, unwrapPath(err)
		}
		if st.IsDir() {
			return nil, errors.New("it is a directory")
		}
		if !st.Mode().IsRegular() {
			return nil, errors.New("it is not a regular file (a named pipe, device or socket); to read from a pipe, give it as standard input with -f -")
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, unwrapPath(err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("it is larger than %d MiB", maxFileSize>>20)
	}
	return data, nil
}

// unwrapPath drops the path from *fs.PathError: messages name the file once.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Parse is Load for content already in memory.
func Parse(srcs []Source, sets []string) (*Values, error) {
	v := Defaults()
	origins := map[string]Pos{}
	var probs problems
	root := reflect.ValueOf(v).Elem()
	for _, src := range srcs {
		doc, err := parseDocument(src)
		if err != nil {
			probs = append(probs, *err)
			continue
		}
		if doc == nil {
			continue // an empty file changes nothing, as with Helm
		}
		var fileProbs problems
		d := &decoder{file: src.Name, origins: origins, probs: &fileProbs}
		d.mapping(doc, root, schema())
		if d.bombed {
			// The rest is noise about a document we refuse to read.
			fileProbs = fileProbs[len(fileProbs)-1:]
		}
		probs = append(probs, fileProbs...)
	}
	for _, arg := range sets {
		applySet(v, arg, origins, &probs)
	}
	probs = append(probs, validate(v, origins, len(probs) == 0)...)
	if err := probs.err(); err != nil {
		return nil, err
	}
	return v, nil
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): `)

// parseDocument parses one values file into its single YAML document;
// nil for an empty file.
func parseDocument(src Source) (doc *yaml.Node, prob *Problem) {
	defer func() {
		// The YAML parser must never take the process down with it. Its
		// panic says where nothing is: line 1, so that the file is named
		// as for every other problem in it.
		if r := recover(); r != nil {
			doc, prob = nil, &Problem{Pos: Pos{File: src.Name, Line: 1}, Msg: fmt.Sprintf("not valid YAML: %v", r)}
		}
	}()
	// The parser names no line for invalid UTF-8. A UTF-16 file (with its
	// byte order mark) is left to it: it reads those.
	if !utf8.Valid(src.Data) && !bytes.HasPrefix(src.Data, []byte{0xff, 0xfe}) && !bytes.HasPrefix(src.Data, []byte{0xfe, 0xff}) {
		line, col := firstInvalidUTF8(src.Data)
		return nil, &Problem{Pos: Pos{File: src.Name, Line: line, Col: col}, Msg: "not valid YAML: invalid UTF-8; save the file as UTF-8"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(src.Data))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, yamlProblem(src, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		if err != nil {
			return nil, yamlProblem(src, err)
		}
		return nil, &Problem{Pos: Pos{File: src.Name, Line: extra.Line, Col: extra.Column}, Msg: "a values file holds one YAML document; this is a second one (after ---)"}
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return n.Content[0], nil
	}
	return nil, nil
}

func yamlProblem(src Source, err error) *Problem {
	msg := err.Error()
	p := Pos{File: src.Name}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
		// The YAML parser (unlike its scanner) reports 0-based lines: the
		// start of the block where it got lost.
		if strings.HasPrefix(msg, "did not find expected ") && !strings.HasPrefix(msg, "did not find expected comment") {
			p.Line++
		}
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
		// yaml.v3 leaves the line out when it is the first one, and for an
		// alias to an unknown anchor, which it reports without a position.
		p.Line = 1
		if m := unknownAnchor.FindStringSubmatch(msg); m != nil {
			p.Line, p.Col = aliasPos(src.Data, m[1])
			// The name is left out: the position shows it, and an
			// unquoted password that starts with * reads as an alias.
			msg = "an alias (a value starting with *) refers to no anchor; quote the value if the * belongs to it"
		}
	}
	return &Problem{Pos: p, Msg: "not valid YAML: " + msg}
}

var unknownAnchor = regexp.MustCompile(`^unknown anchor '(.+)' referenced$`)

// aliasPos finds the first alias *name outside a comment: the one the
// parser failed on, as no anchor &name came before it. Line 1 when not
// found.
func aliasPos(data []byte, name string) (line, col int) {
	// An alias follows a blank or a flow indicator; its name ends at a
	// character that cannot be in one.
	re := regexp.MustCompile(`(^|[\s\[{,])(\*` + regexp.QuoteMeta(name) + `)($|[^0-9A-Za-z_-])`)
	for i, l := range strings.Split(string(data), "\n") {
		m := re.FindStringSubmatchIndex(l)
		if m == nil {
			continue
		}
		before := l[:m[4]]
		if strings.HasPrefix(strings.TrimSpace(before), "#") || strings.Contains(before, " #") || strings.Contains(before, "\t#") {
			continue // the rest of the line is a comment
		}
		return i + 1, utf8.RuneCountInString(before) + 1
	}
	return 1, 0
}

// firstInvalidUTF8 is the line and column of the first byte of data that
// is not UTF-8.
func firstInvalidUTF8(data []byte) (line, col int) {
	line, col = 1, 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size == 1 {
			return line, col
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		data = data[size:]
	}
	return line, col
}
