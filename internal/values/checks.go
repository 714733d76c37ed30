package values

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
)

// check is one field rule from a `check:"..."` tag. It reports what is
// wrong with v, or "" when v is fine.
type check struct {
	name string
	arg  string
	min  *int
	max  *int
	enum []string
}

func parseChecks(key, tag string) []check {
	if tag == "" {
		return nil
	}
	var out []check
	for _, part := range strings.Split(tag, ",") {
		name, arg, _ := strings.Cut(part, "=")
		c := check{name: name, arg: arg}
		switch name {
		case "min", "max":
			n, err := strconv.Atoi(arg)
			if err != nil {
				panic(fmt.Sprintf("values: %s: bad check %q", key, part))
			}
			if name == "min" {
				c.min = &n
			} else {
				c.max = &n
			}
		case "port":
			lo, hi := 1, 65535
			c.min, c.max = &lo, &hi
		case "enum":
			c.enum = strings.Split(arg, "|")
		case "dnslabel", "dnsname", "dnsnames", "required", "pinned", "positive":
		default:
			panic(fmt.Sprintf("values: %s: unknown check %q", key, part))
		}
		out = append(out, c)
	}
	return out
}

func (c check) describe(p *Param) {
	if c.min != nil {
		p.Min = c.min
	}
	if c.max != nil {
		p.Max = c.max
	}
	if c.enum != nil {
		p.Enum = c.enum
	}
}

func (c check) apply(v reflect.Value) string {
	switch c.name {
	case "min", "max", "port":
		n := int(v.Int())
		if c.min != nil && n < *c.min {
			if c.name == "port" {
				return fmt.Sprintf("%d is not a port; use 1..65535", n)
			}
			return fmt.Sprintf("must be at least %d, got %d", *c.min, n)
		}
		if c.max != nil && n > *c.max {
			if c.name == "port" {
				return fmt.Sprintf("%d is not a port; use 1..65535", n)
			}
			return fmt.Sprintf("must be at most %d, got %d", *c.max, n)
		}
	case "enum":
		s := v.String()
		for _, e := range c.enum {
			if s == e {
				return ""
			}
		}
		msg := fmt.Sprintf("%q is not one of %s", s, strings.Join(c.enum, ", "))
		if near := nearest(s, c.enum); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		}
		return msg
	case "required":
		if v.String() == "" {
			return "must not be empty"
		}
	case "pinned":
		switch t := v.String(); {
		case t == "":
			return "must not be empty: pin a version"
		case t == "latest":
			return `"latest" is not allowed: pin a version so that every sync deploys the same image`
		}
	case "dnslabel":
		if errs := validation.IsDNS1123Label(v.String()); len(errs) > 0 {
			return fmt.Sprintf("%q is not a valid name: %s", v.String(), errs[0])
		}
	case "dnsname":
		if errs := validation.IsDNS1123Subdomain(v.String()); len(errs) > 0 {
			return fmt.Sprintf("%q is not a valid name: %s", v.String(), errs[0])
		}
	case "dnsnames":
		for i := 0; i < v.Len(); i++ {
			if errs := validation.IsDNS1123Subdomain(v.Index(i).String()); len(errs) > 0 {
				return fmt.Sprintf("entry %d, %q, is not a valid name: %s", i+1, v.Index(i).String(), errs[0])
			}
		}
	case "positive":
		q := Quantity(v.String())
		if q == "" {
			return ""
		}
		if parsed, err := q.Parse(); err == nil && parsed.Sign() <= 0 {
			return fmt.Sprintf("must be greater than zero, got %q", string(q))
		}
	}
	return ""
}
