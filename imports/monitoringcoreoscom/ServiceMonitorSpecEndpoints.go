package monitoringcoreoscom


type ServiceMonitorSpecEndpoints struct {
	HonorLabels *bool `field:"optional" json:"honorLabels" yaml:"honorLabels"`
	// Scrape interval, a Prometheus duration such as 30s.
	Interval *string `field:"optional" json:"interval" yaml:"interval"`
	Path *string `field:"optional" json:"path" yaml:"path"`
	// Name of the Service port.
	Port *string `field:"optional" json:"port" yaml:"port"`
	Scheme ServiceMonitorSpecEndpointsScheme `field:"optional" json:"scheme" yaml:"scheme"`
	ScrapeTimeout *string `field:"optional" json:"scrapeTimeout" yaml:"scrapeTimeout"`
}

