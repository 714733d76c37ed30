package values

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/util/validation"
)

// origins tells where each key was set; a key never set is a default,
// the zero Pos.
type origins map[string]Pos

// blame picks the position to report a problem involving several keys: the
// first one the user set, else the first key.
func (o origins) blame(keys ...string) (Pos, string) {
	for _, k := range keys {
		if !o[k].IsDefault() {
			return o[k], k
		}
	}
	return o[keys[0]], keys[0]
}

// where describes a key's origin in a message about another key.
func (o origins) where(key string) string {
	p := o[key]
	if p.IsDefault() {
		return "the default"
	}
	return "set at " + p.String()
}

// validate checks every key by its own rules, then, when crossKeys is set
// and each key is fine alone, the rules between keys. Those would only add
// noise about a tree that failed to decode.
func validate(v *Values, o origins, crossKeys bool) problems {
	var probs problems
	root := reflect.ValueOf(v).Elem()
	leaves := schema().leaves()
	for _, f := range leaves {
		val := root.FieldByIndex(f.index)
		if f.kind == KindInt && val.Int() > math.MaxInt32 {
			probs.add(o[f.key], f.key, "%d is too large (Kubernetes fields are 32-bit)", val.Int())
			continue
		}
		if f.kind == KindQuantity && val.String() != "" {
			if _, err := Quantity(val.String()).Parse(); err != nil {
				probs.add(o[f.key], f.key, "%v", err)
				continue
			}
		}
		validateObject(f, val, o, &probs)
		if msg := applyChecks(f.checks, val); msg != "" {
			if o[f.key].Anchored && val.Kind() == reflect.String && val.String() != "" {
				msg = strings.ReplaceAll(msg, val.String(), Redacted)
			}
			probs.add(o[f.key], f.key, "%s", msg)
		}
	}
	if len(probs) > 0 || !crossKeys {
		return probs
	}
	checkNamespace(v, o, &probs)
	checkHostLength(v, o, &probs)
	checkPriorityClass(v, o, &probs)
	checkRequestsWithinLimits(root, leaves, o, &probs)
	checkAutoscaling("gateway.autoscaling", v.Gateway.Autoscaling, o, &probs)
	checkAutoscaling("mcpAdapter.autoscaling", v.MCPAdapter.Autoscaling, o, &probs)
	checkKafka(v, o, &probs)
	checkExternal(v, o, &probs)
	checkSecrets(v, o, &probs)
	checkGateway(v, o, &probs)
	checkFlux(v, o, &probs)
	checkNetworkPolicy(v, o, &probs)
	return probs
}

// applyChecks applies a field's checks in order and reports the first
// one that fails, or "". optional first lets an empty value skip them.
func applyChecks(checks []check, v reflect.Value) string {
	for _, c := range checks {
		if c.name == "optional" && v.IsZero() {
			return ""
		}
		if msg := c.apply(v); msg != "" {
			return msg
		}
	}
	return ""
}

func checkRequestsWithinLimits(root reflect.Value, leaves []*field, o origins, probs *problems) {
	for _, f := range leaves {
		if !strings.Contains(f.key, ".resources.requests.") {
			continue
		}
		limKey := strings.Replace(f.key, ".resources.requests.", ".resources.limits.", 1)
		req := Quantity(root.FieldByIndex(f.index).String())
		lim := Quantity(root.FieldByIndex(lookup(limKey).index).String())
		if req == "" || lim == "" {
			continue
		}
		rq, _ := req.Parse()
		lq, _ := lim.Parse()
		if rq.Cmp(lq) > 0 {
			pos, key := o.blame(f.key, limKey)
			other := limKey
			if key == limKey {
				other = f.key
			}
			probs.add(pos, key, "the request %s is above the limit %s (%s is %s); a request can never exceed its limit", req, lim, other, o.where(other))
		}
	}
}

func checkAutoscaling(prefix string, a Autoscaling, o origins, probs *problems) {
	if a.MinReplicas > a.MaxReplicas {
		minKey, maxKey := prefix+".minReplicas", prefix+".maxReplicas"
		pos, key := o.blame(minKey, maxKey)
		probs.add(pos, key, "%s (%d) is above %s (%d, %s)", minKey, a.MinReplicas, maxKey, a.MaxReplicas, o.where(maxKey))
	}
}

func checkKafka(v *Values, o origins, probs *problems) {
	k := v.Kafka
	if !k.Enabled {
		return
	}
	if n := k.ReplicaCount; n == 2 && !k.ZooKeeper.Enabled {
		probs.add(o["kafka.replicaCount"], "kafka.replicaCount", "a KRaft quorum of 2 stops when either node does: use 1 (development) or 3 or more")
	}
	if n := k.ZooKeeper.ReplicaCount; k.ZooKeeper.Enabled && n%2 == 0 {
		probs.add(o["kafka.zookeeper.replicaCount"], "kafka.zookeeper.replicaCount", "%d ZooKeeper nodes tolerate no more failures than %d: use an odd number", n, n-1)
	}
	if k.ZooKeeper.Enabled && !strings.HasPrefix(k.Image.Tag, "3.") {
		pos, key := o.blame("kafka.zookeeper.enabled", "kafka.image.tag")
		probs.add(pos, key, "ZooKeeper mode needs a Kafka 3.x image (Kafka 4 has no ZooKeeper mode), but kafka.image.tag is %q: set kafka.image.tag=%s, the last line with it", k.Image.Tag, kafkaZooKeeperTag)
	}
	if k.Config.DefaultReplicationFactor > k.ReplicaCount {
		pos, key := o.blame("kafka.config.defaultReplicationFactor", "kafka.replicaCount")
		probs.add(pos, key, "kafka.config.defaultReplicationFactor (%d) is above kafka.replicaCount (%d, %s): a partition cannot have more replicas than there are brokers",
			k.Config.DefaultReplicationFactor, k.ReplicaCount, o.where("kafka.replicaCount"))
	}
	if k.Config.MinInsyncReplicas > k.Config.DefaultReplicationFactor {
		pos, key := o.blame("kafka.config.minInsyncReplicas", "kafka.config.defaultReplicationFactor")
		probs.add(pos, key, "kafka.config.minInsyncReplicas (%d) is above kafka.config.defaultReplicationFactor (%d, %s): every write would be rejected",
			k.Config.MinInsyncReplicas, k.Config.DefaultReplicationFactor, o.where("kafka.config.defaultReplicationFactor"))
	} else if rf := k.Config.DefaultReplicationFactor; k.ReplicaCount > 1 && k.Config.MinInsyncReplicas == rf {
		// The disruption budget lets a drain stop rf-minISR brokers: with
		// none to spare, every node drain would wait forever.
		pos, key := o.blame("kafka.config.minInsyncReplicas", "kafka.config.defaultReplicationFactor")
		fix := fmt.Sprintf("set kafka.config.minInsyncReplicas to %d", rf-1)
		if rf == 1 {
			fix = fmt.Sprintf("set kafka.config.defaultReplicationFactor to %d", min(3, k.ReplicaCount))
		}
		probs.add(pos, key, "kafka.config.minInsyncReplicas (%d) equals kafka.config.defaultReplicationFactor (%d, %s): a broker stopped by a node drain would leave its partitions unwritable, so the PodDisruptionBudget could allow no disruption and every drain would block; %s",
			k.Config.MinInsyncReplicas, rf, o.where("kafka.config.defaultReplicationFactor"), fix)
	}
}

// checkExternal requires an endpoint for each disabled datastore, and
// refuses an endpoint that would be ignored because the datastore runs in
// the cluster.
func checkExternal(v *Values, o origins, probs *problems) {
	type store struct {
		enabledKey, endpointKey, what string
		enabled                       bool
		endpoint                      string
	}
	for _, s := range []store{
		{"postgresql.enabled", "externalDatabase.host", "PostgreSQL", v.PostgreSQL.Enabled, v.ExternalDatabase.Host},
		{"redis.enabled", "externalRedis.host", "Redis", v.Redis.Enabled, v.ExternalRedis.Host},
		{"kafka.enabled", "externalKafka.bootstrapServers", "Kafka", v.Kafka.Enabled, v.ExternalKafka.BootstrapServers},
	} {
		switch {
		case !s.enabled && s.endpoint == "":
			probs.add(o[s.enabledKey], s.enabledKey, "the in-cluster %s is disabled, so set %s to the managed %s that replaces it", s.what, s.endpointKey, s.what)
		case s.enabled && s.endpoint != "":
			probs.add(o[s.endpointKey], s.endpointKey, "is set, but %s is true, so it would be ignored; set %s=false to use the external %s", s.enabledKey, s.enabledKey, s.what)
		}
	}
	if sasl := v.ExternalKafka.SASL; sasl.Mechanism != "none" && sasl.ExistingSecret == "" && !v.Kafka.Enabled {
		pos, key := o.blame("externalKafka.sasl.existingSecret", "externalKafka.sasl.mechanism")
		probs.add(pos, key, "externalKafka.sasl.mechanism is %s, so set externalKafka.sasl.existingSecret to the Secret with the keys username and password", sasl.Mechanism)
	}
}

func checkSecrets(v *Values, o origins, probs *problems) {
	passwords := []struct {
		key, value, def, secretKey string
	}{
		{"postgresql.auth.password", v.PostgreSQL.Auth.Password, DefaultPostgresPassword, "postgresql-password"},
		{"redis.auth.password", v.Redis.Auth.Password, DefaultRedisPassword, "redis-password"},
	}
	switch v.Secrets.Mode {
	case SecretsExisting:
		for _, p := range passwords {
			if o[p.key].IsDefault() {
				continue
			}
			probs.add(o[p.key], p.key, "%s", existingModeMessage(v.Global.Namespace))
		}
	case SecretsExternal:
		for _, p := range passwords {
			if !o[p.key].IsDefault() {
				probs.add(o[p.key], p.key, "a password is set, but secrets.mode is \"externalSecrets\": the password comes from the property %s of %q in the secret store, so remove it from your values (dist/ is committed to Git)",
					p.secretKey, v.Secrets.ExternalSecrets.RemoteKeys.Credentials)
			}
		}
		if v.Secrets.ExternalSecrets.StoreRef.Name == "" {
			pos, key := o.blame("secrets.externalSecrets.storeRef.name", "secrets.mode")
			probs.add(pos, key, "secrets.mode is externalSecrets, so set secrets.externalSecrets.storeRef.name to the %s that holds Caracal's secrets", v.Secrets.ExternalSecrets.StoreRef.Kind)
		}
	case SecretsInline:
		for _, p := range passwords {
			if p.value == "" {
				probs.add(o[p.key], p.key, "secrets.mode is inline, so a password is required")
			} else if p.value == p.def && !v.Secrets.AllowInsecureDefaultPasswords {
				probs.add(o[p.key], p.key, "secrets.mode is inline, but this is the chart's published default password; set a real password, or set secrets.allowInsecureDefaultPasswords=true for a throwaway development cluster")
			}
		}
	}
}

// existingModeMessage says why a password in values is refused and gives
// the two ways forward.
func existingModeMessage(namespace string) string {
	return fmt.Sprintf(`a password is set, but secrets.mode is "existing": dist/ is committed to Git, so no password is written there, and this one would be silently ignored. Either
    remove it from your values and create the Secret out of band:
      kubectl create secret generic caracal-secrets --namespace %s \
        --from-literal=postgresql-password='<database password>' \
        --from-literal=redis-password='<redis password>'
    or, for a development cluster only, set secrets.mode=inline to render the Secret into dist/`, namespace)
}

func checkGateway(v *Values, o origins, probs *problems) {
	g := v.Gateway
	if m := v.MCPAdapter; m.Enabled && !g.Enabled {
		pos, key := o.blame("gateway.enabled", "mcpAdapter.enabled")
		probs.add(pos, key, "the MCP adapter forwards every call to the gateway, so it needs gateway.enabled=true (or mcpAdapter.enabled=false)")
	}
	for _, ports := range []struct {
		a, b string
		x, y int
	}{
		{"gateway.service.httpsPort", "gateway.service.metricsPort", g.Service.HTTPSPort, g.Service.MetricsPort},
		{"mcpAdapter.service.port", "mcpAdapter.service.metricsPort", v.MCPAdapter.Service.Port, v.MCPAdapter.Service.MetricsPort},
	} {
		if ports.x == ports.y {
			pos, key := o.blame(ports.b, ports.a)
			probs.add(pos, key, "%s and %s are both %d; they must differ", ports.a, ports.b, ports.x)
		}
	}
	if g.Enabled && g.AuthMode == AuthMTLS && !g.TLS.Enabled {
		pos, key := o.blame("gateway.authMode", "gateway.tls.enabled")
		probs.add(pos, key, "gateway.authMode mtls verifies clients against ca.crt from the TLS secret, so it needs gateway.tls.enabled=true (%s)", o.where("gateway.tls.enabled"))
	}
	checkExposure(g.Service, o, probs)
}

// checkExposure refuses the settings of the gateway's load balancer on a
// Service that has none: the API server refuses them on another type.
func checkExposure(s Service, o origins, probs *problems) {
	const typ = "gateway.service.type"
	for _, set := range []struct {
		key  string
		on   bool
		need []string
	}{
		{"gateway.service.loadBalancerSourceRanges", len(s.LoadBalancerSourceRanges) > 0, []string{"LoadBalancer"}},
		{"gateway.service.loadBalancerClass", s.LoadBalancerClass != "", []string{"LoadBalancer"}},
		{"gateway.service.externalTrafficPolicy", s.ExternalTrafficPolicy != "", []string{"NodePort", "LoadBalancer"}},
	} {
		if set.on && !slices.Contains(set.need, s.Type) {
			pos, key := o.blame(set.key, typ)
			probs.add(pos, key, "%s applies to a Service of type %s only, and %s is %s (%s)", set.key, strings.Join(set.need, " or "), typ, s.Type, o.where(typ))
		}
	}
}

// checkNetworkPolicy refuses an empty selector of the namespaces that may
// scrape: in a NetworkPolicy it selects every namespace.
func checkNetworkPolicy(v *Values, o origins, probs *problems) {
	const key = "networkPolicy.metricsNamespaceLabels"
	if v.NetworkPolicy.Enabled && len(v.NetworkPolicy.MetricsNamespaceLabels) == 0 {
		probs.add(o[key], key, "networkPolicy.enabled is true, so name at least one label of the namespace Prometheus runs in, such as kubernetes.io/metadata.name: monitoring; with none, every namespace could reach the metrics ports")
	}
}

// checkFlux refuses a stage timeout shorter than a Job may take: Flux
// would give up on a migration that is still running, and hold the
// stages after it until its next interval.
func checkFlux(v *Values, o origins, probs *problems) {
	if !v.Flux.Enabled {
		return
	}
	timeout, _ := time.ParseDuration(v.Flux.Timeout) // checked as a duration already
	if deadline := time.Duration(v.Jobs.ActiveDeadlineSeconds) * time.Second; timeout < deadline {
		pos, key := o.blame("flux.timeout", "jobs.activeDeadlineSeconds")
		probs.add(pos, key, "flux.timeout (%s) is shorter than jobs.activeDeadlineSeconds (%d s, %s): a stage would give up on a Job that may still finish; set flux.timeout to %dm or more",
			v.Flux.Timeout, v.Jobs.ActiveDeadlineSeconds, o.where("jobs.activeDeadlineSeconds"), int((deadline + 5*time.Minute).Minutes()))
	}
}

// longestHost is the longest host name the output writes, a ZooKeeper
// node's (at most 15 nodes, see kafka.zookeeper.replicaCount), without
// its namespace and cluster domain.
const longestHost = "caracal-zookeeper-14.caracal-zookeeper-headless.%s.svc.%s"

// checkHostLength refuses a namespace and cluster domain that together
// make a host name longer than DNS allows (253): each is valid alone, but
// Kafka's and ZooKeeper's addresses would not be.
func checkHostLength(v *Values, o origins, probs *problems) {
	host := fmt.Sprintf(longestHost, v.Global.Namespace, v.Global.ClusterDomain)
	if len(host) > validation.DNS1123SubdomainMaxLength {
		pos, key := o.blame("global.clusterDomain", "global.namespace")
		probs.add(pos, key, "global.clusterDomain and global.namespace make host names such as %s.svc.<domain> %d characters long, above the 253 DNS allows; shorten one by %d",
			fmt.Sprintf("caracal-zookeeper-14.caracal-zookeeper-headless.%s", v.Global.Namespace), len(host), len(host)-validation.DNS1123SubdomainMaxLength)
	}
}
