package kube

import "github.com/cdk8s-team/cdk8s-plus-go/cdk8splus30/v2/k8s"

// Timing of a probe, in seconds.
type Timing struct {
	InitialDelay, Period, Timeout, FailureThreshold int
}

func (t Timing) apply(p *k8s.Probe) *k8s.Probe {
	if t.InitialDelay > 0 {
		p.InitialDelaySeconds = Num(t.InitialDelay)
	}
	p.PeriodSeconds = Num(t.Period)
	p.TimeoutSeconds = Num(t.Timeout)
	p.FailureThreshold = Num(t.FailureThreshold)
	p.SuccessThreshold = Num(1)
	return p
}

// ExecProbe runs a command in the container, each word taken literally
// (the kubelet expands $(VAR) in it too).
func ExecProbe(t Timing, command ...string) *k8s.Probe {
	return t.apply(&k8s.Probe{Exec: &k8s.ExecAction{Command: Command(command...)}})
}

// TCPProbe checks that a named port accepts connections.
func TCPProbe(t Timing, port string) *k8s.Probe {
	return t.apply(&k8s.Probe{TcpSocket: &k8s.TcpSocketAction{Port: IntOrString(port)}})
}

// HTTPProbe checks an HTTP path on a named port.
func HTTPProbe(t Timing, port, path string) *k8s.Probe {
	return t.apply(&k8s.Probe{HttpGet: &k8s.HttpGetAction{Port: IntOrString(port), Path: Str(path), Scheme: Str("HTTP")}})
}
