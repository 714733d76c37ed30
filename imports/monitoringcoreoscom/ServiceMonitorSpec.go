package monitoringcoreoscom


type ServiceMonitorSpec struct {
	// Ports of the selected Services to scrape.
	Endpoints *[]*ServiceMonitorSpecEndpoints `field:"required" json:"endpoints" yaml:"endpoints"`
	// Label selector of the Services to scrape.
	Selector *ServiceMonitorSpecSelector `field:"required" json:"selector" yaml:"selector"`
	// Label of the Service whose value names the scrape job.
	JobLabel *string `field:"optional" json:"jobLabel" yaml:"jobLabel"`
	// Namespaces the Services are in;
	//
	// the ServiceMonitor's own by default.
	NamespaceSelector *ServiceMonitorSpecNamespaceSelector `field:"optional" json:"namespaceSelector" yaml:"namespaceSelector"`
}

