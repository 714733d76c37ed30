package values

import (
	"os"
	"strings"
	"testing"
)

// A namespace and cluster domain each valid alone, that together make a
// ZooKeeper node's address longer than DNS allows, are refused at the key
// the user set; one character less is accepted.
func TestHostLength(t *testing.T) {
	domain := func(n int) string { // a valid domain of n characters
		parts := []string{}
		for n > 0 {
			l := min(n, 63)
			parts = append(parts, strings.Repeat("d", l))
			n -= l + 1
		}
		return strings.Join(parts, ".")
	}
	// caracal-zookeeper-14.caracal-zookeeper-headless.caracal.svc. is 60.
	fits, over := domain(253-60), domain(253-60+1)
	if _, err := Parse(nil, []string{"global.clusterDomain=" + fits, "global.namespace=caracal"}); err != nil {
		t.Errorf("%d characters: %v", len(fits), err)
	}
	_, err := Parse([]Source{src("a.yaml", "global:\n  clusterDomain: "+over+"\n")}, nil)
	if err == nil || !strings.Contains(err.Error(), "a.yaml:2:3: global.clusterDomain: global.clusterDomain and global.namespace make host names such as caracal-zookeeper-14.caracal-zookeeper-headless.caracal.svc.<domain> 254 characters long") {
		t.Errorf("%d characters: %v", len(over), err)
	}
	_, err = Parse([]Source{src("a.yaml", "global:\n  namespace: caracal-a\n")}, []string{"global.clusterDomain=" + fits})
	if err == nil || !strings.Contains(err.Error(), "--set global.clusterDomain=") || !strings.Contains(err.Error(), "shorten one by 2") {
		t.Errorf("a longer namespace: %v", err)
	}
}

// Standard input cannot be read twice; a second -f - is refused rather
// than read as an empty file.
func TestStdinOnce(t *testing.T) {
	empty, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer func(saved *os.File) { os.Stdin = saved; empty.Close() }(os.Stdin)
	os.Stdin = empty
	_, err = Read([]string{"-", "-"})
	if err == nil || err.Error() != "-: standard input is read once: give -f - only once" {
		t.Errorf("got %v", err)
	}
}
