//go:build !linux

package output

import "errors"

// renameExchange is not available: swap falls back to two renames.
func renameExchange(a, b string) error { return errors.New("atomic exchange not supported") }
