// Package webtest drives Debian's chromium (package "chromium",
// /usr/bin/chromium) headless from Go tests through the DevTools protocol
// with chromedp: the browser tests of bot/web and cmd/studybot. .ci/run
// installs chromium when it can; without it the tests skip with what to
// install.
package webtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromiumFlag overrides where the browser is.
var chromiumFlag = flag.String("chromium", "", "the Chromium binary of the browser tests (default /usr/bin/chromium, else chromium on $PATH)")

// defaultChromium is where Debian's chromium package puts the browser
// (a variable for the test of the skip).
var defaultChromium = "/usr/bin/chromium"

// Updating reports whether the test binary runs with -update (a flag the
// test package declares for its golden files): Screenshot then writes its
// PNGs.
func Updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// ChromiumPath returns the browser the tests start, or skips the test
// with what to install.
func ChromiumPath(t testing.TB) string {
	t.Helper()
	if *chromiumFlag != "" {
		if _, err := os.Stat(*chromiumFlag); err != nil {
			t.Fatalf("-chromium %s: %v", *chromiumFlag, err)
		}
		return *chromiumFlag
	}
	if _, err := os.Stat(defaultChromium); err == nil {
		return defaultChromium
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	t.Skipf("chromium not found at %s or on $PATH; install Debian's chromium (apt-get install chromium) to run the browser tests, or pass -chromium PATH", defaultChromium)
	return ""
}

// Timeout bounds one test's whole browser session: generous, for a CI
// machine shared with other builds (a run takes seconds to half a minute).
const Timeout = 2 * time.Minute

// Browser is one headless Chromium, with one tab, for one test. It counts
// the reviewer's actions (key presses and clicks) and records every
// JavaScript dialog (alert, confirm, prompt) a page opens.
type Browser struct {
	t   testing.TB
	ctx context.Context // the tab's

	mu      sync.Mutex
	dialogs []string
	keys    int
	clicks  int
}

// Start starts Chromium headless with a fresh profile in a temp dir
// and opens a tab. The browser process is killed, and waited for, when the
// test ends.
func Start(t testing.TB) *Browser {
	t.Helper()
	path := ChromiumPath(t)
	optsFor := func(profile string) []chromedp.ExecAllocatorOption {
		return append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox, // CI runs as root, where the sandbox refuses to start
			chromedp.DisableGPU,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("lang", "ja"),
			chromedp.UserDataDir(profile),
			chromedp.WindowSize(1280, 900),
		)
	}
	// A start can fail on a loaded machine (the launcher script or the
	// DevTools handshake timing out): try up to three times, each with a
	// fresh profile, before failing the test.
	var (
		ctx, actx, tctx          context.Context
		cancel, acancel, tcancel context.CancelFunc
		err                      error
	)
	for attempt := 1; attempt <= 3; attempt++ {
		// a fresh profile each time, removed after the process has gone
		// (cleanups run last-in first-out)
		opts := optsFor(t.TempDir())
		ctx, cancel = context.WithTimeout(context.Background(), Timeout)
		actx, acancel = chromedp.NewExecAllocator(ctx, opts...)
		tctx, tcancel = chromedp.NewContext(actx)
		if err = chromedp.Do(tctx); err == nil { // starts the browser and opens the tab
			break
		}
		tcancel()
		acancel()
		cancel()
		t.Logf("starting %s (attempt %d): %v", path, attempt, err)
	}
	if err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	b := &Browser{t: t, ctx: tctx}
	proc := chromedp.FromContext(tctx).Browser.Process()
	t.Cleanup(func() { // runs after the browser is stopped (cleanups run last-in first-out)
		if proc != nil {
			if err := proc.Signal(syscall.Signal(0)); !errors.Is(err, os.ErrProcessDone) {
				t.Errorf("chromium (pid %d) still runs after the test: %v", proc.Pid, err)
			}
		}
	})
	b.watchDialogs(func() {
		tcancel()
		acancel() // kills the browser and waits for it
		cancel()
	})
	return b
}

// NewProfile opens a tab of the same browser in a new browser context:
// another visitor, with no cookie of this one's.
func (b *Browser) NewProfile() *Browser {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	o := &Browser{t: b.t, ctx: ctx}
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		b.t.Fatalf("new browser context: %v", err)
	}
	o.watchDialogs(cancel)
	return o
}

// watchDialogs answers every dialog the tab opens, so that a page that
// opens one does not hang, and remembers it: a test of escaping fails on
// any dialog. At the test's end it calls stop and waits for the watcher.
func (b *Browser) watchDialogs(stop func()) {
	dialogs := chromedp.Events(b.ctx, page.JavascriptDialogOpening)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ev, err := range dialogs {
			if err != nil {
				return // the tab closed
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, string(ev.Type)+": "+ev.Message)
			b.mu.Unlock()
			go chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false}) //nolint:errcheck // the tab may be closing
		}
	}()
	b.t.Cleanup(func() {
		stop()
		<-done
	})
}

// Ctx returns the tab's context, for chromedp actions the helpers lack.
func (b *Browser) Ctx() context.Context { return b.ctx }

// Do runs steps in the tab, failing the test on an error.
func (b *Browser) Do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// Open navigates to url and returns the response's HTTP status.
func (b *Browser) Open(url string) int64 {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(url))
	if err != nil {
		b.t.Fatalf("open %s: %v", url, err)
	}
	return resp.Status
}

// Text returns the text the user sees in the first element sel matches.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// Count returns how many elements match sel now.
func (b *Browser) Count(sel string) int {
	b.t.Helper()
	n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+jsString(sel)+`).length`))
	if err != nil {
		b.t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

// Attr returns attribute name of the i-th element sel matches ("" when
// it has none).
func (b *Browser) Attr(sel string, i int, name string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`(document.querySelectorAll(`+jsString(sel)+`)[`+strconv.Itoa(i)+`] || {getAttribute: () => ""}).getAttribute(`+jsString(name)+`) || ""`))
	if err != nil {
		b.t.Fatalf("attribute %s of %s[%d]: %v", name, sel, i, err)
	}
	return v
}

// Value returns the value of the form field sel matches.
func (b *Browser) Value(sel string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("value of %s: %v", sel, err)
	}
	return v
}

// Location returns the tab's URL.
func (b *Browser) Location() string {
	b.t.Helper()
	u, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	return u
}

// Click clicks the first element sel matches, as a reviewer's click.
func (b *Browser) Click(sel string) {
	b.t.Helper()
	b.Do("click "+sel, chromedp.Click(chromedp.CSS(sel)))
	b.mu.Lock()
	b.clicks++
	b.mu.Unlock()
}

// Choose picks value in the select sel, as a reviewer's one click on
// the option (the list's opening is not counted).
func (b *Browser) Choose(sel, value string) {
	b.t.Helper()
	b.Do("choose "+value+" in "+sel, chromedp.SetValue(chromedp.CSS(sel), value))
	b.mu.Lock()
	b.clicks++
	b.mu.Unlock()
}

// ClickAndWait clicks sel and waits until the page it loads has fired its
// load event (a form's submission, a link).
func (b *Browser) ClickAndWait(sel string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS(sel)))); err != nil {
		b.t.Fatalf("click %s and wait for the next page: %v", sel, err)
	}
	b.mu.Lock()
	b.clicks++
	b.mu.Unlock()
}

// Key presses one key (a kb constant or a printable character) on the
// focused element, as a reviewer's key press.
func (b *Browser) Key(k string) {
	b.t.Helper()
	b.Do("key "+k, press(k))
	b.mu.Lock()
	b.keys++
	b.mu.Unlock()
}

// press sends the events a keyboard sends for each key of k, as Chromium
// gets them from the system: a raw key down, the character (for a
// printable key), a key up. chromedp.KeyEvent sends a plain key down
// instead, after which a page's preventDefault on keydown does not stop
// the character (as it does for a real key press), so a key that moves
// the focus into a field would type itself into it.
func press(k string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, r := range k {
			for _, ev := range kb.Encode(r) {
				if ev.Type == input.DispatchKeyEventTypeKeyDown {
					ev.Type = input.DispatchKeyEventTypeRawKeyDown
				}
				if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, *ev); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// KeyAndWait presses one key and waits for the page it loads.
func (b *Browser) KeyAndWait(k string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.WaitEvent(page.LoadEventFired, nil, press(k))); err != nil {
		b.t.Fatalf("key %q and wait for the next page: %v", k, err)
	}
	b.mu.Lock()
	b.keys++
	b.mu.Unlock()
}

// Type focuses sel, clears it and types s: one key press per
// character, as a reviewer types.
func (b *Browser) Type(sel, s string) {
	b.t.Helper()
	b.Do("type into "+sel, chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), s))
	b.mu.Lock()
	b.clicks++ // into the field
	b.keys += len([]rune(s))
	b.mu.Unlock()
}

// BlurAll takes the focus off any field, so that key presses go to the
// page.
func BlurAll() chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](`document.activeElement && document.activeElement.blur()`)
}

// WaitFor polls cond until it holds, failing the test after ten seconds.
func (b *Browser) WaitFor(what string, cond func() bool) {
	b.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			b.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Actions returns the key presses and clicks counted so far.
func (b *Browser) Actions() (keys, clicks int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.keys, b.clicks
}

// Dialogs returns the dialogs the pages opened ("alert: 1").
func (b *Browser) Dialogs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.dialogs...)
}

// Screenshot takes a PNG of the whole page, checks that it decodes and
// is not blank, and writes it to testdata/screenshots/name.png under
// -update (Updating). It returns the PNG.
func (b *Browser) Screenshot(name string) []byte {
	b.t.Helper()
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		b.t.Fatalf("screenshot %s is not a PNG: %v", name, err)
	}
	if r := img.Bounds(); r.Dx() < 200 || r.Dy() < 100 {
		b.t.Fatalf("screenshot %s is %dx%d", name, r.Dx(), r.Dy())
	}
	first, plain := img.At(0, 0), true
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y && plain; y += 7 {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x += 7 {
			if img.At(x, y) != first {
				plain = false
				break
			}
		}
	}
	if plain {
		b.t.Fatalf("screenshot %s is one colour: the page drew nothing", name)
	}
	if Updating() {
		path := filepath.Join("testdata", "screenshots", name+".png")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			b.t.Fatal(err)
		}
		if err := os.WriteFile(path, buf, 0o644); err != nil {
			b.t.Fatal(err)
		}
	}
	return buf
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	q, _ := json.Marshal(s) // a string always marshals
	return string(q)
}
