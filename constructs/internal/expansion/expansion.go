// Package expansion reads strings as the kubelet does before it starts a
// container: in command, args, env values and exec probes it replaces
// $(VAR) with the value of the container's variable VAR, leaves a
// reference to an unknown variable as it is, and reduces $$ to $. This is
// a reading of the documented rules (the Container API's command, args
// and env fields), for tests: they check that values reach the container
// literally.
package expansion

import "strings"

// Expand is s as the container receives it; lookup returns a variable's
// value and whether the container has it.
func Expand(s string, lookup func(name string) (string, bool)) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteByte('$')
				continue
			}
			name := s[i+2 : i+2+end]
			if v, ok := lookup(name); ok {
				b.WriteString(v)
			} else {
				b.WriteString("$(" + name + ")")
			}
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

// Defined is a lookup in which every variable exists, and expands to
// <name>: any reference the kubelet would expand shows.
func Defined(name string) (string, bool) { return "<" + name + ">", true }
