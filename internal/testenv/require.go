package testenv

import (
	"os"
	"testing"
)

// EnvRequire is the variable that turns a missing component from a skip into
// a failure.
const EnvRequire = "RPKIT_REQUIRE_INTEGRATION"

// Required reports whether integration tests must run (RPKIT_REQUIRE_INTEGRATION=1).
func Required() bool { return os.Getenv(EnvRequire) == "1" }

// Unavailable ends the test because a component it needs is missing: a skip
// on a plain run, a failure when integration is required. why says what is
// missing and how to get it.
func Unavailable(t testing.TB, what, why string) {
	t.Helper()
	if Required() {
		t.Fatalf("%s is required (%s=1) but unavailable: %s", what, EnvRequire, why)
	}
	t.Skipf("skipping: %s unavailable: %s (run `make test` to set it up)", what, why)
}
