// Package workload holds the skeletons every component is built from: the
// props every Caracal process and every datastore shares (Process,
// Datastore), a stateless process (ServiceAccount, ConfigMap, Deployment,
// disruption budget, autoscaler), a StatefulSet with its claims, a Job or
// CronJob run as steps, a sidecar exporter, Services and the pod template
// they share (security, spreading over zones and hosts), and the Secret
// keys a pod reads. Object details come from package kube.
package workload
