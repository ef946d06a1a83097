// Package uitest holds the admin UI's browser tests (SPEC §7): real Chromium driven
// over the DevTools protocol by github.com/chromedp/chromedp, against the real server
// (router, store in t.TempDir(), monitor engine, alerter and outbox wired as serve.go
// wires them) listening on 127.0.0.1:0, with loopback targets.
//
// Harness (harness_test.go), for every UI engineer to reuse:
//
//	srv := startServer(t, serverOptions{Engine: true})   // URL, DB, Register
//	b := newBrowser(t, srv)                             // one Chromium tab, bounded by a timeout
//	b.signUp("Ada", "ada@example.com", "correct horse battery")
//	b.open("/alerts"); b.waitText("No open alerts"); b.screenshot("alerts-empty")
//
// Chromium missing: the tests skip, or fail when CI=true (.ci/run installs Debian's
// chromium). Screenshots go to $ALERTIFYPRO_ARTIFACTS, else uitest/artifacts
// (git-ignored).
package uitest
