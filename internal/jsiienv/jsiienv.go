// Package jsiienv prepares the environment of the jsii runtime's Node.js
// process. It must act in an init function that runs before the first
// package that registers jsii types: the runtime prepares its Node.js
// process then, with the environment of that moment. Go initializes
// packages in import-path order where dependencies allow, so this package's
// path (caracal.dev/...) sorts before github.com/aws/constructs-go and its
// init runs first; a test of the built binary checks that it does.
package jsiienv

import "os"

// Node.js majors whose end-of-life banner jsii would print on every run.
// The banner is for the developers of jsii libraries, not for the users of
// this program; Node.js 20 is what these machines have.
const silenced = "18,20"

func init() {
	const name = "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION"
	if os.Getenv(name) == "" {
		os.Setenv(name, silenced)
	}
}
