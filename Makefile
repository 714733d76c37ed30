# Caracal Core on Kubernetes, synthesized with cdk8s.
#   make synth    write dist/ from the built-in defaults
#   make test     run every test (what CI runs)
#   make snapshots  regenerate the golden files after a reviewed change
SHELL := /bin/bash
GO ?= go

# jsii's Node.js end-of-life banner is for library authors, not for us.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 18,20

.PHONY: all synth test unit lint snapshots docs build clean

all: synth test

build:
	$(GO) build -o bin/caracal-cdk8s .

synth:
	$(GO) run . synth --out dist

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^imports/')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test ./...

test: lint unit

# Regenerates snapshots/ and dist/ from the code; review the diff, commit.
snapshots:
	$(GO) test . -run 'TestSnapshots|TestDistIsFresh' -update

clean:
	rm -rf bin

# Regenerates the README's configuration table from internal/values.
docs:
	$(GO) test ./internal/values -run TestReadmeTableIsFresh -update
