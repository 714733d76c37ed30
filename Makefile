# Caracal Core on Kubernetes, synthesized with cdk8s.
#   make synth      write dist/ from the built-in defaults
#   make test       run every test (what CI runs): lint, unit, fuzz, validate, e2e
#   make snapshots  regenerate snapshots/ and dist/ after a reviewed change
#   make docs       regenerate the README's configuration table
#   make validate   kubeconform (strict) and kube-score on dist/ and every snapshot
#   make e2e        apply dist/ and every snapshot to a real kube-apiserver
#   make bench      time a synth against the cdk8s start-up floor
SHELL := /bin/bash
GO ?= go

# jsii's Node.js end-of-life banner is for library authors, not for us.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION ?= 18,20

# Tools are built from the Go module proxy and cached per version.
CACHE ?= $(HOME)/.cache/caracal-cdk8s
TOOLS := $(CACHE)/tools
KUBECONFORM_VERSION := v0.8.0
KUBESCORE_VERSION := v1.20.0
KUBE_VERSION := v1.32.13
ETCD_VERSION := v3.5.16
# The Kubernetes API the output must validate against.
SCHEMA_KUBE_VERSION := v1.30.14

KUBECONFORM := $(TOOLS)/kubeconform-$(KUBECONFORM_VERSION)/kubeconform
KUBESCORE := $(TOOLS)/kube-score-$(KUBESCORE_VERSION)/kube-score
KUBE_DIR := $(TOOLS)/kubernetes-$(KUBE_VERSION)
KUBE_APISERVER := $(KUBE_DIR)/kube-apiserver
KUBECTL := $(KUBE_DIR)/kubectl
ETCD := $(TOOLS)/etcd-$(ETCD_VERSION)/etcd
CRDS := $(wildcard crds/*.yaml)
SCHEMA_KEY := $(shell cat internal/tools/schemagen/main.go $(CRDS) | sha256sum | cut -c1-12)
SCHEMAS := $(CACHE)/schemas/kubernetes-$(SCHEMA_KUBE_VERSION)-$(SCHEMA_KEY)

# Every output to check: the committed dist/ and each snapshot scenario.
OUTPUTS = dist $(sort $(wildcard snapshots/*))

# A count, not a duration: a duration races the Go fuzz coordinator's
# deadline and fails without a crasher (golang/go#75804, fixed in Go 1.27).
FUZZTIME ?= 20000x

.PHONY: all synth test lint unit fuzz validate e2e snapshots docs bench build tools clean

all: synth test

build:
	$(GO) build -o bin/caracal-cdk8s .

synth:
	$(GO) run . synth --out dist

test: lint unit fuzz validate e2e

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^imports/')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

unit:
	$(GO) test ./...

# A short, bounded run of each fuzz target on top of its checked-in corpus.
fuzz:
	$(GO) test ./internal/values -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./internal/values -run '^$$' -fuzz '^FuzzSet$$' -fuzztime $(FUZZTIME)

validate: $(KUBECONFORM) $(KUBESCORE) $(SCHEMAS)
	$(GO) run ./internal/tools/verify validate -kubeconform $(KUBECONFORM) -kube-score $(KUBESCORE) -schemas $(SCHEMAS) $(OUTPUTS)

e2e: $(KUBE_APISERVER) $(KUBECTL) $(ETCD)
	$(GO) run ./internal/tools/verify e2e -kube-apiserver $(KUBE_APISERVER) -kubectl $(KUBECTL) -etcd $(ETCD) \
		$(if $(CRDS),-crds crds) $(OUTPUTS)

bench:
	$(GO) run ./internal/tools/bench

tools: $(KUBECONFORM) $(KUBESCORE) $(KUBE_APISERVER) $(KUBECTL) $(ETCD) $(SCHEMAS)

$(KUBECONFORM):
	GOBIN=$(@D) $(GO) install github.com/yannh/kubeconform/cmd/kubeconform@$(KUBECONFORM_VERSION)

$(KUBESCORE):
	GOBIN=$(@D) $(GO) install github.com/zegl/kube-score/cmd/kube-score@$(KUBESCORE_VERSION)

# kube-apiserver and kubectl from the pinned module in internal/tools/kube.
$(KUBE_APISERVER) $(KUBECTL) &:
	cd internal/tools/kube && $(GO) build -trimpath -o $(KUBE_DIR).tmp/ \
		-ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$(KUBE_VERSION) -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=32" \
		k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl
	rm -rf $(KUBE_DIR) && mv $(KUBE_DIR).tmp $(KUBE_DIR)

$(ETCD):
	cd internal/tools/etcd && $(GO) build -trimpath -ldflags "-s -w" -o $@.tmp go.etcd.io/etcd/server/v3
	mv $@.tmp $@

$(SCHEMAS):
	rm -rf $@.tmp
	$(GO) run ./internal/tools/schemagen -kubernetes $(SCHEMA_KUBE_VERSION) $(if $(CRDS),-crds crds) -out $@.tmp
	mv $@.tmp $@

# Regenerates snapshots/ and dist/ from the code; review the diff, commit.
snapshots:
	$(GO) test . -run 'TestSnapshots|TestDistIsFresh' -update

# Regenerates the README's configuration table from internal/values.
docs:
	$(GO) test ./internal/values -run TestReadmeTableIsFresh -update

clean:
	rm -rf bin
