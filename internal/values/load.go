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
	for _, name := range files {
		data, err := readFile(name)
		if err != nil {
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
		f, err := os.Open(name)
		if err != nil {
			return nil, unwrapPath(err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return nil, errors.New("it is a directory")
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
		// The YAML parser must never take the process down with it.
		if r := recover(); r != nil {
			doc, prob = nil, &Problem{Pos: Pos{File: src.Name}, Msg: fmt.Sprintf("not valid YAML: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(src.Data))
	var n yaml.Node
	if err := dec.Decode(&n); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, yamlProblem(src.Name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		if err != nil {
			return nil, yamlProblem(src.Name, err)
		}
		return nil, &Problem{Pos: Pos{File: src.Name, Line: extra.Line, Col: extra.Column}, Msg: "a values file holds one YAML document; this is a second one (after ---)"}
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return n.Content[0], nil
	}
	return nil, nil
}

func yamlProblem(file string, err error) *Problem {
	msg := err.Error()
	p := Pos{File: file}
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
		// The YAML parser (unlike its scanner) reports 0-based lines: the
		// start of the block where it got lost.
		if strings.HasPrefix(msg, "did not find expected ") && !strings.HasPrefix(msg, "did not find expected comment") {
			p.Line++
		}
	} else {
		msg = regexp.MustCompile(`^yaml: `).ReplaceAllString(msg, "")
	}
	return &Problem{Pos: p, Msg: "not valid YAML: " + msg}
}
