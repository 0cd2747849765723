# regprofile: build, test and run the default example.
# Tools are pinned and installed into ./bin, which comes first on PATH so
# that kustomize finds the regprofile function by its bare name.

KUSTOMIZE_VERSION ?= v5.8.1
BIN := $(CURDIR)/bin
export PATH := $(BIN):$(PATH)
export GOTOOLCHAIN := local

GO_PACKAGES := ./...

.PHONY: all build tools example test unit e2e fuzz fmt vet bench clean

all: build

## build: compile the function into bin/regprofile, and the heavier
## subcommands (fn/cmd/regprofile-*) beside it
build:
	@mkdir -p $(BIN)
	go build -trimpath -ldflags='-s -w' -o $(BIN)/regprofile ./fn/cmd/regprofile
	@for d in $(wildcard fn/cmd/regprofile-*); do \
		echo go build -o $(BIN)/$$(basename $$d) ./$$d; \
		go build -trimpath -ldflags='-s -w' -o $(BIN)/$$(basename $$d) ./$$d || exit 1; \
	done

## tools: install the pinned kustomize into bin/
tools: $(BIN)/kustomize

$(BIN)/kustomize:
	@mkdir -p $(BIN)
	GOBIN=$(BIN) go install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

## example: render the default example (the root kustomization) with real kustomize
example: build tools
	kustomize build --enable-alpha-plugins --enable-exec .

## test: vet, unit tests, and the end-to-end tests against real kustomize and
## kpt and the real Argo CD CMP server
test: vet unit e2e e2e-argocd

unit:
	go test $(shell go list ./... | grep -v /e2e)

e2e: build tools
	go test -count=1 $(shell go list ./e2e/... | grep -v /e2e/argocd)

## e2e-argocd: the plugin in Argo CD's own CMP server, the ApplicationSet and
## the controller's RBAC; it links much of Argo CD (~2 min to compile cold)
e2e-argocd: build tools
	go test -count=1 ./e2e/argocd/

## bench: benchmarks against plain kustomize, start-up, memory, a fleet-scale
## emit and the Argo CD CMP round trip; rewrites docs/benchmarks.md
## (e2e/bench; about 10 minutes on 2 cores). Never part of make test.
## BENCHFLAGS=-quick tries the harness out in a minute or two.
BENCHFLAGS ?=
bench: build tools
	bash e2e/bench/run.sh $(BENCHFLAGS)

## fuzz: run each fuzz target for FUZZTIME (CI runs this after the tests)
FUZZTIME ?= 20s
fuzz:
	go test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./fn/profile/
	go test -run '^$$' -fuzz '^FuzzRender$$' -fuzztime $(FUZZTIME) ./fn/render/
	go test -run '^$$' -fuzz '^FuzzProcess$$' -fuzztime $(FUZZTIME) ./fn/krm/
	go test -run '^$$' -fuzz '^FuzzWriteMarker$$' -fuzztime $(FUZZTIME) ./fn/emit/
	go test -run '^$$' -fuzz '^FuzzUntar$$' -fuzztime $(FUZZTIME) ./fn/review/

fmt:
	gofmt -w fn e2e

vet:
	@test -z "$$(gofmt -l fn e2e)" || { echo "gofmt needed:"; gofmt -l fn e2e; exit 1; }
	go vet $(GO_PACKAGES)

clean:
	rm -rf $(BIN)
