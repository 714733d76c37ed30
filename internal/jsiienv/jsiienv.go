// Package jsiienv prepares the process for the jsii runtime: its Node.js
// process's environment, a private temporary folder, and the clean-up at
// exit and on SIGINT, SIGTERM and SIGHUP. It must act in an init function
// that runs before the first package that registers jsii types: the
// runtime makes its temporary folder and prepares its Node.js process then,
// with the environment of that moment. Go initializes packages in
// import-path order where dependencies allow, so this package's path
// (caracal.dev/...) sorts before github.com/aws/constructs-go and its init
// runs first, as long as it imports no package that the jsii packages do
// not (runtime/debug would be initialized after them, and this package
// with it); a test of the built binary checks that it does.
package jsiienv

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// init leaves jsii's own checks of the Node.js version alone: on a Node.js
// that jsii no longer supports (20 since 2026-10-30, for jsii 1.142) it
// prints its end-of-life banner on standard error, which tells the user
// how to silence it (JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION). The
// Makefile runs jsii on a supported Node.js (JSII_NODE).
func init() {
	if err := makePrivateTemp(); err != nil {
		fmt.Fprintf(os.Stderr, "error: %v\nNothing was written.\n", err)
		os.Exit(1)
	}
	checkPackageCache()
	handleSignals()
}

// checkPackageCache turns jsii's package cache off where it cannot work:
// jsii keeps it in the home folder, which must be writable and private to
// the user, else every run fails with a jsii fault. Without the cache the
// runtime unpacks its packages into the private temporary folder, which
// costs a few tenths of a second. A cache the user chose is left alone.
func checkPackageCache() {
	if os.Getenv("JSII_RUNTIME_PACKAGE_CACHE") != "" || os.Getenv("JSII_RUNTIME_PACKAGE_CACHE_ROOT") != "" {
		return
	}
	home := os.Getenv("HOME")
	if !filepath.IsAbs(home) {
		return // jsii then keeps its cache in the temporary folder
	}
	if st, err := os.Stat(home); err != nil || !st.IsDir() {
		// A home that does not exist (HOME=/nonexistent, as services
		// run) is not made: jsii would fill it with its cache.
		os.Setenv("JSII_RUNTIME_PACKAGE_CACHE", "disabled")
		return
	}
	root := filepath.Join(home, ".cache", "aws", "jsii", "package-cache")
	if runtime.GOOS == "darwin" {
		root = filepath.Join(home, "Library", "Caches", "com.amazonaws.jsii", "package-cache")
	}
	if !privateFolder(root) {
		os.Setenv("JSII_RUNTIME_PACKAGE_CACHE", "disabled")
	}
}
