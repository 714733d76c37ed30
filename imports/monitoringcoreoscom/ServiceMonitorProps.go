package monitoringcoreoscom

import (
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
)

// ServiceMonitor tells Prometheus which Services to scrape, and how.
type ServiceMonitorProps struct {
	Spec *ServiceMonitorSpec `field:"required" json:"spec" yaml:"spec"`
	Metadata *cdk8s.ApiObjectMetadata `field:"optional" json:"metadata" yaml:"metadata"`
}

