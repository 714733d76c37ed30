package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensions "k8s.io/apiextensions-apiserver/pkg/client/clientset/clientset"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
)

// prepare does what the README asks of a user before the first sync: the
// namespace (labelled for Pod Security "restricted"), the Secrets the
// output reads but does not write (mode existing: created out of band;
// mode externalSecrets: the External Secrets operator would sync them),
// and the CRDs of the add-ons the output asks for.
func (c *cluster) prepare(ctx context.Context, o *output, crdDir string) error {
	namespaces := map[string]bool{}
	defined := map[[2]string]bool{}
	for _, u := range o.objects {
		if ns := u.GetNamespace(); ns != "" {
			namespaces[ns] = true
		}
		if u.GetKind() == "Secret" {
			defined[[2]string{u.GetNamespace(), u.GetName()}] = true
		}
	}
	for _, ns := range sortedKeys(namespaces) {
		obj := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns, Labels: map[string]string{
			"pod-security.kubernetes.io/enforce":         "restricted",
			"pod-security.kubernetes.io/enforce-version": "latest",
		}}}
		if _, err := c.client.CoreV1().Namespaces().Create(ctx, obj, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating namespace %s: %w", ns, err)
		}
	}
	refs := o.secretRefs()
	keys := make([][2]string, 0, len(refs))
	for k := range refs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+"/"+keys[i][1] < keys[j][0]+"/"+keys[j][1] })
	for _, k := range keys {
		if defined[k] {
			continue
		}
		// Stand-in values: nothing reads them, no container runs.
		s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: k[0], Name: k[1], Labels: map[string]string{"sim.caracal.dev/out-of-band": "true"}}, Data: map[string][]byte{}}
		for key := range refs[k] {
			s.Data[key] = []byte("stand-in")
		}
		if refs[k][".dockerconfigjson"] {
			s.Type = corev1.SecretTypeDockerConfigJson
			s.Data[".dockerconfigjson"] = []byte(`{"auths":{}}`)
		}
		if _, err := c.client.CoreV1().Secrets(k[0]).Create(ctx, s, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating Secret %s/%s: %w", k[0], k[1], err)
		}
	}
	if err := c.prepareUserRefs(ctx, o); err != nil {
		return err
	}
	return c.installCRDs(ctx, o, crdDir)
}

// prepareUserRefs creates what the values name and the user creates by
// hand: the PriorityClasses of global or a workload's priorityClassName,
// and the ConfigMaps of extraEnvVarsCM. Without a class, the API server
// refuses the pods, as it would on a real cluster.
func (c *cluster) prepareUserRefs(ctx context.Context, o *output) error {
	configMaps, classes := o.userRefs()
	for _, name := range sortedKeys(classes) {
		pc := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Value: 1000}
		if _, err := c.client.SchedulingV1().PriorityClasses().Create(ctx, pc, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating PriorityClass %s: %w", name, err)
		}
	}
	for k := range configMaps {
		cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: k[0], Name: k[1], Labels: map[string]string{"sim.caracal.dev/out-of-band": "true"}}}
		if _, err := c.client.CoreV1().ConfigMaps(k[0]).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating ConfigMap %s/%s: %w", k[0], k[1], err)
		}
	}
	return nil
}

// installCRDs installs the CRDs of the custom resources the output holds,
// and nothing else: the default output must need none.
func (c *cluster) installCRDs(ctx context.Context, o *output, dir string) error {
	needed := map[string]bool{}
	for _, u := range o.objects {
		gvk := u.GroupVersionKind()
		needed[gvk.Group+"/"+gvk.Kind] = true
	}
	if dir == "" {
		return nil
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return err
	}
	client, err := apiextensions.NewForConfig(c.config)
	if err != nil {
		return err
	}
	var installed []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		objs, err := parseManifests(data)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		for _, u := range objs {
			var crd apiextensionsv1.CustomResourceDefinition
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &crd); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			if !needed[crd.Spec.Group+"/"+crd.Spec.Names.Kind] {
				continue
			}
			if _, err := client.ApiextensionsV1().CustomResourceDefinitions().Create(ctx, &crd, metav1.CreateOptions{}); err != nil {
				return fmt.Errorf("installing CRD %s: %w", crd.Name, err)
			}
			installed = append(installed, crd.Name)
		}
	}
	return c.waitEstablished(ctx, client, installed)
}

// waitEstablished waits for each named CRD to be Established.
func (c *cluster) waitEstablished(ctx context.Context, client apiextensions.Interface, names []string) error {
	for _, name := range names {
		err := c.waitFor(ctx, 30*time.Second, "CRD "+name+" established", func() (bool, string, error) {
			crd, err := client.ApiextensionsV1().CustomResourceDefinitions().Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, "", err
			}
			for _, cond := range crd.Status.Conditions {
				if cond.Type == apiextensionsv1.Established && cond.Status == apiextensionsv1.ConditionTrue {
					return true, "", nil
				}
			}
			return false, "not established", nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// loadBalancers plays a cloud's load-balancer controller: every Service of
// type LoadBalancer gets an address, as it would on EKS, GKE or AKS. It
// runs until the cluster stops.
func (c *cluster) loadBalancers() {
	ctx := c.ctx
	next := 10
	for ctx.Err() == nil {
		w, err := c.client.CoreV1().Services("").Watch(ctx, metav1.ListOptions{})
		if err != nil {
			time.Sleep(time.Second)
			continue
		}
		for ev := range w.ResultChan() {
			svc, ok := ev.Object.(*corev1.Service)
			if !ok || ev.Type == watch.Deleted || svc.Spec.Type != corev1.ServiceTypeLoadBalancer || len(svc.Status.LoadBalancer.Ingress) > 0 {
				continue
			}
			svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: fmt.Sprintf("203.0.113.%d", next)}}
			next++
			if _, err := c.client.CoreV1().Services(svc.Namespace).UpdateStatus(ctx, svc, metav1.UpdateOptions{}); err != nil && !apierrors.IsConflict(err) && ctx.Err() == nil {
				fmt.Fprintf(os.Stderr, "converge: publishing an address for Service %s/%s: %v\n", svc.Namespace, svc.Name, err)
			}
		}
		w.Stop()
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
