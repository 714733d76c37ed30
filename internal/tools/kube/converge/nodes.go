package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/util/retry"
)

// The simulated cluster: three nodes, one per zone, sized like a small
// production node pool. The README states the same figures (a test holds
// them together); every output must fit on two of them, so that a drain
// can always finish.
const (
	nodeCPU    = "16"
	nodeMemory = "64Gi"
	nodePods   = 110
	region     = "sim"
)

var zones = []string{"a", "b", "c"}

// Labels the scheduler and the storage use.
const (
	labelHostname = "kubernetes.io/hostname"
	labelZone     = "topology.kubernetes.io/zone"
	labelRegion   = "topology.kubernetes.io/region"
	// kwok manages only the nodes with this annotation.
	kwokAnnotation = "kwok.x-k8s.io/node"
)

// defaultStorageClass binds volumes where the first pod using them is
// scheduled, as cloud disks do (EKS, GKE and AKS default classes).
const defaultStorageClass = "standard"

// pool is a node pool: one node per zone, with its labels and taints. The
// unnamed pool, of plain nodes, is the default.
type pool struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels,omitempty"`
	Taints []corev1.Taint    `json:"taints,omitempty"`
}

// plainNodes is the cluster without node pools of its own.
var plainNodes = []pool{{}}

func (p pool) nodeName(zone string) string {
	if p.Name == "" {
		return "sim-" + zone
	}
	return "sim-" + p.Name + "-" + zone
}

// poolOf is the pool of a node as it was created: its labels but those
// every node has, and its taints but the ones Kubernetes sets.
func poolOf(n *corev1.Node) pool {
	p := pool{Labels: map[string]string{}}
	for k, v := range n.Labels {
		if !strings.HasPrefix(k, "kubernetes.io/") && !strings.HasPrefix(k, "topology.kubernetes.io/") && !strings.HasPrefix(k, "node.kubernetes.io/") {
			p.Labels[k] = v
		}
	}
	for _, t := range n.Spec.Taints {
		if !strings.HasPrefix(t.Key, "node.kubernetes.io/") {
			p.Taints = append(p.Taints, t)
		}
	}
	return p
}

// cpu is the CPU of each node: nodeCPU unless a run makes them smaller.
func (c *cluster) cpu() string {
	if c.nodeCPU != "" {
		return c.nodeCPU
	}
	return nodeCPU
}

// addNode registers a kwok node of pool p in zone.
func (c *cluster) addNode(ctx context.Context, name, zone string, p pool) error {
	labels := map[string]string{
		labelHostname: name, labelZone: zone, labelRegion: region,
		"kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64",
		"node.kubernetes.io/instance-type": "sim-" + c.cpu() + "cpu-" + strings.ToLower(nodeMemory),
	}
	for k, v := range p.Labels {
		labels[k] = v
	}
	node := &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{kwokAnnotation: "fake"}, Labels: labels},
		Spec:       corev1.NodeSpec{Taints: p.Taints},
	}
	if _, err := c.client.CoreV1().Nodes().Create(ctx, node, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating node %s: %w", name, err)
	}
	list := corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse(c.cpu()),
		corev1.ResourceMemory:           resource.MustParse(nodeMemory),
		corev1.ResourcePods:             *resource.NewQuantity(nodePods, resource.DecimalSI),
		corev1.ResourceEphemeralStorage: resource.MustParse("200Gi"),
	}
	// kwok writes the node's status too, as it starts managing it.
	err := retry.RetryOnConflict(retry.DefaultRetry, func() error {
		n, err := c.client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		n.Status.Capacity, n.Status.Allocatable = list, list
		_, err = c.client.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{})
		return err
	})
	if err != nil {
		return fmt.Errorf("sizing node %s: %w", name, err)
	}
	return nil
}

// addNodes registers one node per zone of each pool and waits for kwok to
// report them Ready.
func (c *cluster) addNodes(ctx context.Context, zones []string, pools []pool) error {
	for _, p := range pools {
		for _, z := range zones {
			if err := c.addNode(ctx, p.nodeName(z), z, p); err != nil {
				return err
			}
		}
	}
	return c.waitFor(ctx, 60*time.Second, "nodes Ready", func() (bool, string, error) {
		nodes, err := c.client.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, "", err
		}
		var notReady []string
		for _, n := range nodes.Items {
			if !nodeReady(&n) {
				notReady = append(notReady, n.Name)
			}
		}
		return len(notReady) == 0 && len(nodes.Items) == len(zones)*len(pools), "not Ready: " + strings.Join(notReady, ", "), nil
	})
}

func nodeReady(n *corev1.Node) bool {
	for _, cond := range n.Status.Conditions {
		if cond.Type == corev1.NodeReady {
			return cond.Status == corev1.ConditionTrue
		}
	}
	return false
}

// claim is a volume the output will ask for: its class and size.
type claim struct {
	class string // "" for the default class
	size  resource.Quantity
}

// addStorage creates the default StorageClass, any other class the claims
// name (with the same behaviour), and for every claim one local volume in
// each zone: the scheduler picks the zone, the claim binds there, and the
// pod is pinned to that zone from then on, as with a cloud disk.
func (c *cluster) addStorage(ctx context.Context, claims []claim) error {
	classes := map[string]bool{defaultStorageClass: true}
	for _, cl := range claims {
		if cl.class != "" {
			classes[cl.class] = true
		}
	}
	names := make([]string, 0, len(classes))
	for name := range classes {
		names = append(names, name)
	}
	sort.Strings(names)
	wait := storagev1.VolumeBindingWaitForFirstConsumer
	reclaim := corev1.PersistentVolumeReclaimRetain
	for _, name := range names {
		sc := &storagev1.StorageClass{
			ObjectMeta:        metav1.ObjectMeta{Name: name},
			Provisioner:       "kubernetes.io/no-provisioner",
			VolumeBindingMode: &wait,
			ReclaimPolicy:     &reclaim,
		}
		if name == defaultStorageClass {
			sc.Annotations = map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}
		}
		if _, err := c.client.StorageV1().StorageClasses().Create(ctx, sc, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating StorageClass %s: %w", name, err)
		}
	}
	for i, cl := range claims {
		class := cl.class
		if class == "" {
			class = defaultStorageClass
		}
		for _, z := range zones {
			pv := &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("disk-%s-%03d", z, i), Labels: map[string]string{labelZone: z}},
				Spec: corev1.PersistentVolumeSpec{
					Capacity:                      corev1.ResourceList{corev1.ResourceStorage: cl.size},
					AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					PersistentVolumeReclaimPolicy: reclaim,
					StorageClassName:              class,
					PersistentVolumeSource:        corev1.PersistentVolumeSource{Local: &corev1.LocalVolumeSource{Path: fmt.Sprintf("/mnt/disks/%03d", i)}},
					NodeAffinity: &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
						MatchExpressions: []corev1.NodeSelectorRequirement{{Key: labelZone, Operator: corev1.NodeSelectorOpIn, Values: []string{z}}},
					}}}},
				},
			}
			if _, err := c.client.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{}); err != nil {
				return fmt.Errorf("creating PersistentVolume %s: %w", pv.Name, err)
			}
		}
	}
	return nil
}

// waitFor polls cond every 250 ms until it holds, the timeout passes, or a
// server of the cluster exits.
func (c *cluster) waitFor(ctx context.Context, timeout time.Duration, what string, cond func() (bool, string, error)) error {
	deadline := time.Now().Add(timeout)
	last := ""
	for {
		if err := c.crashed(); err != nil {
			return err
		}
		ok, detail, err := cond()
		if err == nil && ok {
			return nil
		}
		if err != nil {
			detail = err.Error()
		}
		if detail != "" {
			last = detail
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: not after %s (%s)", what, timeout, last)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func mustQuantity(s string) resource.Quantity { return resource.MustParse(s) }
