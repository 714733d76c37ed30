package monitoringcoreoscom


type ServiceMonitorSpecEndpointsScheme string

const (
	// http.
	ServiceMonitorSpecEndpointsScheme_HTTP ServiceMonitorSpecEndpointsScheme = "HTTP"
	// https.
	ServiceMonitorSpecEndpointsScheme_HTTPS ServiceMonitorSpecEndpointsScheme = "HTTPS"
)

