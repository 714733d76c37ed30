package kube

import (
	"sort"

	"github.com/aws/jsii-runtime-go"
)

// Small converters to the pointer-heavy jsii structs.

func Str(s string) *string { return jsii.String(s) }

func Num(n int) *float64 { return jsii.Number(float64(n)) }

func Bool(b bool) *bool { return jsii.Bool(b) }

func Strs(ss ...string) *[]*string {
	out := make([]*string, len(ss))
	for i, s := range ss {
		out[i] = jsii.String(s)
	}
	return &out
}

// StrMap converts a map; nil for an empty one so that the field is omitted.
func StrMap(m map[string]string) *map[string]*string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = jsii.String(v)
	}
	return &out
}

// SortedKeys returns the keys of m in order, for deterministic iteration.
func SortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
