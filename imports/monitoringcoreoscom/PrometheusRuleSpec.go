package monitoringcoreoscom


type PrometheusRuleSpec struct {
	Groups *[]*PrometheusRuleSpecGroups `field:"optional" json:"groups" yaml:"groups"`
}

