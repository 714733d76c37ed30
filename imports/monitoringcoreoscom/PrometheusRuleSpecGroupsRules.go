package monitoringcoreoscom


type PrometheusRuleSpecGroupsRules struct {
	// PromQL expression.
	Expr interface{} `field:"required" json:"expr" yaml:"expr"`
	Alert *string `field:"optional" json:"alert" yaml:"alert"`
	Annotations *map[string]*string `field:"optional" json:"annotations" yaml:"annotations"`
	For *string `field:"optional" json:"for" yaml:"for"`
	Labels *map[string]*string `field:"optional" json:"labels" yaml:"labels"`
	Record *string `field:"optional" json:"record" yaml:"record"`
}

