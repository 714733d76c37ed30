package values

import (
	"fmt"
	"math"
	"net"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"caracal.dev/caracal-cdk8s/constructs/gateway/auth"
	"github.com/distribution/reference"
	"k8s.io/apimachinery/pkg/util/validation"
)

// totalAnnotationSizeLimit is apimachinery's TotalAnnotationSizeLimitB (in
// its api/validation package, which would bring the whole API machinery).
const totalAnnotationSizeLimit = 256 * (1 << 10)

// check is one field rule from a `check:"..."` tag: the name of a rule
// (see rules) and its argument.
type check struct {
	name string
	arg  string
	min  *int
	max  *int
	enum []string
}

// rule is what a check means, in one place: how the CLI applies it, and
// the JSON Schema that says the same.
type rule struct {
	// apply reports what is wrong with v, or "" when v is fine.
	apply func(c check, v reflect.Value) string
	// schema is the JSON Schema keywords that say the same of the field;
	// nil for a rule the schema cannot express at all.
	schema func(c check) map[string]any
	// inexpressible is what of the rule JSON Schema cannot say, and why:
	// the schema accepts some values the CLI refuses. "" when it says all.
	inexpressible string
}

// rules are the field rules by name. Rules of values that Kubernetes
// reads use apimachinery's validators; their schema patterns are the
// validators' own (see validatorPattern).
var rules = map[string]rule{
	// optional lets an empty value skip the field's other rules.
	"optional": {apply: func(check, reflect.Value) string { return "" }},
	"required": {
		apply: func(_ check, v reflect.Value) string {
			if v.String() == "" {
				return "must not be empty"
			}
			return ""
		},
		schema: func(check) map[string]any { return map[string]any{"minLength": 1} },
	},
	"min":  {apply: applyRange, schema: rangeSchema},
	"max":  {apply: applyRange, schema: rangeSchema},
	"port": {apply: applyPort, schema: rangeSchema},
	"enum": {
		apply: func(c check, v reflect.Value) string {
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
		},
		schema: func(c check) map[string]any { return map[string]any{"enum": c.enum} },
	},
	"dnslabel": {
		apply: func(_ check, v reflect.Value) string {
			if errs := validation.IsDNS1123Label(v.String()); len(errs) > 0 {
				return fmt.Sprintf("%q is not a valid name: %s", v.String(), errs[0])
			}
			return ""
		},
		schema: func(check) map[string]any { return dnsLabelSchema() },
	},
	"dnsname": {
		apply: func(_ check, v reflect.Value) string {
			if errs := validation.IsDNS1123Subdomain(v.String()); len(errs) > 0 {
				return fmt.Sprintf("%q is not a valid name: %s", v.String(), errs[0])
			}
			return ""
		},
		schema: func(check) map[string]any { return dnsSubdomainSchema() },
	},
	"dnsnames": {
		apply: func(_ check, v reflect.Value) string {
			for i := 0; i < v.Len(); i++ {
				if errs := validation.IsDNS1123Subdomain(v.Index(i).String()); len(errs) > 0 {
					return fmt.Sprintf("entry %d, %q, is not a valid name: %s", i+1, v.Index(i).String(), errs[0])
				}
			}
			return ""
		},
		// Entries are names or {name: ...}: pattern applies to the one,
		// properties to the other.
		schema: func(check) map[string]any {
			item := dnsSubdomainSchema()
			item["properties"] = map[string]any{"name": dnsSubdomainSchema()}
			return map[string]any{"items": item}
		},
	},
	"storageclass": {
		apply: func(_ check, v reflect.Value) string {
			s := v.String()
			if s == "" || s == "-" {
				return ""
			}
			if errs := validation.IsDNS1123Subdomain(s); len(errs) > 0 {
				return fmt.Sprintf("%q is not a StorageClass name: use \"\" for the cluster's default class, \"-\" for none (volumes provisioned by hand), or the name of a class, such as gp3 (%s)", s, errs[0])
			}
			return ""
		},
		schema: func(check) map[string]any {
			return map[string]any{"anyOf": []any{map[string]any{"enum": []string{"", "-"}}, dnsSubdomainSchema()}}
		},
	},
	"secretkey": {
		apply: func(_ check, v reflect.Value) string {
			if errs := validation.IsConfigMapKey(v.String()); len(errs) > 0 {
				return fmt.Sprintf("%q is not a valid key of a Secret: %s", v.String(), errs[0])
			}
			return ""
		},
		schema: func(check) map[string]any {
			return map[string]any{
				"pattern":   anchored(validatorPattern(validation.IsConfigMapKey, "!")),
				"maxLength": validation.DNS1123SubdomainMaxLength,
				// Kubernetes refuses keys that name a directory.
				"not": map[string]any{"anyOf": []any{
					map[string]any{"enum": []string{".", ".."}},
					map[string]any{"type": "string", "pattern": `^\.\.`},
				}},
			}
		},
	},
	"host": {
		apply: func(_ check, v reflect.Value) string {
			if !validHost(v.String()) {
				return fmt.Sprintf("%q is neither a DNS name such as db.example.com (lowercase letters, digits, '-' and '.') nor an IP address", v.String())
			}
			return ""
		},
		schema: func(check) map[string]any {
			return map[string]any{"anyOf": []any{dnsSubdomainSchema(), map[string]any{"pattern": ipv6Shape}}}
		},
		inexpressible: "an IPv6 address must parse; the pattern checks its characters only",
	},
	"hostports": {
		apply: func(_ check, v reflect.Value) string {
			for _, hp := range strings.Split(v.String(), ",") {
				if msg := checkHostPort(strings.Trim(hp, " ")); msg != "" {
					return msg + " (a comma-separated list such as b-1.example.com:9092,b-2.example.com:9092)"
				}
			}
			return ""
		},
		schema: func(check) map[string]any {
			hp := "(" + strings.Trim(dnsSubdomainPattern(), "^$") + `|\[` + strings.Trim(ipv6Shape, "^$") + `\]):` + portPattern
			return map[string]any{"pattern": "^ *" + hp + " *(, *" + hp + " *)*$"}
		},
		inexpressible: "a host's parts may be at most 253 characters long, and an IPv6 address must parse; the pattern checks their characters only",
	},
	"imagerepo": {
		apply: func(_ check, v reflect.Value) string {
			s := v.String()
			named, err := reference.ParseNormalizedNamed(s)
			if err != nil {
				return fmt.Sprintf("%q is not an image repository such as ghcr.io/caracal/caracal-core (lowercase, no spaces, no tag): %v", s, err)
			}
			if _, ok := named.(reference.Tagged); ok {
				return fmt.Sprintf("%q holds a tag: give the repository alone, and the tag in the tag key beside it", s)
			}
			if _, ok := named.(reference.Digested); ok {
				return fmt.Sprintf("%q holds a digest: give the repository alone, and pin a tag in the tag key beside it", s)
			}
			return ""
		},
		schema: func(check) map[string]any {
			return map[string]any{"pattern": anchored(reference.NameRegexp.String()), "maxLength": reference.NameTotalLengthMax}
		},
		inexpressible: "a short name such as postgres is measured after it expands to docker.io/library/postgres, and a name of 64 hexadecimal digits reads as an image ID",
	},
	"registry": {
		apply: func(_ check, v reflect.Value) string {
			if s := v.String(); !anchoredDomain.MatchString(s) {
				return fmt.Sprintf("%q is not a registry such as registry.example.com:5000 (a host and an optional port, no path)", s)
			}
			return ""
		},
		schema: func(check) map[string]any {
			return map[string]any{"pattern": anchoredDomain.String()}
		},
	},
	"pinned": {
		apply: func(_ check, v reflect.Value) string {
			switch t := v.String(); {
			case t == "":
				return "must not be empty: pin a version"
			case t == "latest":
				return `"latest" is not allowed: pin a version so that every sync deploys the same image`
			case !anchoredTag.MatchString(t):
				return fmt.Sprintf("%q is not an image tag: a tag is letters, digits, '_', '.' and '-', does not start with '.' or '-', has no spaces and is at most 128 characters long", t)
			}
			return ""
		},
		schema: func(check) map[string]any {
			return map[string]any{"pattern": anchoredTag.String(), "not": map[string]any{"const": "latest"}}
		},
	},
	"duration":         {apply: applyDuration, schema: durationSchema, inexpressible: "a duration must fit in 290 years (Go's time.Duration)"},
	"positiveduration": {apply: applyDuration, schema: durationSchema, inexpressible: "a duration must fit in 290 years (Go's time.Duration)"},
	"promduration": {
		apply: func(_ check, v reflect.Value) string {
			switch s := v.String(); {
			case !promDuration.MatchString(s):
				return fmt.Sprintf("%q is not a Prometheus duration such as 15s, 1m or 1h30m", s)
			case promZero.MatchString(s):
				return fmt.Sprintf("%q is no time at all: scrape at least every second, such as 30s", s)
			case !promDurationFits(s):
				return fmt.Sprintf("%q is too long: Prometheus reads durations up to 292 years", s)
			}
			return ""
		},
		schema: func(check) map[string]any {
			return map[string]any{"pattern": promDuration.String(), "not": map[string]any{"pattern": promZero.String()}}
		},
		inexpressible: "a Prometheus duration must fit in 292 years (nanoseconds in 64 bits)",
	},
	"cron": {
		apply: func(_ check, v reflect.Value) string { return checkCron(v.String()) },
		schema: func(check) map[string]any {
			return map[string]any{"pattern": cronShape}
		},
		inexpressible: "the ranges of each field (minute 0-59, day of week 0-6, names, a range that ends before it starts) are beyond a readable pattern; the pattern checks the five fields' shape",
	},
	"cidrs": {
		apply: func(_ check, v reflect.Value) string {
			if v.Len() == 0 {
				// An empty list in a NetworkPolicy rule means every address.
				return "must list at least one CIDR (0.0.0.0/0 allows every address)"
			}
			return eachCIDR(v)
		},
		schema: func(check) map[string]any {
			return map[string]any{"minItems": 1, "items": map[string]any{"pattern": cidrPattern}}
		},
		inexpressible: "an IPv6 range must parse; the pattern checks its characters and its prefix only",
	},
	// cidrlist is a list of CIDRs that may be empty (a LoadBalancer's
	// source ranges: none admits every address).
	"cidrlist": {
		apply: func(_ check, v reflect.Value) string { return eachCIDR(v) },
		schema: func(check) map[string]any {
			return map[string]any{"items": map[string]any{"pattern": cidrPattern}}
		},
		inexpressible: "an IPv6 range must parse; the pattern checks its characters and its prefix only",
	},
	"qualifiedname": {
		apply: func(_ check, v reflect.Value) string {
			if errs := validation.IsQualifiedName(v.String()); len(errs) > 0 {
				return fmt.Sprintf("%q is not a qualified name such as example.com/name: %s", v.String(), errs[0])
			}
			return ""
		},
		schema: func(check) map[string]any { return qualifiedNameSchema() },
	},
	"annotations": {
		apply: func(_ check, v reflect.Value) string {
			keys := make([]string, 0, v.Len())
			for _, k := range v.MapKeys() {
				keys = append(keys, k.String())
			}
			sort.Strings(keys)
			size := 0
			for _, k := range keys {
				// As apimachinery's ValidateAnnotations reads them: the key
				// is a qualified name (its prefix in lowercase, as the
				// schema says it), and all of them fit in 256 KiB.
				if errs := validation.IsQualifiedName(k); len(errs) > 0 {
					return fmt.Sprintf("%q is not a valid annotation key: %s", k, errs[0])
				}
				size += len(k) + len(v.MapIndex(reflect.ValueOf(k)).String())
			}
			if size > totalAnnotationSizeLimit {
				return fmt.Sprintf("the annotations take %d bytes; Kubernetes takes at most %d", size, totalAnnotationSizeLimit)
			}
			return ""
		},
		schema: func(check) map[string]any {
			// null removes an annotation (see Labels).
			return map[string]any{"propertyNames": qualifiedNameSchema(), "additionalProperties": map[string]any{"type": []string{"string", "null"}}}
		},
		inexpressible: "the annotations together must stay within 256 KiB, a sum over the keys",
	},
	// reserved=<prefix> refuses the keys under a prefix the output sets
	// itself, such as the recommended labels that the selectors use.
	"reserved": {
		apply: func(c check, v reflect.Value) string {
			keys := make([]string, 0, v.Len())
			for _, k := range v.MapKeys() {
				keys = append(keys, k.String())
			}
			sort.Strings(keys)
			for _, k := range keys {
				if strings.HasPrefix(k, c.arg) {
					return fmt.Sprintf("%q is under %s, which the output sets itself: use another key", k, c.arg)
				}
			}
			return ""
		},
		schema: func(c check) map[string]any {
			return map[string]any{"propertyNames": map[string]any{"not": map[string]any{"pattern": "^" + regexp.QuoteMeta(c.arg)}}}
		},
	},
	"labels": {
		apply: func(_ check, v reflect.Value) string {
			keys := make([]string, 0, v.Len())
			for _, k := range v.MapKeys() {
				keys = append(keys, k.String())
			}
			sort.Strings(keys)
			for _, k := range keys {
				if errs := validation.IsQualifiedName(k); len(errs) > 0 {
					return fmt.Sprintf("%q is not a valid label key: %s", k, errs[0])
				}
				val := v.MapIndex(reflect.ValueOf(k)).String()
				if errs := validation.IsValidLabelValue(val); len(errs) > 0 {
					return fmt.Sprintf("%q is not a valid value for label %s: %s", val, k, errs[0])
				}
			}
			return ""
		},
		schema: func(check) map[string]any {
			return map[string]any{
				"propertyNames": qualifiedNameSchema(),
				// null removes a label (see Labels).
				"additionalProperties": map[string]any{
					"pattern":   anchored(validatorPattern(validation.IsValidLabelValue, "-")),
					"maxLength": validation.LabelValueMaxLength,
				},
			}
		},
	},
	"positive": {
		apply: func(_ check, v reflect.Value) string {
			q := Quantity(v.String())
			if parsed, err := q.Parse(); q != "" && err == nil && parsed.Sign() <= 0 {
				return fmt.Sprintf("must be greater than zero, got %q", string(q))
			}
			return ""
		},
		// Strings by pattern, numbers by value.
		schema: func(check) map[string]any {
			return map[string]any{
				"not":              map[string]any{"type": "string", "anyOf": []any{map[string]any{"pattern": "^-"}, map[string]any{"pattern": zeroQuantity}}},
				"exclusiveMinimum": 0,
			}
		},
	},
	"nonnegative": {
		apply: func(_ check, v reflect.Value) string {
			q := Quantity(v.String())
			if parsed, err := q.Parse(); err == nil && (parsed.Sign() < 0 || strings.HasPrefix(string(q), "-")) {
				return fmt.Sprintf("must not be negative, got %q: Kubernetes refuses a negative request or limit (leave it empty to set none)", string(q))
			}
			return ""
		},
		schema: func(check) map[string]any {
			return map[string]any{"not": map[string]any{"type": "string", "pattern": "^-"}, "minimum": 0}
		},
	},
	"pgname":    pgNameFormat.rule(),
	"version":   versionFormat.rule(),
	"fluxpath":  fluxPathFormat.rule(),
	"remotekey": remoteKeyFormat.rule(),
}

// schemaInexpressibleChecks are the field rules, and the rules of
// targets.go, that JSON Schema cannot express in full, with the reason:
// the schema accepts some of the values they refuse.
var schemaInexpressibleChecks = func() map[string]string {
	out := map[string]string{
		"checkNamespace: shared with the cluster DNS or Flux": "compares global.namespace with networkPolicy.dnsNamespace and flux.namespace, other keys",
	}
	for name, r := range rules {
		if r.inexpressible != "" {
			out[name] = r.inexpressible
		}
	}
	return out
}()

// namedEnums are lists of choices kept where what they choose is defined,
// named in a tag as enum=@name.
var namedEnums = map[string][]string{
	"authModes": auth.Modes,
}

func parseChecks(key, tag string) []check {
	if tag == "" {
		return nil
	}
	var out []check
	for _, part := range strings.Split(tag, ",") {
		name, arg, _ := strings.Cut(part, "=")
		c := check{name: name, arg: arg}
		if _, ok := rules[name]; !ok {
			panic(fmt.Sprintf("values: %s: unknown check %q", key, part))
		}
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
			if name, ok := strings.CutPrefix(arg, "@"); ok {
				c.enum = namedEnums[name]
				if c.enum == nil {
					panic(fmt.Sprintf("values: %s: no enum named %q", key, name))
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// describe adds what the README table shows of the check to p.
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

func (c check) apply(v reflect.Value) string { return rules[c.name].apply(c, v) }

// schema is the JSON Schema keywords of the check, or nil.
func (c check) schema() map[string]any {
	if s := rules[c.name].schema; s != nil {
		return s(c)
	}
	return nil
}

func applyRange(c check, v reflect.Value) string {
	n := int(v.Int())
	if c.min != nil && n < *c.min {
		return fmt.Sprintf("must be at least %d, got %d", *c.min, n)
	}
	if c.max != nil && n > *c.max {
		return fmt.Sprintf("must be at most %d, got %d", *c.max, n)
	}
	return ""
}

func rangeSchema(c check) map[string]any {
	s := map[string]any{}
	if c.min != nil {
		s["minimum"] = *c.min
	}
	if c.max != nil {
		s["maximum"] = *c.max
	}
	return s
}

func applyPort(_ check, v reflect.Value) string {
	n := v.Int()
	if len(validation.IsValidPortNum(int(n))) > 0 {
		return fmt.Sprintf("%d is not a port; use 1..65535", n)
	}
	return ""
}

// portPattern is a port number, 1 to 65535, with leading zeros as
// strconv reads them.
const portPattern = `0*([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])`

// ipv6Shape is what an IPv6 address is made of; whether it parses is
// left to the CLI.
const ipv6Shape = `^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$`

// cidrPattern is an IPv4 range, exactly, or the shape of an IPv6 one.
// Prefixes may have leading zeros, as net.ParseCIDR reads them.
const cidrPattern = `^(((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])/0*(3[0-2]|[12]?[0-9])` +
	`|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*/0*(12[0-8]|1[01][0-9]|[1-9]?[0-9]))$`

// validHost is a DNS name or an IP address. IPv4 addresses are DNS
// subdomains to the validator already.
func validHost(s string) bool {
	if len(validation.IsDNS1123Subdomain(s)) == 0 {
		return true
	}
	return strings.Contains(s, ":") && len(validation.IsValidIP(nil, s)) == 0
}

// checkHostPort checks one host:port of a list; an IPv6 host is written
// in brackets.
func checkHostPort(hp string) string {
	if strings.ContainsFunc(hp, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return fmt.Sprintf("%q is not host:port: it holds a line break, a space or another control character", hp)
	}
	host, port, err := net.SplitHostPort(hp)
	if err != nil || host == "" {
		return fmt.Sprintf("%q is not host:port", hp)
	}
	if strings.HasPrefix(hp, "[") != strings.Contains(host, ":") || !validHost(host) {
		return fmt.Sprintf("%q has a host that is neither a DNS name (lowercase letters, digits, '-' and '.') nor an IP address ([...] for IPv6)", hp)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || len(validation.IsValidPortNum(int(n))) > 0 {
		return fmt.Sprintf("%q has a port that is not 1..65535", hp)
	}
	return ""
}

// anchoredTag is an image tag, as the reference grammar has it.
var anchoredTag = regexp.MustCompile(anchored(reference.TagRegexp.String()))

func anchored(pattern string) string { return "^(?:" + pattern + ")$" }

// validatorPattern is the regular expression an apimachinery validator
// checks with. apimachinery keeps them unexported but names them in its
// messages ("regex used for validation is '...'"), so the schema reads
// them there rather than copying them; bad is a value the validator
// refuses on that expression.
func validatorPattern(validate func(string) []string, bad string) string {
	const marker = "regex used for validation is '"
	for _, msg := range validate(bad) {
		if _, rest, ok := strings.Cut(msg, marker); ok {
			if pattern, _, ok := strings.Cut(rest, "')"); ok {
				return pattern
			}
		}
	}
	panic(fmt.Sprintf("values: no pattern in the validator's messages for %q", bad))
}

func dnsSubdomainPattern() string {
	return anchored(validatorPattern(validation.IsDNS1123Subdomain, "-"))
}

func dnsSubdomainSchema() map[string]any {
	return map[string]any{"pattern": dnsSubdomainPattern(), "maxLength": validation.DNS1123SubdomainMaxLength}
}

func dnsLabelSchema() map[string]any {
	return map[string]any{
		"pattern":   anchored(validatorPattern(validation.IsDNS1123Label, "-")),
		"maxLength": validation.DNS1123LabelMaxLength,
	}
}

// zeroQuantity is a quantity that is zero whatever its suffix (0, 0.0,
// .0, 0Gi, 0e3).
const zeroQuantity = `^[+]?(0+(\.0*)?|\.0+)([KMGTPE]i|[mkMGTPE]|[eE][+-]?[0-9]+)?$`

// fluxDuration is the duration syntax of Flux's Kustomization (its CRD's
// pattern, see imports/crds): Go durations, without the units Flux
// refuses. External Secrets reads the same syntax.
var (
	fluxDuration = regexp.MustCompile(`^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`)
	fluxZero     = regexp.MustCompile(`^(0+(\.0+)?(ms|s|m|h))+$`)
)

func applyDuration(c check, v reflect.Value) string {
	s := v.String()
	d, err := time.ParseDuration(s)
	if err != nil || !fluxDuration.MatchString(s) {
		return fmt.Sprintf("%q is not a duration such as 30m, 1h or 24h", s)
	}
	if c.name == "positiveduration" && d == 0 {
		return fmt.Sprintf("%q is no time at all: use a duration such as 10m", s)
	}
	return ""
}

func durationSchema(c check) map[string]any {
	s := map[string]any{"pattern": fluxDuration.String()}
	if c.name == "positiveduration" {
		s["not"] = map[string]any{"pattern": fluxZero.String()}
	}
	return s
}

// promDuration is a Prometheus duration, as the Prometheus Operator's
// CRDs take it (see imports/crds): units from largest to smallest.
var (
	promDuration = regexp.MustCompile(`^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`)
	promZero     = regexp.MustCompile(`^(0|(0+(y|w|d|h|m|s|ms))*)$`)
)

// promDurationFits reports whether a Prometheus duration (already
// matched by promDuration) fits in Prometheus' time.Duration, which
// refuses a longer one when it loads the configuration.
func promDurationFits(s string) bool {
	units := []time.Duration{365 * 24 * time.Hour, 7 * 24 * time.Hour, 24 * time.Hour, time.Hour, time.Minute, time.Second, time.Millisecond}
	m := promDuration.FindStringSubmatch(s)
	var total time.Duration
	for i, unit := range units {
		digits := m[3+2*i]
		if digits == "" {
			continue
		}
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil || n > int64(math.MaxInt64/unit) || total > math.MaxInt64-time.Duration(n)*unit {
			return false
		}
		total += time.Duration(n) * unit
	}
	return true
}

// cronShape is five fields of the characters a schedule uses, or a
// descriptor; checkCron reads the fields themselves. Fields are split as
// strings.Fields does, so anything else separates them here.
const cronShape = `^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|@every .+|[^0-9A-Za-z*?,/-]*[0-9A-Za-z*?,/-]+([^0-9A-Za-z*?,/-]+[0-9A-Za-z*?,/-]+){4}[^0-9A-Za-z*?,/-]*)$`

// format is a syntax no Kubernetes validator covers: a value that lands
// in a connection URI, a command line or another tool's field. The CLI
// and the JSON Schema both check it with these patterns, so they cannot
// disagree.
type format struct {
	must    *regexp.Regexp   // the whole value
	mustNot []*regexp.Regexp // nowhere in it
	maxLen  int              // in characters; 0: no limit
	what    string           // the message: what the value must be, and why
}

const controlChars = `\x00-\x1f\x7f-\x9f`

var (
	// A database or user name lands unquoted in the PostgreSQL
	// exporter's connection URI, in environment variables (where
	// Kubernetes expands $(...)) and in SQL: what none of them need to
	// quote, as managed PostgreSQL services allow.
	pgNameFormat = format{
		must:   regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`),
		maxLen: 63,
		what:   "is not a plain PostgreSQL name: use letters, digits and '_', starting with a letter or '_', at most 63 characters; it is written unquoted into the exporter's connection URI, environment variables and SQL, where other characters would need quoting",
	}
	// The backfill's version is an argument of the Job's command, where
	// Kubernetes expands $(...).
	versionFormat = format{
		must: regexp.MustCompile(`^v?[0-9]+(\.[0-9]+){0,2}(-[0-9A-Za-z][0-9A-Za-z.-]*)?$`),
		what: "is not a version such as v0.2 or 0.2.3: it is passed on the backfill Job's command line, where $, spaces and other characters would be expanded or split",
	}
	// A Flux Kustomization's spec.path, inside the Git repository.
	fluxPathFormat = format{
		must:    regexp.MustCompile(`^\./[^` + controlChars + `\\]*$`),
		mustNot: []*regexp.Regexp{regexp.MustCompile(`(^|/)\.\.(/|$)`)},
		maxLen:  1024,
		what:    "is not a path in the Git repository such as ./dist: start it with ./, and use no '..', backslash or control character",
	}
	// A key in an external secret store (a Vault path, an AWS or GCP
	// secret name): written into an ExternalSecret, shown in messages.
	remoteKeyFormat = format{
		must:   regexp.MustCompile(`^[^ ` + controlChars + `]([^` + controlChars + `]*[^ ` + controlChars + `])?$`),
		maxLen: 1024,
		what:   "is not a key of a secret store such as caracal/credentials: use no control characters and no spaces at either end, at most 1024 characters",
	}
)

func (f format) ok(s string) bool {
	if !f.must.MatchString(s) || (f.maxLen > 0 && utf8.RuneCountInString(s) > f.maxLen) {
		return false
	}
	for _, re := range f.mustNot {
		if re.MatchString(s) {
			return false
		}
	}
	return true
}

func (f format) rule() rule {
	return rule{
		apply: func(_ check, v reflect.Value) string {
			if !f.ok(v.String()) {
				return fmt.Sprintf("%q %s", v.String(), f.what)
			}
			return ""
		},
		schema: func(check) map[string]any {
			s := map[string]any{"pattern": f.must.String()}
			if f.maxLen > 0 {
				s["maxLength"] = f.maxLen
			}
			if len(f.mustNot) > 0 {
				var nots []any
				for _, re := range f.mustNot {
					nots = append(nots, map[string]any{"pattern": re.String()})
				}
				s["not"] = map[string]any{"anyOf": nots}
			}
			return s
		},
	}
}

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

// eachCIDR refuses the first entry of a list that is no CIDR.
func eachCIDR(v reflect.Value) string {
	for i := 0; i < v.Len(); i++ {
		if _, _, err := net.ParseCIDR(v.Index(i).String()); err != nil {
			return fmt.Sprintf("entry %d, %q, is not a CIDR such as 10.0.0.0/16", i+1, v.Index(i).String())
		}
	}
	return ""
}

// qualifiedNameSchema is a label or annotation key: an optional DNS
// subdomain prefix of at most 253 characters and a name of at most 63.
func qualifiedNameSchema() map[string]any {
	name := validatorPattern(validation.IsQualifiedName, "-")
	return map[string]any{"allOf": []any{
		map[string]any{"pattern": "^(" + strings.Trim(dnsSubdomainPattern(), "^$") + "/)?" + name + "$"},
		map[string]any{"pattern": `^([^/]*/)?[^/]{1,63}$`},
		map[string]any{"pattern": `^([^/]{1,253}/[^/]*|[^/]*)$`},
	}}
}

// anchoredDomain is a registry's host and port, as an image reference
// names them.
var anchoredDomain = regexp.MustCompile(anchored(reference.DomainRegexp.String()))
