package main

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rpkit-vn/rpkit/internal/testenv"
)

const (
	// testBudget bounds one browser test from its first click to its last
	// assertion; the flows take a few seconds alone, several times that
	// with other browser tests running beside them on two busy cores
	// (parallelBrowser), so this only catches a hang.
	testBudget = 90 * time.Second
	// stepTimeout bounds each wait or click, so that a missing element
	// fails with its own name instead of eating the whole budget.
	stepTimeout = 10 * time.Second
	// startTimeout bounds Chromium's start. It cannot be a context timeout:
	// the context of chromedp's first call owns the browser process.
	startTimeout = 20 * time.Second
)

// envShotDir, when set, keeps the screenshots in that directory (one
// subdirectory per test) instead of the test's temp dir, which the test
// removes when it ends: set it to look at the pages after a run.
const envShotDir = "RPKIT_BROWSER_SHOTS"

// browser is one headless Chromium driven like a person would drive it:
// it clicks visible links, buttons and labels found by their text, and
// waits for what the next page shows.
type browser struct {
	t     *testing.T
	root  context.Context // the browser's own context: no deadline
	ctx   context.Context // the test's budget; each step derives a timeout from it
	shots string          // where screenshots go
	n     int             // screenshots taken, to number the files in page order
}

// startBrowser starts Chromium for t, or skips t through testenv when there
// is none (a failure under RPKIT_REQUIRE_INTEGRATION=1). The browser stops
// when t ends, before the servers that t started earlier.
func startBrowser(t *testing.T) *browser {
	t.Helper()
	exe := testenv.Chromium(t)
	// Asked for before the cleanup below is registered, so that the
	// profile is removed only after Chromium has exited.
	profile := t.TempDir()
	shots := t.TempDir()
	if dir := os.Getenv(envShotDir); dir != "" {
		shots = filepath.Join(dir, t.Name())
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	// Each flag is here for this closed, root-run sandbox. Without the
	// background-networking ones Chromium dials Google's services at start,
	// and those connections are refused here; the host resolver rule makes
	// every host but 127.0.0.x fail to resolve (the rule applies to IP
	// literals too), so the browser can reach nothing but the demo.
	var output syncBuffer
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.UserDataDir(profile),
		chromedp.Headless,
		chromedp.NoSandbox, // we run as root, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true), // /dev/shm is small in containers
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.*"),
		chromedp.WindowSize(1024, 768),
		chromedp.CombinedOutput(&output),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	root, cancelRoot := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelRoot()
		cancelAlloc()
		if t.Failed() {
			t.Logf("chromium output (end):\n%s", tail(output.String(), 40))
		}
	})

	started := make(chan error, 1)
	go func() { started <- chromedp.Do(root) }() // opens the browser and a tab
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("start chromium %s: %v\n%s", exe, err, tail(output.String(), 40))
		}
	case <-time.After(startTimeout):
		cancelRoot()
		t.Fatalf("chromium did not start in %v\n%s", startTimeout, tail(output.String(), 40))
	}

	ctx, cancel := context.WithTimeout(root, testBudget)
	t.Cleanup(cancel)
	return &browser{t: t, root: root, ctx: ctx, shots: shots}
}

// do runs one step of the flow under its own timeout. what names the step
// in the failure, which also saves a screenshot of the page it stopped on.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fatalf("%s: %v", what, err)
	}
}

// fatalf ends the test with where the browser was and what it showed.
// It uses the browser's own context: the test's budget may be what ran out.
func (b *browser) fatalf(format string, args ...any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.root, 5*time.Second)
	defer cancel()
	msg := fmt.Sprintf(format, args...)
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		msg += "\n  at " + loc
	}
	if text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body"))); err == nil {
		msg += "\n  page text:\n" + text
	}
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		p := filepath.Join(b.shots, "failure.png")
		if os.WriteFile(p, png, 0o644) == nil {
			msg += "\n  screenshot: " + p
		}
	}
	b.t.Fatal(msg)
}

// open goes to u as if typed in the address bar, and waits for the load.
func (b *browser) open(u string) {
	b.t.Helper()
	b.do("open "+u, chromedp.Navigate(u))
}

// click clicks the visible element sel (scrolled into view, a real mouse
// event at its centre).
func (b *browser) click(sel chromedp.Search) {
	b.t.Helper()
	b.do("click "+string(sel), chromedp.Click(sel))
}

// waitFor waits until sel is visible. Queries are retried across page
// loads, so a selector that only the next page has is how a step waits
// for a navigation, redirects and script-driven hops included.
func (b *browser) waitFor(sel chromedp.Search) {
	b.t.Helper()
	b.do("wait for "+string(sel), chromedp.WaitVisible(sel))
}

// location is the address bar's URL.
func (b *browser) location() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.fatalf("read location: %v", err)
	}
	return loc
}

func (b *browser) mustBeAt(want string) {
	b.t.Helper()
	if got := b.location(); got != want {
		b.fatalf("at %s, want %s", got, want)
	}
}

func (b *browser) mustBeUnder(prefix string) {
	b.t.Helper()
	if got := b.location(); !strings.HasPrefix(got, prefix) {
		b.fatalf("at %s, want a page under %s", got, prefix)
	}
}

// text is what a person sees on the page: the body's innerText, which
// leaves out hidden elements, scripts and attribute values.
//
// A page that is being replaced (a navigation the last step started and
// nothing waited for) has no JavaScript context to read from for a moment:
// the read is tried again then, so it reads the page that follows.
func (b *browser) text() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	for {
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("body")))
		if err == nil {
			return text
		}
		if !strings.Contains(err.Error(), "Cannot find context with specified id") || ctx.Err() != nil {
			b.fatalf("read page text: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// see asserts that each of want is visible on the page.
func (b *browser) see(want ...string) {
	b.t.Helper()
	text := b.text()
	for _, w := range want {
		if !strings.Contains(text, w) {
			b.fatalf("page does not show %q", w)
		}
	}
}

// dontSee asserts that none of unwanted is visible on the page.
func (b *browser) dontSee(unwanted ...string) {
	b.t.Helper()
	text := b.text()
	for _, w := range unwanted {
		if strings.Contains(text, w) {
			b.fatalf("page still shows %q", w)
		}
	}
}

// historyLen is the number of entries in the tab's history. Redirects add
// none; every page the person is shown adds one.
func (b *browser) historyLen() int {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	h, err := chromedp.Run(ctx, chromedp.NavigationEntries())
	if err != nil {
		b.fatalf("read history: %v", err)
	}
	return len(h.Entries)
}

// shot saves a full-page PNG of what the browser shows, checks that it is
// a real image, and logs its path.
func (b *browser) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	data, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG, not JPEG
	if err != nil {
		b.fatalf("screenshot %s: %v", name, err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		b.t.Fatalf("screenshot %s is not a PNG: %v", name, err)
	}
	if r := img.Bounds(); r.Dx() == 0 || r.Dy() == 0 {
		b.t.Fatalf("screenshot %s is empty: %v", name, r)
	}
	b.n++
	p := filepath.Join(b.shots, fmt.Sprintf("%02d-%s.png", b.n, name))
	if err := os.WriteFile(p, data, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", p)
}

// checkedRadio waits until the radio button checked in group name has
// value: a click on a label must have chosen the account it names.
func checkedRadio(name, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](fmt.Sprintf(
		`document.querySelector('input[type=radio][name=%s]:checked')?.value === %s`,
		strconv.Quote(name), strconv.Quote(value)))
}

// Selectors by what a person reads on the page. They are XPath, which
// chromedp's Search resolves with the DevTools DOM search.

// link is the link whose visible text is text.
func link(text string) chromedp.Search {
	return chromedp.Search("//a[normalize-space()=" + xpathString(text) + "]")
}

// button is the button whose visible text is text.
func button(text string) chromedp.Search {
	return chromedp.Search("//button[normalize-space()=" + xpathString(text) + "]")
}

// labelFor is the form label that starts with text, like an account's
// name on the dev login page ("Nguyễn Văn An – Công dân – CCCD …").
func labelFor(text string) chromedp.Search {
	return chromedp.Search("//label[starts-with(normalize-space(), " + xpathString(text) + ")]")
}

// heading is the h1 that starts with text.
func heading(text string) chromedp.Search {
	return chromedp.Search("//h1[starts-with(normalize-space(), " + xpathString(text) + ")]")
}

// appHeader is the demo app's header naming the app, which tells the
// portal's pages from the PAKN app's.
func appHeader(title string) chromedp.Search {
	return chromedp.Search("//header//strong[normalize-space()=" + xpathString(title) + "]")
}

// legend is the fieldset legend whose text is text.
func legend(text string) chromedp.Search {
	return chromedp.Search("//legend[normalize-space()=" + xpathString(text) + "]")
}

// alert is an element announced to screen readers as an error.
func alert() chromedp.Search { return chromedp.Search(`//*[@role="alert"]`) }

// xpathString quotes s as an XPath 1.0 string literal, which has no escape
// character: a string holding both quote kinds is built with concat().
func xpathString(s string) string {
	switch {
	case !strings.Contains(s, `"`):
		return `"` + s + `"`
	case !strings.Contains(s, `'`):
		return `'` + s + `'`
	}
	parts := strings.Split(s, `"`)
	for i, p := range parts {
		parts[i] = `"` + p + `"`
	}
	return "concat(" + strings.Join(parts, `, '"', `) + ")"
}

// String reads what was written so far; Chromium's output is copied in
// while the test reads it on failure.
func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// tail is the last n lines of s: Chromium's log starts with pages of
// harmless D-Bus complaints (no system bus in a container).
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
