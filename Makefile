# Tremplin — two commands for a newcomer:
#   make run    install what is missing, build, open the kiosk
#   make test   install what the tests need, run the whole suite
# Packages (docs/install.md):
#   make dist       every package into dist/ (.deb, .tar.xz, Windows installer)
#   make dist-test  install them here (dpkg, Wine) and check they work
GO ?= go
BIN := bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
ARGS ?=

.PHONY: run test test-race build deps test-deps bench clean dist dist-deps dist-test

deps:
	scripts/install-deps.sh build

test-deps:
	scripts/install-deps.sh test

build: deps
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/tremplin ./cmd/tremplin

run: build
	$(BIN)/tremplin $(ARGS)

test: test-deps
	scripts/test.sh

# The race detector over the kiosk's UI packages (layout-only tests skip
# themselves under -race: SVG rasterising is ~10x slower there).
test-race: test-deps
	$(GO) test -race -count=1 -timeout 60m ./app/...

bench: test-deps
	scripts/bench.sh

dist: dist-deps
	scripts/dist.sh

dist-deps:
	scripts/install-deps.sh dist

dist-test: dist
	scripts/install-deps.sh dist-test
	scripts/dist-test.sh

clean:
	rm -rf $(BIN) dist
