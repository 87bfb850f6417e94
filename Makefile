# pipewright: `make run` starts the demo on embedded defaults, `make test` runs everything CI gates.
GO        ?= go
BIN       := bin/pipewright
PIPELINES := $(sort $(dir $(wildcard pipelines/*/pipewright.yaml)))

.PHONY: all build test unit vet fmt-check pipelines run bench clean

all: build

build:
	$(GO) build -o $(BIN) ./cmd/pipewright

## test: vet, format check, unit and end-to-end tests, then validate and test every pipeline directory.
test: vet fmt-check unit pipelines

unit:
	$(GO) test -count=1 -timeout 12m ./...

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

clean:
	rm -rf bin

## bench: the standard order-mapping workload end to end (see bench/README.md).
bench:
	./bench/run.sh
