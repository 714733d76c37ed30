package monitoringcoreoscom


// Label selector of the Services to scrape.
type ServiceMonitorSpecSelector struct {
	MatchLabels *map[string]*string `field:"optional" json:"matchLabels" yaml:"matchLabels"`
}

