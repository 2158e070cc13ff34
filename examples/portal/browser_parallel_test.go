package main

import (
	"flag"
	"os"
	"strconv"
	"testing"
)

// The browser tests are independent: each starts its own demo (its own
// ports, SQLite file or PostgreSQL schema, Redis key prefix) and its own
// Chromium (its own profile), so they run in parallel. On the 2-core
// machines the suite runs on, more than a few Chromiums at once only
// makes each slower: browserSlots bounds them (RPKIT_BROWSERS overrides
// it), and go test's -parallel bounds them too. A browser test mostly
// waits (for Chromium, for a page), so -parallel's default, GOMAXPROCS
// (2 there), would leave the CPUs idle half the time: TestMain raises
// that default to browserSlots' bound, unless -parallel is given.

// envBrowsers sets how many browser tests run at once.
const envBrowsers = "RPKIT_BROWSERS"

// defaultBrowsers is the default bound: on two cores, two or three
// Chromiums keep the CPUs busy while the others wait on a page.
const defaultBrowsers = 3

var browserSlots = make(chan struct{}, browserBound())

func browserBound() int {
	if n, err := strconv.Atoi(os.Getenv(envBrowsers)); err == nil && n > 0 {
		return n
	}
	return defaultBrowsers
}

// parallelBrowser marks t parallel and waits for a browser slot, which is
// given back when t ends, after its browser and servers have stopped
// (cleanups run last-registered first). Call it first in a browser test.
func parallelBrowser(t *testing.T) {
	t.Helper()
	t.Parallel()
	browserSlots <- struct{}{}
	t.Cleanup(func() { <-browserSlots })
}

// TestMain gives -parallel, when not set on the command line, the browser
// bound as its default (see above). Only the browser tests and a few
// others call t.Parallel; the load test stays sequential, alone.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		if f := flag.Lookup("test.parallel"); f != nil {
			if n, err := strconv.Atoi(f.Value.String()); err == nil && n < cap(browserSlots) {
				_ = f.Value.Set(strconv.Itoa(cap(browserSlots)))
			}
		}
	}
	os.Exit(m.Run())
}
