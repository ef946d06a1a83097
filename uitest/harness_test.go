package uitest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/internal/app"
	"github.com/alertifypro/alertifypro/store"
)

// serverOptions adjusts the server a test runs.
type serverOptions struct {
	// Engine lets checks run, the first one FirstCheckDelay after a service is scheduled
	// (the scenario uses a few seconds so the dashboard shows PENDING before GREEN).
	// Without it the engine still runs, as in serve, but every first check is a day
	// away: none runs during a test, so services keep the status the test wrote.
	Engine          bool
	FirstCheckDelay time.Duration
	// Configure adjusts the configuration before the server is built (e.g. SMTP).
	Configure func(*config.Config)
}

// noChecks is the first-check delay of a server without Engine: longer than any test.
const noChecks = 24 * time.Hour

// server is the real AlertifyPro server on a loopback port.
type server struct {
	URL string
	DB  *store.DB
	App *app.App
	cfg *config.Config
	// Stop stops the server before the test ends (a node of a cluster going away); the
	// test's cleanup then has nothing left to do.
	Stop func()
}

// startServer runs the application serve runs (app.New, every worker) on 127.0.0.1:0.
// Everything stops at the end of the test and the store closes last.
func startServer(t *testing.T, opt serverOptions) *server {
	t.Helper()
	dir := t.TempDir()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	baseURL := "http://" + ln.Addr().String()
	cfg := &config.Config{
		Port: 3001, DataDir: dir, JWTTTL: 72 * time.Hour, BcryptCost: 4,
		BaseURL: baseURL, RegistrationMode: "open", EgressPolicy: "private",
		SchedulerPollInterval: 200 * time.Millisecond, CheckConcurrency: 8, RawRetention: 168 * time.Hour,
		SMTPPort: 587, SMTPTLS: "none", LogLevel: "error", LogFormat: "text",
		JWTKey:             []byte("uitest-jwt-secret-uitest-jwt-secret-0123"),
		EncryptionKeyBytes: []byte("0123456789abcdef0123456789abcdef"),
	}
	if opt.Configure != nil {
		opt.Configure(cfg)
	}
	delay := opt.FirstCheckDelay
	if !opt.Engine {
		delay = noChecks
	}
	a, err := app.New(cfg, app.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Version: "uitest", FirstCheckDelay: delay})
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, ln) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("server: %v", err)
			}
			if err := a.Close(); err != nil {
				t.Errorf("close store: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return &server{URL: baseURL, DB: a.DB(), App: a, cfg: cfg, Stop: stop}
}

// chromiumPath finds the browser; an empty answer means "not installed".
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		if found, err := exec.LookPath(p); err == nil {
			return found
		}
		return ""
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// requireChromium skips the test locally when no browser is installed, and fails it
// under CI=true, where .ci/run is expected to have installed one.
func requireChromium(t *testing.T) string {
	t.Helper()
	p := chromiumPath()
	if p == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed; .ci/run installs Debian's chromium package")
		}
		t.Skip("chromium is not installed (set CHROMIUM or install it to run the browser tests)")
	}
	return p
}

// artifactsDir is where screenshots go: $ALERTIFYPRO_ARTIFACTS, else uitest/artifacts.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ALERTIFYPRO_ARTIFACTS")
	if dir == "" {
		dir = "artifacts"
	}
	dir = filepath.Join(dir, t.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser is one Chromium tab bound to a server, with a deadline over everything it does.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string
	shot int
}

// newBrowser starts headless Chromium (1280×900) for srv; the whole test's browser
// work is bounded by timeout, or by browserBudget when that is longer. extra adds
// Chromium flags (a browser language, say).
func newBrowser(t *testing.T, srv *server, timeout time.Duration, extra ...chromedp.ExecAllocatorOption) *browser {
	t.Helper()
	timeout = max(timeout, browserBudget)
	path := requireChromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox, // containers run as root, where Chromium's sandbox cannot start
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	)
	opts = append(opts, extra...)

	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	pageErrors := &pageErrorLog{}
	bctx, cancel := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf), chromedp.WithListener(pageErrors.listen))
	// The first Run starts the browser and must not carry the deadline (it would stop
	// the browser itself); every later action runs under ctx, which does.
	if err := chromedp.Do(bctx); err != nil {
		cancel()
		acancel()
		t.Fatalf("start chromium: %v", err)
	}
	ctx, tcancel := context.WithTimeout(bctx, timeout)
	t.Cleanup(func() { tcancel(); cancel(); acancel() })
	// Registered after the browser's cleanup, so it runs first, while the page is still up:
	// any uncaught exception, console.error or CSP violation during the test fails it.
	t.Cleanup(func() {
		for _, e := range pageErrors.list() {
			t.Errorf("browser: %s", e)
		}
	})
	return &browser{t: t, ctx: ctx, base: srv.URL, dir: artifactsDir(t)}
}

// pageErrorLog collects what must never happen on a page: uncaught exceptions,
// console.error calls and security messages (a CSP violation). Failed requests are not
// collected: a 404 the page expects (no certificate yet) is logged by Chromium too.
type pageErrorLog struct {
	mu   sync.Mutex
	errs []string
}

func (l *pageErrorLog) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.errs = append(l.errs, s)
}

func (l *pageErrorLog) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.errs...)
}

func (l *pageErrorLog) listen(ev any) {
	switch e := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg := e.ExceptionDetails.Text
		if e.ExceptionDetails.Exception != nil {
			msg += " " + e.ExceptionDetails.Exception.Description
		}
		l.add("uncaught exception: " + msg)
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError {
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, string(a.Value)+a.Description)
			}
			l.add("console.error: " + strings.Join(parts, " "))
		}
	case *cdplog.EventEntryAdded:
		if e.Entry.Source == cdplog.EntrySourceSecurity {
			l.add("security: " + e.Entry.Text)
		}
	}
}

// run executes actions, failing the test (with a screenshot of the moment) on error.
func (b *browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.failShot()
		b.t.Fatalf("%s: %v", what, err)
	}
}

// failShot saves what the page showed when a step failed (best effort, short deadline).
func (b *browser) failShot() {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(b.ctx), 5*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(b.dir, "FAILED.png"), png, 0o644)
	}
	if text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`)); err == nil {
		b.t.Logf("page text at failure:\n%s", text)
	}
}

// open navigates the tab to a path of the server (a full page load).
func (b *browser) open(path string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.base+path))
}

// eventually is the deadline of a wait for something that only has to happen at some
// point (a poll's next round, a render after a save): it only tells "never" from "later",
// and a loaded 2-core machine running Chromium beside the race-built server can take
// several seconds for a step that takes milliseconds alone.
const eventually = 30 * time.Second

// browserBudget is the least a test's browser work may take in all: it stops a hung test,
// and a browser test that takes 10 s alone can take minutes on a loaded machine.
const browserBudget = 4 * time.Minute

// waitFor waits until a JS expression is truthy, up to d or eventually, whichever is
// longer, and returns its value. Every wait is for something that has to happen at some
// point: its deadline only tells "never" from "later", and is no bound on how soon (a
// test that holds a time measures it, as TestFirstResultAtOnce does).
func (b *browser) waitFor(what, expr string, d time.Duration) any {
	b.t.Helper()
	d = max(d, eventually)
	deadline := time.Now().Add(d)
	for {
		v, err := chromedp.Run(b.ctx, chromedp.Poll[any](expr,
			chromedp.WithPollingTimeout(time.Until(deadline)), chromedp.WithPollingInterval(50*time.Millisecond)))
		if err == nil {
			return v
		}
		// A navigation (a link opened, a form posted) replaces the page's JavaScript
		// context under a running poll; poll again in the new page until the deadline.
		if navigatedAway(err) && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		b.failShot()
		b.t.Fatalf("wait for %s: %v", what, err)
	}
}

// navigatedAway reports a poll cut short by a navigation: the DevTools protocol's words for
// a JavaScript context or target replaced by the next page.
func navigatedAway(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "Cannot find context with specified id") ||
		strings.Contains(msg, "Inspected target navigated or closed") ||
		strings.Contains(msg, "Execution context was destroyed")
}

// waitText waits until the page's visible text contains s (by default up to eventually).
func (b *browser) waitText(s string, d ...time.Duration) {
	b.t.Helper()
	timeout := eventually
	if len(d) > 0 {
		timeout = d[0]
	}
	b.waitFor(fmt.Sprintf("text %q", s), fmt.Sprintf(`document.body.innerText.includes(%q)`, s), timeout)
}

// fill types value into the input named name (clearing it first), as a user would.
func (b *browser) fill(name, value string) {
	b.t.Helper()
	sel := chromedp.CSS(fmt.Sprintf(`[name=%q]`, name))
	b.openDetails(fmt.Sprintf(`document.querySelector('[name=%q]')`, name))
	b.run("fill "+name, chromedp.WaitVisible(sel))
	// Empty it the way the app sees it (an input event), then type like a user.
	evalJS[bool](b, fmt.Sprintf(`(() => { const el = document.querySelector('[name=%q]'); el.value = '';
		el.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`, name))
	b.run("fill "+name, chromedp.SendKeys(sel, value))
}

// choose selects an option of the <select> named name and fires its change event.
func (b *browser) choose(name, value string) {
	b.t.Helper()
	b.openDetails(fmt.Sprintf(`document.querySelector('[name=%q]')`, name))
	b.run("choose "+name, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[name=%q]`, name))))
	js := fmt.Sprintf(`(() => { const s = document.querySelector('[name=%q]'); s.value = %q;
		s.dispatchEvent(new Event('change', {bubbles: true})); return s.value === %q; })()`, name, value, value)
	if !evalJS[bool](b, js) {
		b.t.Fatalf("choose %s: no option %q", name, value)
	}
}

// click clicks the first visible button or link whose text is exactly label.
func (b *browser) click(label string) {
	b.t.Helper()
	path := fmt.Sprintf(`//*[self::button or self::a][normalize-space()=%q]`, label)
	b.openDetails(fmt.Sprintf(`document.evaluate(%q, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue`, path))
	xp := chromedp.Search(path)
	b.run("click "+label, chromedp.WaitVisible(xp), chromedp.Click(xp))
}

// clickSel clicks the first element matching a CSS selector.
func (b *browser) clickSel(sel string) {
	b.t.Helper()
	b.openDetails(fmt.Sprintf(`document.querySelector(%q)`, sel))
	b.run("click "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
}

// openDetails opens the closed <details> around the element expr finds (a disclosure such
// as the service form's "Advanced"), as a user opens it to reach a field inside. Nothing
// happens when there is no such element (yet) or it is not inside a closed one.
func (b *browser) openDetails(expr string) {
	b.t.Helper()
	evalJS[bool](b, `(() => { const el = `+expr+`; const d = el && el.tagName !== 'SUMMARY' && el.closest('details:not([open])');
		if (d) d.querySelector('summary').click(); return true; })()`)
}

// evalJS evaluates a JS expression in the page and returns its value as T.
func evalJS[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.failShot()
		b.t.Fatalf("eval %s: %v", expr, err)
	}
	return v
}

var unsafeName = regexp.MustCompile(`[^a-z0-9-]+`)

// screenshot saves a full-page PNG named NN-name.png in the artefact folder.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	b.shot++
	file := filepath.Join(b.dir, fmt.Sprintf("%02d-%s.png", b.shot, unsafeName.ReplaceAllString(strings.ToLower(name), "-")))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot %s", file)
}

// signUp registers a new account through the sign-up page and waits for the dashboard.
func (b *browser) signUp(fullName, email, password string) {
	b.t.Helper()
	b.open("/signup")
	b.fill("full_name", fullName)
	b.fill("email", email)
	b.fill("password", password)
	b.click("Sign up")
	b.waitText("Dashboard")
}

// logIn signs in through the login page.
func (b *browser) logIn(email, password string) {
	b.t.Helper()
	b.open("/login")
	b.fill("email", email)
	b.fill("password", password)
	b.click("Log in")
	b.waitText("Dashboard")
}
