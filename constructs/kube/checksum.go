package kube

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

// ConfigChecksum hashes configuration data (file or setting name to
// content) in a stable order, for a pod annotation that rolls the pods
// when any of it changes.
func ConfigChecksum(data map[string]string) string {
	parts := make([]string, 0, 2*len(data))
	for _, k := range SortedKeys(data) {
		parts = append(parts, k, data[k])
	}
	return Checksum(parts...)
}
