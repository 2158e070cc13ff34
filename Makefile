# make test: make the machine ready (packages, PostgreSQL, Redis), then vet and
# run every test with the race detector; integration tests must not skip.
GO ?= go
PKGS ?= ./...

.PHONY: test ready vet unit bench fuzz

test: ready vet
	RPKIT_REQUIRE_INTEGRATION=1 $(GO) test -race -count=1 -timeout 12m $(PKGS)
	@# The SIGKILL crash test skips under -race (race-built children are too
	@# slow); it runs here without the race detector.
	RPKIT_REQUIRE_INTEGRATION=1 $(GO) test -count=1 -timeout 5m -run '^TestBulkCrash$$' ./migrate/

ready:
	@bash scripts/ready.sh

vet:
	$(GO) vet $(PKGS)

# unit: the plain run, no machine set-up; integration tests skip and say why.
unit:
	$(GO) test $(PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)

# fuzz: a short run of every fuzz target (FUZZTIME per target).
FUZZTIME ?= 10s
fuzz:
	@bash scripts/fuzz.sh $(FUZZTIME)
