// Package testenv finds the real components that rpkit's integration tests
// run against — PostgreSQL, Redis, SoftHSM2, Chromium and the shared test data
// — and decides what a test does when one is missing.
//
// A plain `go test ./...` skips such tests and says why. `make test` sets
// RPKIT_REQUIRE_INTEGRATION=1, and then a missing component fails the test
// instead: CI must never pass by skipping.
//
// Addresses come from the environment, with this project's defaults:
//
//	RPKIT_POSTGRES_DSN  postgres://postgres@127.0.0.1:5432/test?sslmode=disable
//	RPKIT_REDIS_ADDR    127.0.0.1:6379
//	RPKIT_SOFTHSM2_LIB  the first libsofthsm2.so found in the usual places
//	RPKIT_CHROMIUM      /usr/bin/chromium (or chromium-browser, google-chrome)
//	RPKIT_SHARED_DIR    ../shared beside the checkout
package testenv
