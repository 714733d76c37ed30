package monitoringcoreoscom


type PrometheusRuleSpecGroups struct {
	Name *string `field:"required" json:"name" yaml:"name"`
	Interval *string `field:"optional" json:"interval" yaml:"interval"`
	Rules *[]*PrometheusRuleSpecGroupsRules `field:"optional" json:"rules" yaml:"rules"`
}

