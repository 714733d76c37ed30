package shared

import (
	"crypto/sha256"
	"encoding/hex"
)

// Checksum of configuration content, for a pod template annotation: a
// change of the content changes the template, so the pods roll.
func Checksum(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}
