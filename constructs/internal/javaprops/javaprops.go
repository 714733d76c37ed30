// Package javaprops reads a Java properties file the way
// java.util.Properties.load documents it, for tests: they check that
// values written into one come back exactly, as the only entries they
// were meant to be.
package javaprops

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Entry is one key and its value.
type Entry struct{ Key, Value string }

// Load reads the entries of a file, in order. The file must be ASCII, as
// Properties.load(InputStream) reads ISO 8859-1.
func Load(text string) ([]Entry, error) {
	for i := 0; i < len(text); i++ {
		if text[i] > 0x7e || text[i] < 0x20 && !strings.ContainsRune("\n\r\t\f", rune(text[i])) {
			return nil, fmt.Errorf("byte %d (%#x) is not printable ASCII", i, text[i])
		}
	}
	var out []Entry
	for _, line := range logicalLines(naturalLines(text)) {
		key, rest := split(line)
		k, err := unescape(key)
		if err != nil {
			return nil, err
		}
		v, err := unescape(rest)
		if err != nil {
			return nil, err
		}
		out = append(out, Entry{k, v})
	}
	return out, nil
}

// naturalLines splits on \n, \r or \r\n.
func naturalLines(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	return strings.Split(text, "\n")
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\f' }

func trimLeft(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	return s
}

// logicalLines drops blank lines and comments, and joins a line that ends
// in an odd number of backslashes with the next, whose leading whitespace
// is dropped.
func logicalLines(natural []string) []string {
	var out []string
	for i := 0; i < len(natural); i++ {
		line := trimLeft(natural[i])
		if line == "" || line[0] == '#' || line[0] == '!' {
			continue
		}
		for continued(line) && i+1 < len(natural) {
			i++
			line = line[:len(line)-1] + trimLeft(natural[i])
		}
		if continued(line) {
			line = line[:len(line)-1]
		}
		out = append(out, line)
	}
	return out
}

func continued(line string) bool {
	n := 0
	for i := len(line) - 1; i >= 0 && line[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}

// split ends the key at the first unescaped =, : or whitespace; the
// separator and the whitespace around it are dropped.
func split(line string) (key, value string) {
	i := 0
	for i < len(line) {
		c := line[i]
		if c == '\\' {
			i += 2
			continue
		}
		if c == '=' || c == ':' || isSpace(c) {
			break
		}
		i++
	}
	if i > len(line) {
		i = len(line)
	}
	key, rest := line[:i], trimLeft(line[i:])
	if rest != "" && (rest[0] == '=' || rest[0] == ':') {
		rest = trimLeft(rest[1:])
	}
	return key, rest
}

// unescape reads \t \n \r \f \uXXXX, and \c as c for any other c.
func unescape(s string) (string, error) {
	var units []uint16
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			units = append(units, uint16(c))
			continue
		}
		i++
		switch s[i] {
		case 't':
			units = append(units, '\t')
		case 'n':
			units = append(units, '\n')
		case 'r':
			units = append(units, '\r')
		case 'f':
			units = append(units, '\f')
		case 'u':
			if i+5 > len(s) {
				return "", fmt.Errorf("malformed \\uxxxx in %q", s)
			}
			n, err := strconv.ParseUint(s[i+1:i+5], 16, 16)
			if err != nil {
				return "", fmt.Errorf("malformed \\uxxxx in %q", s)
			}
			units = append(units, uint16(n))
			i += 4
		default:
			units = append(units, uint16(s[i]))
		}
	}
	return string(utf16.Decode(units)), nil
}
