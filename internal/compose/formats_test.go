package compose_test

import (
	"encoding/json"
	"fmt"
	"path"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"caracal.dev/caracal-cdk8s/internal/compose"
	"caracal.dev/caracal-cdk8s/internal/synth"
	"caracal.dev/caracal-cdk8s/internal/testkit"
	"caracal.dev/caracal-cdk8s/internal/values"
	corev1 "k8s.io/api/core/v1"
)

// setKey sets a leaf of v by its dotted key, bypassing validation: the
// constructs must cope with whatever they are given.
func setKey(t *testing.T, v *values.Values, key string, value any) {
	t.Helper()
	cur := reflect.ValueOf(v).Elem()
	for _, seg := range strings.Split(key, ".") {
		next, ok := fieldByKey(cur, seg)
		if !ok {
			t.Fatalf("no key %s", key)
		}
		cur = next
	}
	cur.Set(reflect.ValueOf(value).Convert(cur.Type()))
}

// fieldByKey is the field of the struct v whose yaml key is seg, looking
// into the inline structs too.
func fieldByKey(v reflect.Value, seg string) (reflect.Value, bool) {
	for i := 0; i < v.NumField(); i++ {
		switch tag := v.Type().Field(i).Tag.Get("yaml"); {
		case tag == ",inline":
			if f, ok := fieldByKey(v.Field(i), seg); ok {
				return f, true
			}
		case strings.Split(tag, ",")[0] == seg:
			return v.Field(i), true
		}
	}
	return reflect.Value{}, false
}

// scenarios switch on every path a value can take: each datastore in the
// cluster and managed, ZooKeeper mode, every Job, the exporters,
// monitoring, network policies, Flux, and each secrets mode.
var scenarios = map[string]map[string]any{
	"everything in the cluster": {
		"secrets.mode": "inline", "namespace.create": true, "priorityClass.create": true,
		"postgresql.metrics.enabled": true, "postgresql.backup.enabled": true, "redis.metrics.enabled": true,
		"monitoring.enabled": true, "monitoring.dashboard.enabled": true, "networkPolicy.enabled": true, "flux.enabled": true,
		"upgrade.merkleBackfill.enabled": true, "gateway.tls.enabled": true, "mcpAdapter.enabled": true,
	},
	"ZooKeeper mode": {
		"kafka.zookeeper.enabled": true, "gateway.authMode": "api_key", "secrets.mode": "externalSecrets",
	},
	"managed datastores": {
		"postgresql.enabled": false, "redis.enabled": false, "kafka.enabled": false,
		"externalKafka.sasl.mechanism": "SCRAM-SHA-512", "externalKafka.tls": true, "externalRedis.tls": true,
		"secrets.mode": "externalSecrets", "networkPolicy.enabled": true, "upgrade.merkleBackfill.enabled": true,
		"gateway.authMode": "api_key", "gateway.tls.enabled": true,
	},
}

// probe is the distinctive value each free-form key gets: unique, and a
// valid DNS label, so that it passes wherever a name goes.
func probe(i int) string { return fmt.Sprintf("q%dz", i) }

var probeRE = regexp.MustCompile(`q[0-9]+z`)

// probed are the keys that take a probe: strings without an enum, lists
// and maps. A few need a shape (a port) around it.
func probed() map[string]func(string) any {
	shape := map[string]func(string) any{
		"externalKafka.bootstrapServers": func(p string) any { return p + ":9093" },
	}
	// The pod settings in Kubernetes' types: a probe in a string of each.
	kinds := map[values.Kind]func(string) any{
		values.KindTolerations: func(p string) any { return values.Tolerations{{Key: p, Operator: "Exists"}} },
		values.KindAffinity: func(p string) any {
			return &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "pool", Operator: "In", Values: []string{p}}}}},
			}}}
		},
		values.KindSpread: func(p string) any {
			return values.SpreadConstraints{{MaxSkew: 1, TopologyKey: p, WhenUnsatisfiable: "DoNotSchedule"}}
		},
		values.KindEnvVars: func(p string) any { return values.EnvVars{{Name: "PROBE", Value: p}} },
	}
	out := map[string]func(string) any{}
	for _, p := range values.Params() {
		switch {
		case shape[p.Key] != nil:
			out[p.Key] = shape[p.Key]
		case kinds[p.Kind] != nil:
			out[p.Key] = kinds[p.Kind]
		case p.Kind == values.KindString && len(p.Enum) == 0:
			out[p.Key] = func(s string) any { return s }
		case p.Kind == values.KindList:
			out[p.Key] = func(s string) any { return []string{s} }
		case p.Kind == values.KindMap:
			out[p.Key] = func(s string) any { return map[string]string{s: s} }
		}
	}
	return out
}

// landing is where a probe showed: the object, the path, and the format
// that path is read in.
type landing struct {
	where  string
	format compose.Format
}

// envFormats are the variables whose value a program reads in a further
// format; argFormats the same for arguments, by prefix.
var (
	envFormats = map[string]compose.Format{
		"DATA_SOURCE_URI":         compose.URI,
		"CARACAL_GATEWAY_URL":     compose.URI,
		"KAFKA_BOOTSTRAP_SERVERS": compose.HostList,
		"KAFKA_PEER_DOMAIN":       compose.Properties,
		"ZOO_SERVERS":             compose.ZooServers,
	}
	argFormats = map[string]compose.Format{
		"--dbname=":       compose.LibpqDBName,
		"--kafka.server=": compose.HostList,
	}
)

// formatsAt classifies a string of a manifest by its path.
func formatsAt(kind string, p []string, s string, parent any) []compose.Format {
	at := strings.Join(p, ".")
	last := p[len(p)-1]
	inContainer := slices.Contains(p, "containers") || slices.Contains(p, "initContainers")
	switch {
	case kind == "ConfigMap" && len(p) == 2 && p[0] == "data":
		switch path.Ext(last) {
		case ".properties":
			return []compose.Format{compose.Properties}
		case ".json":
			return []compose.Format{compose.JSON}
		}
		if f, ok := envFormats[last]; ok {
			return []compose.Format{compose.EnvFrom, f}
		}
		return []compose.Format{compose.EnvFrom}
	case kind == "PrometheusRule" && last == "expr":
		return []compose.Format{compose.PromQL}
	case inContainer && last == "image":
		return []compose.Format{compose.Image}
	case inContainer && last == "value" && len(p) >= 3 && p[len(p)-3] == "env":
		name, _ := parent.(map[string]any)["name"].(string)
		out := []compose.Format{compose.Env}
		if f, ok := envFormats[name]; ok {
			out = append(out, f)
		}
		return out
	case inContainer && (strings.Contains(at, ".command.") || strings.Contains(at, ".args.")):
		out := []compose.Format{compose.CommandLine}
		if list, ok := parent.([]any); ok && len(list) == 3 && list[0] == "sh" && list[1] == "-c" && last == "2" {
			out = append(out, compose.Shell)
		}
		for prefix, f := range argFormats {
			if strings.HasPrefix(s, prefix) {
				out = append(out, f)
			}
		}
		return out
	}
	return nil
}

// walk calls visit for every string of a manifest, with its path and the
// mapping or list that holds it.
func walk(v any, p []string, parent any, visit func(p []string, s string, parent any)) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			walk(c, append(slices.Clip(p), k), x, visit)
		}
	case []any:
		for i, c := range x {
			walk(c, append(slices.Clip(p), strconv.Itoa(i)), x, visit)
		}
	case string:
		visit(p, x, parent)
	}
}

// observe synthesizes a scenario with a probe in every free-form key and
// returns, per key, the formats its probe landed in.
func observe(t *testing.T, toggles map[string]any, keys map[string]func(string) any) (map[string]map[compose.Format][]string, map[string]bool) {
	t.Helper()
	v := values.Defaults()
	for k, x := range toggles {
		setKey(t, v, k, x)
	}
	byProbe := map[string]string{}
	names := make([]string, 0, len(keys))
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for i, k := range names {
		p := probe(i)
		byProbe[p] = k
		setKey(t, v, k, keys[k](p))
	}
	files, err := synth.Synthesize(v)
	if err != nil {
		t.Fatalf("synth: %v", err)
	}
	formats := map[string]map[compose.Format][]string{}
	seen := map[string]bool{}
	record := func(kind, where string, fs []compose.Format, s string) {
		for _, p := range probeRE.FindAllString(s, -1) {
			key, ok := byProbe[p]
			if !ok {
				continue
			}
			seen[key] = true
			for _, f := range fs {
				if formats[key] == nil {
					formats[key] = map[compose.Format][]string{}
				}
				formats[key][f] = append(formats[key][f], where)
			}
		}
	}
	for _, f := range files {
		if path.Base(f.Name) == synth.Kustomization {
			record("", f.Name, nil, string(f.Data))
			continue
		}
		objs, err := testkit.Parse(f.Data)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			walk(map[string]any(o), nil, nil, func(p []string, s string, parent any) {
				where := o.Kind() + "/" + o.Name() + ":" + strings.Join(p, ".")
				fs := formatsAt(o.Kind(), p, s, parent)
				record(o.Kind(), where, fs, s)
				// Inside the dashboard, the queries are PromQL.
				if slices.Contains(fs, compose.JSON) {
					var d any
					if err := json.Unmarshal([]byte(s), &d); err != nil {
						t.Fatalf("%s: %v", where, err)
					}
					walk(d, nil, nil, func(q []string, s string, _ any) {
						if q[len(q)-1] == "expr" {
							record("", where+":"+strings.Join(q, "."), []compose.Format{compose.PromQL}, s)
						}
					})
				}
			})
		}
	}
	return formats, seen
}

// The table of formats is complete and exact: every free-form key is in
// it, and a probe value in each key lands in exactly the formats the
// table lists for it (those only checked at run time apart).
func TestFormatsTableIsCompleteAndExact(t *testing.T) {
	table := map[string]compose.Flow{}
	for _, f := range compose.Flows {
		if _, dup := table[f.Key]; dup {
			t.Errorf("%s is listed twice", f.Key)
		}
		table[f.Key] = f
		for _, format := range f.Formats {
			if compose.Guards[format] == "" {
				t.Errorf("%s: format %q has no guard", f.Key, format)
			}
		}
	}
	leaves := map[string]values.Param{}
	for _, p := range values.Params() {
		leaves[p.Key] = p
	}
	for key := range table {
		if _, ok := leaves[key]; !ok {
			t.Errorf("%s is in the table but is no key of the values", key)
		}
	}
	for key, p := range leaves {
		if _, ok := table[key]; !ok && (p.Kind == values.KindString || p.Kind == values.KindList || p.Kind == values.KindMap) {
			t.Errorf("%s (%s) is not in the table", key, p.Kind)
		}
	}

	observed := map[string]map[compose.Format][]string{}
	seen := map[string]bool{}
	// The pod settings under global.* apply where a workload sets none
	// of its own: they are probed apart, without the workloads' own.
	var podKeys []string
	for k := range probed() {
		if rest, ok := strings.CutPrefix(k, "global."); ok && leaf("gateway."+rest).Key != "" {
			podKeys = append(podKeys, rest)
		}
	}
	own, global := map[string]func(string) any{}, map[string]func(string) any{}
	for k, f := range probed() {
		isPod := slices.ContainsFunc(podKeys, func(s string) bool { return strings.HasSuffix(k, "."+s) })
		if !isPod || !strings.HasPrefix(k, "global.") {
			own[k] = f
		}
		if !isPod || strings.HasPrefix(k, "global.") {
			global[k] = f
		}
	}
	for name, toggles := range scenarios {
		for _, keys := range []map[string]func(string) any{own, global} {
			got, s := observe(t, toggles, keys)
			for key, fs := range got {
				if observed[key] == nil {
					observed[key] = map[compose.Format][]string{}
				}
				for f, where := range fs {
					observed[key][f] = append(observed[key][f], name+": "+where[0])
				}
			}
			for k := range s {
				seen[k] = true
			}
		}
	}
	for key := range probed() {
		if !seen[key] {
			t.Errorf("%s: its probe shows nowhere in any scenario, so its row is unchecked", key)
		}
		listed := table[key].Formats
		for f, where := range observed[key] {
			if !slices.Contains(listed, f) {
				t.Errorf("%s lands in %s (%s), which the table does not list", key, f, where[0])
			}
		}
		for _, f := range listed {
			if _, ok := observed[key][f]; !ok && !compose.RunTime[f] {
				t.Errorf("%s: the table lists %s, but the value never lands there", key, f)
			}
		}
	}
}

// No value is ever expanded by the kubelet: with $(DB_PASSWORD) in every
// free-form key (but the two DNS names, which the constructs refuse), no
// container's command, args, env value or exec probe holds a reference
// but the two kafka_exporter's own code writes.
func TestValuesAreNeverExpandedByTheKubelet(t *testing.T) {
	deliberate := map[string]bool{"--sasl.username=$(KAFKA_SASL_USERNAME)": true, "--sasl.password=$(KAFKA_SASL_PASSWORD)": true}
	refs := regexp.MustCompile(`\$+\(`)
	hostile := "$(DB_PASSWORD)"
	for name, toggles := range scenarios {
		t.Run(name, func(t *testing.T) {
			v := values.Defaults()
			for k, x := range toggles {
				setKey(t, v, k, x)
			}
			n := 0
			for key, shape := range probed() {
				if p := leaf(key); key == "global.namespace" || key == "global.clusterDomain" || p.Kind != values.KindString {
					continue
				}
				setKey(t, v, key, shape(hostile))
				n++
			}
			files, err := synth.Synthesize(v)
			if err != nil {
				t.Fatalf("synth: %v", err)
			}
			found := 0
			for _, f := range files {
				objs, err := testkit.Parse(f.Data)
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range objs {
					walk(map[string]any(o), nil, nil, func(p []string, s string, parent any) {
						fs := formatsAt(o.Kind(), p, s, parent)
						if !slices.Contains(fs, compose.Env) && !slices.Contains(fs, compose.CommandLine) {
							return
						}
						if strings.Contains(s, "DB_PASSWORD") {
							found++
						}
						for _, loc := range refs.FindAllStringIndex(s, -1) {
							if dollars := loc[1] - loc[0] - 1; dollars%2 == 1 && !deliberate[s] {
								t.Errorf("%s/%s %s: the kubelet expands a reference in %q", o.Kind(), o.Name(), strings.Join(p, "."), s)
							}
						}
					})
				}
			}
			if n == 0 || found == 0 {
				t.Fatalf("%d keys set, the value found %d times: the test tests nothing", n, found)
			}
		})
	}
}

func leaf(key string) values.Param {
	for _, p := range values.Params() {
		if p.Key == key {
			return p
		}
	}
	return values.Param{}
}
