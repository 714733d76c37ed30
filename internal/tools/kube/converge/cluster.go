package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// binaries are the pinned programs a simulated cluster runs.
type binaries struct {
	etcd, apiserver, controllerManager, scheduler, kwok, kubectl string
}

// cluster is a simulated Kubernetes cluster on 127.0.0.1: a real etcd,
// kube-apiserver, kube-controller-manager (every controller) and
// kube-scheduler, with kwok standing in for the kubelets. Pods are
// scheduled, bound, made Ready and completed, but no container runs.
type cluster struct {
	bin        binaries
	nodeCPU    string // of the nodes it adds ("": nodeCPU)
	dir        string // PKI, data, logs
	kubeconfig string
	// diffKubeconfig is for a user of its own, caracal-diff, whose
	// requests, and only those, the API server audits (auditLog): what
	// caracal-cdk8s diff --cluster sends is checked against that log.
	diffKubeconfig string
	config         *rest.Config
	client         kubernetes.Interface
	procs          []*proc
	// ctx ends when the cluster stops: what watches it stops with it.
	ctx    context.Context
	cancel context.CancelFunc
}

// proc is a started server. A goroutine waits for it from the start, so
// that an early exit is noticed at once: ProcessState is only set by Wait.
type proc struct {
	name, log string
	cmd       *exec.Cmd
	done      chan struct{}
	err       error // Wait's result; read only after done
}

// startCluster starts the servers of a cluster in dir and waits until the
// API server is ready: etcd and kube-apiserver, and with controllers the
// controller manager, the scheduler and kwok. Call stop on every path,
// failures included.
func startCluster(bin binaries, dir string, controllers bool) (*cluster, error) {
	c := &cluster{bin: bin, dir: dir}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	pki, err := makePKI(dir)
	if err != nil {
		return c, err
	}
	ports, err := freePorts(3)
	if err != nil {
		return c, err
	}
	etcdClient, err := c.startEtcd(ports[0], ports[1])
	if err != nil {
		return c, err
	}
	if err := c.startAPIServer(etcdClient, ports[2], pki); err != nil {
		return c, err
	}
	if err := c.connect(fmt.Sprintf("https://127.0.0.1:%d", ports[2]), pki); err != nil {
		return c, err
	}
	if err := c.waitReady(90 * time.Second); err != nil || !controllers {
		return c, err
	}
	return c, c.startControllers(pki)
}

// startEtcd starts etcd on the given ports and returns its client URL.
func (c *cluster) startEtcd(clientPort, peerPort int) (string, error) {
	etcdClient := fmt.Sprintf("http://127.0.0.1:%d", clientPort)
	etcdPeer := fmt.Sprintf("http://127.0.0.1:%d", peerPort)
	return etcdClient, c.start("etcd", c.bin.etcd,
		"--name=sim", "--data-dir="+filepath.Join(c.dir, "etcd"),
		"--listen-client-urls="+etcdClient, "--advertise-client-urls="+etcdClient,
		"--listen-peer-urls="+etcdPeer, "--initial-advertise-peer-urls="+etcdPeer,
		"--initial-cluster=sim="+etcdPeer, "--log-level=warn",
		"--unsafe-no-fsync", // a throwaway store: speed over durability
	)
}

// startAPIServer starts kube-apiserver on port, storing in etcdClient.
func (c *cluster) startAPIServer(etcdClient string, port int, pki *pki) error {
	return c.start("kube-apiserver", c.bin.apiserver,
		"--etcd-servers="+etcdClient,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", fmt.Sprintf("--secure-port=%d", port),
		"--tls-cert-file="+pki.serverCert, "--tls-private-key-file="+pki.serverKey,
		"--client-ca-file="+pki.caCert,
		"--service-account-key-file="+pki.saKey, "--service-account-signing-key-file="+pki.saKey,
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--authorization-mode=Node,RBAC",
		"--enable-admission-plugins=NamespaceLifecycle,LimitRanger,ServiceAccount,PodSecurity,Priority,DefaultTolerationSeconds,DefaultStorageClass,StorageObjectInUseProtection,PersistentVolumeClaimResize,ResourceQuota,MutatingAdmissionWebhook,ValidatingAdmissionWebhook,ValidatingAdmissionPolicy",
		"--endpoint-reconciler-type=none", // else it logs loopback errors forever
		"--service-cluster-ip-range=10.96.0.0/16",
		"--cert-dir="+filepath.Join(c.dir, "apiserver-certs"),
		"--audit-policy-file="+pki.auditPolicy, "--audit-log-path="+c.auditLog(),
		"--audit-log-format=json", "--audit-log-mode=blocking",
	)
}

// auditLog is the API server's audit log: one JSON event a request of
// the user diffUser.
func (c *cluster) auditLog() string { return filepath.Join(c.dir, "audit.log") }

// diffUser is the user of diffKubeconfig.
const diffUser = "caracal-diff"

// auditPolicy logs the requests of diffUser (verb, URI, response), and
// nothing else: the other clients write all the time.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    users: [` + diffUser + `]
  - level: None
`

// connect writes the admin kubeconfig for server and builds the client.
func (c *cluster) connect(server string, pki *pki) error {
	c.kubeconfig = filepath.Join(c.dir, "kubeconfig")
	if err := os.WriteFile(c.kubeconfig, []byte(kubeconfig(server, pki.caCert, pki.clientCert, pki.clientKey)), 0o600); err != nil {
		return err
	}
	c.diffKubeconfig = filepath.Join(c.dir, "kubeconfig-diff")
	if err := os.WriteFile(c.diffKubeconfig, []byte(kubeconfig(server, pki.caCert, pki.diffCert, pki.diffKey)), 0o600); err != nil {
		return err
	}
	var err error
	if c.config, err = clientcmd.BuildConfigFromFlags("", c.kubeconfig); err != nil {
		return err
	}
	c.config.QPS, c.config.Burst = 200, 400 // a private API server: no need to throttle
	c.client, err = kubernetes.NewForConfig(c.config)
	return err
}

// startControllers starts the controller manager, the scheduler and kwok.
func (c *cluster) startControllers(pki *pki) error {
	// The controllers and the scheduler talk to the API server as admin:
	// the cluster proves what the manifests do, not its own RBAC.
	if err := c.start("kube-controller-manager", c.bin.controllerManager,
		"--kubeconfig="+c.kubeconfig, "--leader-elect=false", "--secure-port=0",
		"--controllers=*", "--use-service-account-credentials=false",
		"--service-account-private-key-file="+pki.saKey, "--root-ca-file="+pki.caCert,
		"--cluster-signing-cert-file="+pki.caCert, "--cluster-signing-key-file="+pki.caKey,
		"--allocate-node-cidrs=false",
		// A node is lost after 40 s without a lease renewal; kwok renews.
		"--node-monitor-grace-period=40s",
		// Autoscalers look at their targets every 5 s, not 15: the checks
		// wait for their first look.
		"--horizontal-pod-autoscaler-sync-period=5s",
	); err != nil {
		return err
	}
	if err := c.start("kube-scheduler", c.bin.scheduler,
		"--kubeconfig="+c.kubeconfig, "--leader-elect=false", "--secure-port=0",
	); err != nil {
		return err
	}
	// kwok with its built-in stages: nodes initialize and heartbeat, pods
	// turn Ready once bound, Job pods complete, deleted pods go away.
	return c.start("kwok", c.bin.kwok,
		"--kubeconfig="+c.kubeconfig,
		"--manage-all-nodes=false",
		"--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
		"--node-lease-duration-seconds=40",
		"--config=/dev/null",
		"--server-address=", // no metrics endpoint: clusters may run side by side
	)
}

// start runs a server in its own process group, killed with this process.
func (c *cluster) start(name, bin string, args ...string) error {
	logPath := filepath.Join(c.dir, name+".log")
	log, err := os.Create(logPath)
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, log: logPath, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		log.Close()
		close(p.done)
	}()
	c.procs = append(c.procs, p)
	return nil
}

// stop kills every server by its PID (and process group), newest first,
// and waits for each to have exited. One already reaped is not signalled:
// its PID may have been reused.
func (c *cluster) stop() {
	c.cancel()
	for i := len(c.procs) - 1; i >= 0; i-- {
		p := c.procs[i]
		select {
		case <-p.done:
		default:
			syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			p.cmd.Process.Kill()
		}
		<-p.done
	}
	c.procs = nil
}

// crashed names a server that exited before stop, with its log's tail.
func (c *cluster) crashed() error {
	for _, p := range c.procs {
		select {
		case <-p.done:
			status := "exit status 0"
			if p.err != nil {
				status = p.err.Error()
			}
			return fmt.Errorf("%s exited (%s); the end of %s:\n%s", p.name, status, p.log, tail(p.log, 20))
		default:
		}
	}
	return nil
}

func (c *cluster) waitReady(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		if err := c.crashed(); err != nil {
			return err
		}
		body, err := c.client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err == nil && string(body) == "ok" {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kube-apiserver not ready after %s; the end of its log:\n%s", timeout, tail(filepath.Join(c.dir, "kube-apiserver.log"), 20))
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func tail(path string, n int) string {
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func freePorts(n int) ([]int, error) {
	var ports []int
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// pki is a throwaway certificate authority and what it signed.
type pki struct {
	caCert, caKey, serverCert, serverKey, clientCert, clientKey, saKey string
	diffCert, diffKey, auditPolicy                                     string
}

func makePKI(dir string) (*pki, error) {
	p := &pki{
		caCert: filepath.Join(dir, "ca.crt"), caKey: filepath.Join(dir, "ca.key"),
		serverCert: filepath.Join(dir, "server.crt"), serverKey: filepath.Join(dir, "server.key"),
		clientCert: filepath.Join(dir, "client.crt"), clientKey: filepath.Join(dir, "client.key"),
		saKey:    filepath.Join(dir, "sa.key"),
		diffCert: filepath.Join(dir, "diff.crt"), diffKey: filepath.Join(dir, "diff.key"),
		auditPolicy: filepath.Join(dir, "audit-policy.yaml"),
	}
	if err := os.WriteFile(p.auditPolicy, []byte(auditPolicy), 0o600); err != nil {
		return nil, err
	}
	now := time.Now()
	caKey, err := writeKey(p.caKey)
	if err != nil {
		return nil, err
	}
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "caracal-sim-ca"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	if err := writePEM(p.caCert, "CERTIFICATE", caDER); err != nil {
		return nil, err
	}
	issue := func(serial int64, subject pkix.Name, usage x509.ExtKeyUsage, certPath, keyPath string) error {
		key, err := writeKey(keyPath)
		if err != nil {
			return err
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: subject, NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
		if err != nil {
			return err
		}
		return writePEM(certPath, "CERTIFICATE", der)
	}
	if err := issue(2, pkix.Name{CommonName: "kube-apiserver"}, x509.ExtKeyUsageServerAuth, p.serverCert, p.serverKey); err != nil {
		return nil, err
	}
	if err := issue(3, pkix.Name{CommonName: "sim-admin", Organization: []string{"system:masters"}}, x509.ExtKeyUsageClientAuth, p.clientCert, p.clientKey); err != nil {
		return nil, err
	}
	// Not an admin: the e2e grants it only what diff --cluster needs.
	if err := issue(4, pkix.Name{CommonName: diffUser}, x509.ExtKeyUsageClientAuth, p.diffCert, p.diffKey); err != nil {
		return nil, err
	}
	if _, err := writeKey(p.saKey); err != nil {
		return nil, err
	}
	return p, nil
}

func writeKey(path string) (*ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return key, writePEM(path, "EC PRIVATE KEY", der)
}

func writePEM(path, typ string, der []byte) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600)
}

func kubeconfig(server, caCert, clientCert, clientKey string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: sim
  cluster:
    server: %s
    certificate-authority: %s
users:
- name: admin
  user:
    client-certificate: %s
    client-key: %s
contexts:
- name: sim
  context: {cluster: sim, user: admin}
current-context: sim
`, server, caCert, clientCert, clientKey)
}

// exited is closed when any server of the cluster exits.
func (c *cluster) exited() <-chan struct{} {
	ch := make(chan struct{})
	var once sync.Once
	for _, p := range c.procs {
		go func(p *proc) {
			<-p.done
			once.Do(func() { close(ch) })
		}(p)
	}
	return ch
}
