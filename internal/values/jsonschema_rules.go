package values

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
)

// The rules between keys (validate.go) that JSON Schema can express, as
// if/then clauses of the schema's allOf. Each names the CLI rule it
// mirrors. A key the user leaves out takes its default, so a condition on
// a key is met by its absence exactly when the default meets it (see is).
// Rules JSON Schema cannot express are listed in schemaInexpressibleRules.

// schemaRule is one if/then clause.
type schemaRule struct {
	name       string // the rule of validate.go it mirrors
	when, then map[string]any
}

// crossKeyRules are the clauses, in the order of validate.go.
func crossKeyRules() []schemaRule {
	var rules []schemaRule
	add := func(name string, when, then map[string]any) {
		rules = append(rules, schemaRule{name: name, when: when, then: then})
	}
	kafkaOn, zkOn := is("kafka.enabled", true), is("kafka.zookeeper.enabled", true)
	add("checkKafka: a KRaft quorum of 2", all(kafkaOn, is("kafka.zookeeper.enabled", false)),
		at("kafka.replicaCount", map[string]any{"not": map[string]any{"const": 2}}))
	add("checkKafka: an even ZooKeeper ensemble", all(kafkaOn, zkOn),
		at("kafka.zookeeper.replicaCount", map[string]any{"not": map[string]any{"multipleOf": 2}}))
	add("checkKafka: ZooKeeper mode needs a Kafka 3.x image", all(kafkaOn, zkOn),
		at("kafka.image.tag", map[string]any{"pattern": `^3\.`}))

	for _, s := range []struct{ enabled, endpoint string }{
		{"postgresql.enabled", "externalDatabase.host"},
		{"redis.enabled", "externalRedis.host"},
		{"kafka.enabled", "externalKafka.bootstrapServers"},
	} {
		add("checkExternal: a disabled datastore needs its external endpoint", is(s.enabled, false),
			at(s.endpoint, map[string]any{"minLength": 1}))
		add("checkExternal: an endpoint beside the in-cluster datastore would be ignored", is(s.enabled, true),
			at(s.endpoint, map[string]any{"maxLength": 0}))
	}
	add("checkExternal: a SASL mechanism needs its Secret",
		all(is("kafka.enabled", false), at("externalKafka.sasl.mechanism", map[string]any{"not": map[string]any{"const": "none"}})),
		at("externalKafka.sasl.existingSecret", map[string]any{"minLength": 1}))

	passwords := []struct{ key, def string }{
		{"postgresql.auth.password", DefaultPostgresPassword},
		{"redis.auth.password", DefaultRedisPassword},
	}
	for _, p := range passwords {
		add("checkSecrets: no password in values with mode existing", is("secrets.mode", SecretsExisting), absent(p.key))
		add("checkSecrets: no password in values with mode externalSecrets", is("secrets.mode", SecretsExternal), absent(p.key))
		add("checkSecrets: mode inline needs a password", is("secrets.mode", SecretsInline),
			at(p.key, map[string]any{"minLength": 1}))
		add("checkSecrets: mode inline refuses the chart's default password",
			all(is("secrets.mode", SecretsInline), is("secrets.allowInsecureDefaultPasswords", false)),
			at(p.key, map[string]any{"not": map[string]any{"const": p.def}}))
	}
	add("checkSecrets: mode externalSecrets needs a store", is("secrets.mode", SecretsExternal),
		at("secrets.externalSecrets.storeRef.name", map[string]any{"minLength": 1}))

	add("checkGateway: the MCP adapter needs the gateway", is("gateway.enabled", false),
		at("mcpAdapter.enabled", map[string]any{"const": false}))
	add("checkGateway: mtls needs TLS", all(is("gateway.enabled", true), is("gateway.authMode", AuthMTLS)),
		at("gateway.tls.enabled", map[string]any{"const": true}))

	notLB := at("gateway.service.type", map[string]any{"not": map[string]any{"const": "LoadBalancer"}})
	add("checkExposure: a load balancer's settings need type LoadBalancer", notLB,
		at("gateway.service.loadBalancerSourceRanges", map[string]any{"maxItems": 0}))
	add("checkExposure: a load balancer's settings need type LoadBalancer", notLB,
		at("gateway.service.loadBalancerClass", map[string]any{"maxLength": 0}))
	add("checkExposure: externalTrafficPolicy needs an external Service", is("gateway.service.type", "ClusterIP"),
		at("gateway.service.externalTrafficPolicy", map[string]any{"maxLength": 0}))
	return rules
}

// crossKeySchema is the allOf of the schema's root: each rule as an
// if/then, with the CLI rule it mirrors as its $comment.
func crossKeySchema() []any {
	var out []any
	for _, r := range crossKeyRules() {
		out = append(out, map[string]any{"$comment": r.name, "if": r.when, "then": r.then})
	}
	return out
}

// schemaInexpressible is every rule of the CLI that JSON Schema
// (draft-07) cannot express, wholly or in part, with the reason: the
// schema accepts some of what they refuse. The field rules give theirs in
// their own definition (rules in checks.go); the rules between keys are
// here.
var schemaInexpressible = func() map[string]string {
	out := map[string]string{}
	for name, reason := range schemaInexpressibleChecks {
		out[name] = reason
	}
	for name, reason := range schemaInexpressibleRules {
		out[name] = reason
	}
	return out
}()

// schemaInexpressibleRules are the rules between keys (validate.go) that
// the schema cannot express.
var schemaInexpressibleRules = map[string]string{
	"checkRequestsWithinLimits":                          "compares two quantities (a request and its limit); JSON Schema compares a value only with constants, and cannot read 500m and 0.5 as numbers",
	"checkAutoscaling":                                   "compares two keys (minReplicas and maxReplicas); draft-07 has no reference to another value ($data is not standard)",
	"checkKafka: replication above the brokers":          "compares kafka.config.defaultReplicationFactor with kafka.replicaCount, two keys",
	"checkKafka: min.insync.replicas":                    "compares kafka.config.minInsyncReplicas with kafka.config.defaultReplicationFactor, two keys",
	"checkHostLength":                                    "adds the lengths of global.namespace and global.clusterDomain, two keys",
	"checkGateway: ports differ":                         "compares two ports of a Service with each other",
	"checkFlux: timeout at least the Job deadline":       "compares a Go duration (flux.timeout) with a number of seconds (jobs.activeDeadlineSeconds)",
	"checkNetworkPolicy: the namespaces that may scrape": "a file's labels merge into the default ones and only a null entry deletes one, so whether none is left depends on the layers merged, not on one document",
	"kubernetes: pod settings":                           "the schema gives the fields, types and enumerated values of tolerations, affinities, topology spread constraints and environment variables; the rules between their fields (a value or a source, minDomains with DoNotSchedule, Exists without a value) and the syntax of their keys and names are Kubernetes' validators, which the CLI runs",
	"yaml: aliases":                                      "a document that expands to more than 100000 nodes through YAML aliases is refused before it is read; a schema sees the expanded document",
}

// is is the condition "key is value", met by the key's absence when value
// is its default.
func is(key string, value any) map[string]any {
	return cond(key, map[string]any{"const": value}, reflect.DeepEqual(defaultOf(key), value))
}

// at says "key, when present, satisfies s": a rule on what the user
// writes. Where the default itself would break the rule, the key must be
// written (required), as the CLI's rule fails on the default too.
func at(key string, s map[string]any) map[string]any {
	return cond(key, s, schemaAccepts(s, defaultOf(key)))
}

// absent says the key must not be written at all: the CLI refuses it
// whatever its value, the default included.
func absent(key string) map[string]any {
	parent, name := splitLast(key)
	return nest(parent, map[string]any{"not": map[string]any{"required": []string{name}}})
}

// all is a conjunction of conditions.
func all(conds ...map[string]any) map[string]any {
	items := make([]any, len(conds))
	for i, c := range conds {
		items[i] = c
	}
	return map[string]any{"allOf": items}
}

// cond puts s at key; unless optional, the key and its parents must be
// present.
func cond(key string, s map[string]any, optional bool) map[string]any {
	parts := strings.Split(key, ".")
	out := s
	for i := len(parts) - 1; i >= 0; i-- {
		node := map[string]any{"properties": map[string]any{parts[i]: out}}
		if !optional {
			node["required"] = []string{parts[i]}
		}
		out = node
	}
	return out
}

// nest puts s at the mapping key ("" is the root), leaving every level
// optional.
func nest(key string, s map[string]any) map[string]any {
	if key == "" {
		return s
	}
	return cond(key, s, true)
}

func splitLast(key string) (parent, name string) {
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		return key[:i], key[i+1:]
	}
	return "", key
}

// defaultOf is the built-in default of a leaf key, as JSON would carry it.
func defaultOf(key string) any {
	f := lookup(key)
	if f == nil || !f.leaf() {
		panic(fmt.Sprintf("values: schema rule on %q, which is not a key", key))
	}
	v := reflect.ValueOf(Defaults()).Elem().FieldByIndex(f.index)
	switch f.kind {
	case KindInt:
		return int(v.Int())
	case KindBool:
		return v.Bool()
	case KindList:
		return v.Interface()
	}
	return v.String()
}

// schemaAccepts evaluates the few keywords the rules use against a
// default, to know whether leaving the key out satisfies the rule.
func schemaAccepts(s map[string]any, v any) bool {
	for k, arg := range s {
		ok := true
		switch k {
		case "const":
			ok = reflect.DeepEqual(arg, v)
		case "not":
			ok = !schemaAccepts(arg.(map[string]any), v)
		case "minLength":
			ok = len(v.(string)) >= arg.(int)
		case "maxLength":
			ok = len(v.(string)) <= arg.(int)
		case "maxItems":
			ok = reflect.ValueOf(v).Len() <= arg.(int)
		case "multipleOf":
			ok = v.(int)%arg.(int) == 0
		case "pattern":
			ok = regexp.MustCompile(arg.(string)).MatchString(v.(string))
		default:
			panic(fmt.Sprintf("values: schemaAccepts: unsupported keyword %q", k))
		}
		if !ok {
			return false
		}
	}
	return true
}
