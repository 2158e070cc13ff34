//go:build race

package migrate_test

// raceEnabled: the crash test's child is the race-instrumented test binary
// too, about 6× slower; the test then runs only when asked.
const raceEnabled = true
