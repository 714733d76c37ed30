package monitoringcoreoscom

import (
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// PrometheusRule holds alerting and recording rules for Prometheus.
type PrometheusRuleProps struct {
	Spec *PrometheusRuleSpec `field:"required" json:"spec" yaml:"spec"`
	Metadata *cdk8s.ApiObjectMetadata `field:"optional" json:"metadata" yaml:"metadata"`
}

