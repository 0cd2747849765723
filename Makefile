# regprofile: build, test and run the default example.
# Tools are pinned and installed into ./bin, which comes first on PATH so
# that kustomize finds the regprofile function by its bare name. Each target
# builds only what it uses: make example never compiles regprofile-argocd.

# kustomize's version has one source, internal/version/KUSTOMIZE, which
# regprofile --version reports too.
KUSTOMIZE_VERSION ?= $(shell cat internal/version/KUSTOMIZE)
BIN := $(CURDIR)/bin
PREFIX ?= /usr/local
export PATH := $(BIN):$(PATH)
export GOTOOLCHAIN := local

GO_PACKAGES := ./...
# The Argo CD module: fn/argocd (the ApplicationSet, plugin, sidecar,
# health checks, RBAC), its binary (cmd/regprofile-argocd) and the tests
# that run Argo CD (e2e/cmp, e2e/reposerver), with a go.mod of its own so
# that Argo CD's requirements stay out of the function's. The modules whose
# go.mod must be tidy: this one, the root and e2e/apiserver.
ARGOCD_MODULE := fn/argocd
MODULES := . $(ARGOCD_MODULE) e2e/apiserver
GO_BUILD := go build -trimpath -ldflags='-s -w'
# What the binaries are built from: this module's non-test Go sources and
# go.mod. A change to any of them makes make run go build again, which
# itself recompiles only the packages that changed.
GO_SOURCES := go.mod go.sum internal/version/KUSTOMIZE $(shell find fn internal -name '*.go' ! -name '*_test.go') $(ARGOCD_MODULE)/go.mod $(ARGOCD_MODULE)/go.sum
# The binaries, one per fn/cmd/<name>: regprofile (the function and its
# light commands) and the heavier subcommands it hands over to;
# regprofile-argocd is built in the Argo CD module (ARGOCD_MODULE).
BINARIES := regprofile regprofile-diff regprofile-argocd

.PHONY: tidy all build tools image example install test unit e2e e2e-argocd e2e-image e2e-repo-server e2e-apiserver fuzz fmt vet bench clean catalog-against

all: build

## build: compile every binary into bin/ (regprofile, regprofile-diff,
## regprofile-argocd); bin/regprofile alone is make bin/regprofile
build: $(addprefix $(BIN)/,$(BINARIES))

$(addprefix $(BIN)/,$(BINARIES)): $(BIN)/%: $(GO_SOURCES)
	@mkdir -p $(BIN)
	@case $* in \
	  regprofile-argocd) echo "make: building bin/$* (links much of Argo CD: about 4 minutes on 2 cores the first time)";; \
	  *) echo "make: building bin/$*";; \
	esac
	@if [ $* = regprofile-argocd ]; then \
	  echo "cd $(ARGOCD_MODULE) && $(GO_BUILD) -o $@ ./cmd/$*"; cd $(ARGOCD_MODULE) && $(GO_BUILD) -o $@ ./cmd/$*; \
	else \
	  echo "$(GO_BUILD) -o $@ ./fn/cmd/$*"; $(GO_BUILD) -o $@ ./fn/cmd/$*; \
	fi

## tools: install the pinned kustomize into bin/
tools: $(BIN)/kustomize

# bin/kustomize is a static build (CGO_ENABLED=0, for the FROM-scratch
# image); one built before that was required is removed here, so that the
# rule below builds it again instead of make image failing on it.
ifneq ($(wildcard $(BIN)/kustomize),)
ifeq ($(shell go version -m $(BIN)/kustomize 2>/dev/null | grep -c 'CGO_ENABLED=0'),0)
$(info make: bin/kustomize is not a static build: building it again)
$(shell rm -f $(BIN)/kustomize)
endif
endif

$(BIN)/kustomize: internal/version/KUSTOMIZE
	@mkdir -p $(BIN)
	@echo "make: installing kustomize $(KUSTOMIZE_VERSION) into bin/ (downloads and compiles it the first time: about 2 minutes)"
	CGO_ENABLED=0 GOBIN=$(BIN) go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)
	@touch $@

## image: the regprofile image, FROM scratch (fn/argocd/deploy/Containerfile):
## static regprofile and the pinned kustomize, nobody in
## /etc/passwd, a non-root user, no shell. Built with podman (or buildah)
## with --timestamp 0 and one layer (--layers=false): the same commit gives
## the same image ID, with either builder, which it prints. IMAGE names it;
## IMAGE_BUILDER=buildah picks buildah; docs/argocd.md says how to push it.
IMAGE ?= localhost/regprofile:dev
IMAGE_CONTEXT := $(CURDIR)/.cache/image/context
image: tools
	@builder=$${IMAGE_BUILDER:-$$(command -v podman || command -v buildah)} || { echo "make image: needs podman or buildah (Debian: apt-get install podman runc), none is on PATH" >&2; exit 1; }; \
	go version -m $(BIN)/kustomize | grep -q 'CGO_ENABLED=0' || { echo "make image: bin/kustomize is not a static build (CGO_ENABLED=0): remove it and run make tools" >&2; exit 1; }; \
	rm -rf $(IMAGE_CONTEXT) && mkdir -p $(IMAGE_CONTEXT)/bin $(IMAGE_CONTEXT)/etc && \
	CGO_ENABLED=0 $(GO_BUILD) -o $(IMAGE_CONTEXT)/bin/regprofile ./fn/cmd/regprofile && \
	install -m 0755 $(BIN)/kustomize $(IMAGE_CONTEXT)/bin/kustomize && \
	install -m 0644 fn/argocd/deploy/image/etc/passwd fn/argocd/deploy/image/etc/group $(IMAGE_CONTEXT)/etc/ && \
	echo "make: building $(IMAGE) with $$builder" && \
	$$builder build --quiet --layers=false --timestamp 0 --iidfile $(IMAGE_CONTEXT)/../iid -f fn/argocd/deploy/Containerfile -t $(IMAGE) $(IMAGE_CONTEXT) >/dev/null && \
	echo "$(IMAGE) $$(cat $(IMAGE_CONTEXT)/../iid)"

## example: render the default example (the root kustomization) with real
## kustomize; builds bin/regprofile and bin/kustomize only
example: $(BIN)/regprofile $(BIN)/kustomize
	@echo "make: kustomize build --enable-alpha-plugins --enable-exec . (the aws-upi overlay)" >&2
	kustomize build --enable-alpha-plugins --enable-exec .

## install: copy everything the docs use (regprofile, regprofile-diff,
## regprofile-argocd and the pinned kustomize) into $(PREFIX)/bin
install: build tools
	@mkdir -p $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(addprefix $(BIN)/,$(BINARIES) kustomize) $(DESTDIR)$(PREFIX)/bin/
	@echo "make: installed $(BINARIES) kustomize into $(DESTDIR)$(PREFIX)/bin"

## test: vet, unit tests, the documented commands, and the end-to-end tests
## against real kustomize, kpt (skipped with a message when kpt is missing,
## unless REGPROFILE_REQUIRE_KPT=1), the real Argo CD CMP server, the
## image under podman (skipped without podman, unless
## REGPROFILE_REQUIRE_PODMAN=1) and Argo CD's repo-server as processes
## (skipped without redis-server, unless REGPROFILE_REQUIRE_REDIS_SERVER=1)
test: vet unit e2e e2e-argocd e2e-image e2e-repo-server

unit:
	@echo "make: unit tests"
	go test $(shell go list ./... | grep -v /e2e)
	cd $(ARGOCD_MODULE) && go test . ./cmd/...

# The end-to-end tests build the binaries they run themselves (a stale
# bin/ must never be what passes); they need the pinned kustomize.
e2e: tools
	@command -v kpt >/dev/null 2>&1 || echo "make: kpt is not on PATH: the kpt cases (TestKpt*, TestEmitThroughKpt*: kpt fn eval and kpt fn render with regprofile) are SKIPPED; README.md, section kpt, says how to get it; REGPROFILE_REQUIRE_KPT=1 makes this an error"
	@echo "make: end-to-end tests (real kustomize and kpt)"
	go test -count=1 -timeout 30m -skip '^TestFunctionImage' ./e2e/...

## e2e-image: make image, then the image through kpt fn eval --image, a
## Kptfile pipeline and a kustomize container: function (TestFunctionImage*),
## byte-identical to the exec function on every overlay. Needs podman
## (Debian: podman runc); skipped with a message without it, unless
## REGPROFILE_REQUIRE_PODMAN=1.
e2e-image: tools
	@command -v podman >/dev/null 2>&1 || echo "make: podman is not on PATH: the image tests (TestFunctionImage*) are SKIPPED; Debian: apt-get install podman runc; REGPROFILE_REQUIRE_PODMAN=1 makes this an error"
	@echo "make: image end-to-end tests (make image, then kpt and kustomize with podman)"
	go test -count=1 -timeout 30m -run '^TestFunctionImage' ./e2e/

## e2e-argocd: the plugin in Argo CD's own CMP server, the ApplicationSet and
## the controller's RBAC (fn/argocd/e2e/cmp, in the Argo CD module); it links
## much of Argo CD (~4 min to compile cold)
e2e-argocd: tools
	@echo "make: Argo CD end-to-end tests (compiles Argo CD's CMP server: about 4 minutes on 2 cores the first time)"
	cd $(ARGOCD_MODULE) && go test -count=1 ./e2e/cmp/

## e2e-repo-server: Argo CD's own repo-server and CMP server as processes
## (TestRepoServerProcess*, fn/argocd/e2e/reposerver), the version
## fn/argocd/go.mod pins, with Redis, git daemon and the shipped plugin:
## every overlay through
## GenerateManifest equals regprofile build. Builds Argo CD into .cache/argocd
## (about 4 minutes on 2 cores the first time). Needs redis-server (Debian)
## and git; skipped with a message without Redis, unless
## REGPROFILE_REQUIRE_REDIS_SERVER=1.
e2e-repo-server: tools
	@command -v redis-server >/dev/null 2>&1 || echo "make: redis-server is not on PATH: the repo-server tests (TestRepoServerProcess*) are SKIPPED; Debian: apt-get install redis-server; REGPROFILE_REQUIRE_REDIS_SERVER=1 makes this an error"
	@echo "make: Argo CD repo-server end-to-end tests (builds Argo CD's repo-server into .cache/argocd: about 4 minutes on 2 cores the first time)"
	cd $(ARGOCD_MODULE) && go test -count=1 -timeout 30m ./e2e/reposerver/

## e2e-apiserver: the API server oracle (e2e/apiserver, a module of its
## own): a real apiextensions-apiserver over an embedded etcd and the
## upstream validation code judge every scripted change of the diff tests
## and every golden render. It links k8s.io/kubernetes and etcd (several
## minutes to compile cold), so it is not part of make test; CI runs it.
e2e-apiserver: tools
	@echo "make: the API server oracle (e2e/apiserver; compiles k8s.io/kubernetes and etcd: several minutes cold)"
	@test -z "$$(gofmt -l e2e/apiserver)" || { echo "gofmt needed:"; gofmt -l e2e/apiserver; exit 1; }
	cd e2e/apiserver && go mod tidy -diff && go vet . && go test -count=1 -timeout 20m .

## bench: benchmarks against plain kustomize, start-up, memory, a fleet-scale
## emit and the Argo CD CMP round trip (Go benchmarks beside the code, run in
## rounds by e2e/bench/report); fills the generated blocks of
## docs/benchmarks.md, whose prose is written by hand (about 15 minutes on 2
## cores). Never part of make test. BENCHFLAGS=-quick tries the harness out
## in a few minutes; BENCHFLAGS='-skip fleet,cmp' keeps those sections'
## figures as they are.
BENCHFLAGS ?=
# benchstat, pinned: this version builds with go 1.26 and needs no newer
# toolchain.
BENCHSTAT_VERSION := v0.0.0-20260908200009-22c9c6c9d4da
bench: $(BIN)/regprofile tools $(BIN)/benchstat
	GOTOOLCHAIN=local go run ./e2e/bench/report $(BENCHFLAGS)

$(BIN)/benchstat:
	GOBIN=$(BIN) go install golang.org/x/perf/cmd/benchstat@$(BENCHSTAT_VERSION)

## fuzz: run each fuzz target for FUZZTIME (CI runs this after the tests);
## e2e/fuzz.sh says how it tells a finding from Go 1.26's deadline race
FUZZTIME ?= 20s
fuzz:
	FUZZTIME=$(FUZZTIME) bash e2e/fuzz.sh

## tidy: go mod tidy would change no module's go.mod or go.sum (MODULES;
## CI checks it); fix one with cd <module> && go mod tidy
tidy:
	@for m in $(MODULES); do \
	  (cd $$m && go mod tidy -diff) || { echo "make tidy: $$m/go.mod or go.sum is not tidy: run 'cd $$m && go mod tidy' and commit the result" >&2; exit 1; }; \
	done

fmt:
	gofmt -w fn e2e internal

vet:
	@echo "make: gofmt and go vet"
	@test -z "$$(gofmt -l fn e2e internal)" || { echo "gofmt needed:"; gofmt -l fn e2e internal; exit 1; }
	go vet $(GO_PACKAGES)
	cd $(ARGOCD_MODULE) && go vet ./...

## catalog-against REV=<commit>: today's bad-input catalog against the
## build of another revision (per case: holds, refused-differently or
## accepted); docs/hardening.md keeps the result for the hardening commits
catalog-against:
	@test -n "$(REV)" || { echo "usage: make catalog-against REV=<commit>"; exit 2; }
	e2e/catalog-against.sh $(REV)

clean:
	rm -rf $(BIN)
