package values

import (
	"strings"
	"testing"
)

// A --set value with a line break cannot split a message into two lines,
// one of them forged.
func TestSetPositionWithControlCharactersIsQuoted(t *testing.T) {
	_, err := Parse(nil, []string{"global.clusterDomain=cluster.local\nerror: forged"})
	if err == nil {
		t.Fatal("a line break in a domain was accepted")
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("the message spans lines:\n%s", msg)
	}
	if !strings.HasPrefix(msg, `--set "global.clusterDomain=cluster.local\nerror: forged": global.clusterDomain: `) {
		t.Errorf("got %s", msg)
	}
	if got := (Pos{Set: "gateway.replicaCount=5"}).String(); got != "--set gateway.replicaCount=5" {
		t.Errorf("a plain pair: %s", got)
	}
}
