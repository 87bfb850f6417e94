# pipewright: `make run` starts the demo on embedded defaults, `make test` runs everything CI gates.
GO        ?= go
BIN       := bin/pipewright
PIPELINES := $(sort $(dir $(wildcard pipelines/*/pipewright.yaml)))

.PHONY: all build deps test ha-scenario quick unit race vet fmt-check pipelines run bench clean clean-data schemas

all: build

## build stamps the version (git describe, else "devel") and the commit
## (with -dirty for uncommitted changes) that `pipewright version` prints.
VERSION ?= $(shell git describe --tags --dirty 2>/dev/null || echo devel)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)$(shell git diff --quiet HEAD 2>/dev/null || echo -dirty)
CLI_PKG := github.com/pipewright/pipewright/cmd/pipewright/internal/cli
LDFLAGS := -X $(CLI_PKG).version=$(VERSION) -X $(CLI_PKG).commit=$(COMMIT)

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/pipewright

## deps: the Debian packages some tests use, installed when missing (CI runs
## as root on a fresh Debian machine): python3-jsonschema and python3-yaml for
## the independent JSON Schema validator test, chromium for the console's
## browser tests. Each of those tests skips, saying why, without them.
deps:
	@missing=""; \
	python3 -c 'import jsonschema, yaml' 2>/dev/null || /usr/bin/python3 -c 'import jsonschema, yaml' 2>/dev/null \
		|| missing="python3-jsonschema python3-yaml"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "deps: installing $$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
		else echo "deps: $$missing missing and cannot be installed here (the tests that use them will skip)"; fi; \
	fi

## test: everything CI gates: vet, the format check, every test (unit,
## end-to-end, engine-process and the console's browser tests), then validate
## and test every pipeline directory. The engine and connectors run under the race detector
## (their tests run once, not a second time without it); without cgo they
## run plainly with the rest.
test: vet fmt-check unit race pipelines

## schemas: regenerate every component's options schema (schema/*.json
## beside its factory) from its config struct: doc comments, `schema` tags
## and NewConfig's defaults (engine/component/schemagen). `make test` fails
## while a checked-in schema differs from what this writes.
schemas:
	UPDATE_SCHEMAS=1 $(GO) test -count=1 -run '(?i)schemas_are_generated' ./cmd/pipewright/internal/cli/ ./engine/componenttest/

## ha-scenario: the three-engine HA scenario on an in-process 3-node NATS
## cluster (issue 14), about 2 to 4 minutes; not in `make test` (its time),
## CI (.ci/run) runs it after `make test`. Its output is the test log only
## on failure; HA_DIAG=dir keeps a stall's diagnostics (cluster, consumers,
## engine goroutines) in dir.
ha-scenario:
	PIPEWRIGHT_HA_SCENARIO=1 PIPEWRIGHT_HA_DIAG=$(HA_DIAG) $(GO) test -count=1 -timeout 30m -run TestHA_three ./cmd/pipewright/internal/cli/

## quick: the inner loop: every test but the long ones (engine processes,
## simulated hours of the reference directory), no race detector.
quick:
	$(GO) test -short -count=1 ./...

# The race detector needs cgo and a C compiler.
RACE_OK = $(shell [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v "$$($(GO) env CC)" >/dev/null && echo yes)
RACE_PKGS := ./engine/... ./connectors/...
MODULE = $(shell $(GO) list -m)
# Without the race detector, unit runs every package.
UNIT_PKGS = $(if $(RACE_OK),$(filter-out $(MODULE)/engine $(MODULE)/engine/% $(MODULE)/connectors $(MODULE)/connectors/%,$(shell $(GO) list ./...)),./...)

# -timeout is per test binary: far above what a package needs even on a
# busy machine (the slowest, the CLI's end-to-end tests, takes about two
# minutes idle), so that only a hang trips it.
unit:
	@echo "$(GO) test -count=1 -timeout 30m ./...$(if $(RACE_OK), (engine and connectors: see race))"
	@$(GO) test -count=1 -timeout 30m $(UNIT_PKGS)

race:
	@if [ -n "$(RACE_OK)" ]; then \
		echo "$(GO) test -race -count=1 -timeout 30m $(RACE_PKGS)"; \
		$(GO) test -race -count=1 -timeout 30m $(RACE_PKGS); \
	else echo "race: skipped (the race detector needs cgo and a C compiler; unit ran these packages)"; fi

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

pipelines: build
	@for d in $(PIPELINES); do \
		echo "== $$d"; \
		./$(BIN) validate $$d && ./$(BIN) test $$d || exit 1; \
	done

## run: the reference directory on embedded defaults: the SP-API simulator, embedded
## NATS and the SQLite Sage 500 demo database, all under ./data (see README.md).
## Everything is kept across runs: the engine's streams, cursors and dead letters
## (data/nats), the simulator's world (data/spapi-simulator), the demo clock
## (data/demo-clock) and the Sage database; `make clean-data` starts anew. The
## engine clock runs TIME_SCALE times faster than real time so that shipments and
## settlements show up within minutes.
DEMO_DB := data/sage500-demo.db
TIME_SCALE ?= 10
run: build
	@mkdir -p data
	@[ -f $(DEMO_DB) ] || ./$(BIN) sage500 demo-db $(DEMO_DB)
	@./$(BIN) sage500 fields -apply pipelines/sage500-amazon
	./$(BIN) run -log-format text -log-messages -time-scale $(TIME_SCALE) pipelines/sage500-amazon

clean:
	rm -rf bin

## clean-data: forget the demo's state (streams, dead letters, simulated world, Sage database).
clean-data:
	rm -rf data

## bench: the standard order-mapping workload end to end (see bench/README.md).
bench:
	./bench/run.sh
