// Package workload holds the skeletons every component is built from: a
// stateless process (ServiceAccount, ConfigMap, Deployment, disruption
// budget, autoscaler), a StatefulSet with its claims, a Job or CronJob run
// as steps, a sidecar exporter, Services and the pod template they share
// (security, spreading over zones and hosts). Object details come from
// package kube.
package workload
