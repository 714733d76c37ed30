package monitoringcoreoscom


// Namespaces the Services are in;
//
// the ServiceMonitor's own by default.
type ServiceMonitorSpecNamespaceSelector struct {
	MatchNames *[]*string `field:"optional" json:"matchNames" yaml:"matchNames"`
}

