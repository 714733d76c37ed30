package values

import (
	"fmt"
	"net"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

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
		case "dnslabel", "dnsname", "dnsnames", "required", "pinned", "positive", "duration", "cron", "cidrs", "labels", "promduration", "optional":
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
	if c.name == "required" || c.name == "pinned" {
		p.NonEmpty = true
	}
}

func (c check) apply(v reflect.Value) string {
	switch c.name {
	case "optional":
		return "" // see validate: an empty optional value skips the other checks
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
	case "duration":
		if d, err := time.ParseDuration(v.String()); err != nil || d < 0 {
			return fmt.Sprintf("%q is not a duration such as 30m, 1h or 24h", v.String())
		}
	case "promduration":
		if !promDuration.MatchString(v.String()) {
			return fmt.Sprintf("%q is not a Prometheus duration such as 15s, 1m or 1h30m", v.String())
		}
	case "cidrs":
		if v.Len() == 0 {
			// An empty list in a NetworkPolicy rule means every address.
			return "must list at least one CIDR (0.0.0.0/0 allows every address)"
		}
		for i := 0; i < v.Len(); i++ {
			if _, _, err := net.ParseCIDR(v.Index(i).String()); err != nil {
				return fmt.Sprintf("entry %d, %q, is not a CIDR such as 10.0.0.0/16", i+1, v.Index(i).String())
			}
		}
	case "labels":
		for _, k := range v.MapKeys() {
			if errs := validation.IsQualifiedName(k.String()); len(errs) > 0 {
				return fmt.Sprintf("%q is not a valid label key: %s", k.String(), errs[0])
			}
			if errs := validation.IsValidLabelValue(v.MapIndex(k).String()); len(errs) > 0 {
				return fmt.Sprintf("%q is not a valid value for label %s: %s", v.MapIndex(k).String(), k.String(), errs[0])
			}
		}
	case "cron":
		if msg := checkCron(v.String()); msg != "" {
			return msg
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

// promDuration is a Prometheus duration: units from largest to smallest.
var promDuration = regexp.MustCompile(`^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$`)

// cronFields are the fields of a five-field schedule, as robfig/cron's
// ParseStandard (which Kubernetes validates CronJobs with) reads them.
var cronFields = []cronField{
	{name: "minute", min: 0, max: 59},
	{name: "hour", min: 0, max: 23},
	{name: "day of month", min: 1, max: 31, any: true},
	{name: "month", min: 1, max: 12, names: []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
	// robfig/cron stops at 6: 7 (Sunday in some crontabs) fails at apply.
	{name: "day of week", min: 0, max: 6, any: true, names: []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
}

type cronField struct {
	name     string
	min, max int
	any      bool     // ? means *
	names    []string // names[i] is min+i, in any case
}

// value reads a number or a name of the field.
func (c cronField) value(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil {
		return n, n >= c.min && n <= c.max
	}
	for i, name := range c.names {
		if strings.EqualFold(s, name) {
			return c.min + i, true
		}
	}
	return 0, false
}

func (c cronField) describe() string {
	r := fmt.Sprintf("%d-%d", c.min, c.max)
	if c.names != nil {
		r += fmt.Sprintf(" or %s-%s", strings.ToUpper(c.names[0]), strings.ToUpper(c.names[len(c.names)-1]))
	}
	return r
}

// checkCron accepts the schedules a CronJob takes: five fields of numbers,
// month and day names, ranges, lists, steps and *, or a descriptor such as
// @daily or @every 2h.
func checkCron(s string) string {
	switch s {
	case "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly":
		return ""
	}
	if d, ok := strings.CutPrefix(s, "@every "); ok {
		if dur, err := time.ParseDuration(d); err != nil || dur <= 0 {
			return fmt.Sprintf("%q: %q is not a duration such as 30m or 6h", s, d)
		}
		return ""
	}
	if strings.HasPrefix(s, "@") {
		return fmt.Sprintf("%q is not a cron schedule: the descriptors are @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly and @every <duration>", s)
	}
	if strings.Contains(s, "TZ") {
		// Kubernetes refuses TZ= and CRON_TZ= in a schedule.
		return fmt.Sprintf("%q is not a cron schedule: a time zone (TZ= or CRON_TZ=) is not allowed in it", s)
	}
	fields := strings.Fields(s)
	if len(fields) != len(cronFields) {
		return fmt.Sprintf("%q is not a cron schedule: want five fields (minute hour day-of-month month day-of-week), such as \"0 2 * * *\"", s)
	}
	for i, f := range fields {
		c := cronFields[i]
		for _, part := range strings.Split(f, ",") {
			rng, step, hasStep := strings.Cut(part, "/")
			if hasStep {
				if n, err := strconv.Atoi(step); err != nil || n < 1 {
					return fmt.Sprintf("%q: bad step %q in the %s field", s, step, c.name)
				}
			}
			if rng == "*" || (rng == "?" && c.any) {
				continue
			}
			lo, hi, isRange := strings.Cut(rng, "-")
			first, ok := c.value(lo)
			if !ok {
				return fmt.Sprintf("%q: %q is not a valid %s (%s)", s, lo, c.name, c.describe())
			}
			if !isRange {
				continue
			}
			last, ok := c.value(hi)
			if !ok {
				return fmt.Sprintf("%q: %q is not a valid %s (%s)", s, hi, c.name, c.describe())
			}
			if first > last {
				// Kubernetes refuses it rather than wrap around.
				return fmt.Sprintf("%q: the range %s in the %s field ends before it starts", s, rng, c.name)
			}
		}
	}
	return ""
}
