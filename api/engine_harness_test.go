package api

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
	"github.com/alertifypro/alertifypro/vault"
)

// testEngine is a real monitor.Engine over a test environment's store: probes may reach
// loopback only, the clock is the test's fixed clock, and the scheduler never starts a
// check by itself, so only the checks a test asks for are recorded.
type testEngine struct {
	eng  *monitor.Engine
	stop func() // stops the scheduler and flushes the recorder; safe to call twice
}

// newEngineEnv is newTestEnv with a running testEngine in Deps.Engine. roots, when not nil,
// is the CA pool HTTPS probes trust (httptest TLS servers); mutate adjusts the config.
func newEngineEnv(t *testing.T, roots *x509.CertPool, mutate ...func(*config.Config)) (*testEnv, *testEngine) {
	t.Helper()
	return newEngineEnvWith(t, roots, nil, mutate...)
}

// newEngineEnvWith is newEngineEnv with a hook that adjusts the dependencies (a logger
// to read) before the engine is built over them; nil changes nothing.
func newEngineEnvWith(t *testing.T, roots *x509.CertPool, withDeps func(*Deps), mutate ...func(*config.Config)) (*testEnv, *testEngine) {
	t.Helper()
	te := &testEngine{}
	e := newTestEnvWith(t, func(d *Deps) {
		if withDeps != nil {
			withDeps(d)
		}
		env := loopbackProbeEnv(t, d.Now)
		env.RootCAs = roots
		// Secrets resolved at every check, as serve wires them (internal/app).
		te.eng = monitor.NewEngine(monitor.EngineConfig{Store: d.Store, Opener: d.Sealer,
			Secrets: &vault.Vault{Store: d.Store, Opener: d.Sealer}, Env: env,
			Poll: time.Hour, Concurrency: 4, Logger: d.Logger})
		// Every first check a day away (a new service's too, which is otherwise checked
		// at once): the scheduler keeps out of the test's way.
		te.eng.Scheduler.FirstCheckDelay = 24 * time.Hour
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- te.eng.Run(ctx) }()
		var once sync.Once
		te.stop = func() {
			once.Do(func() {
				cancel()
				if err := <-done; err != nil {
					t.Errorf("engine: %v", err)
				}
			})
		}
		// Registered after the store's cleanup, so it runs before the store closes.
		t.Cleanup(te.stop)
		d.Engine = te.eng
	}, mutate...)
	return e, te
}

// loopbackProbeEnv is a probe Env whose dials and lookups may reach loopback addresses
// only (a test that tries anything else fails loudly).
func loopbackProbeEnv(t *testing.T, now func() time.Time) *monitor.Env {
	var d net.Dialer
	return &monitor.Env{
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return nil, err
			}
			if ip, err := netip.ParseAddr(host); err != nil || !ip.IsLoopback() {
				t.Errorf("probe dialled %s %s: tests may only reach loopback", network, address)
				return nil, fmt.Errorf("test dialer: %s is not loopback", address)
			}
			return d.DialContext(ctx, network, address)
		},
		ResolveIP: func(_ context.Context, host string) (netip.Addr, error) {
			ip, err := netip.ParseAddr(host)
			if err != nil || !ip.IsLoopback() {
				return netip.Addr{}, fmt.Errorf("test resolver: %s is not a loopback literal", host)
			}
			return ip, nil
		},
		UserAgent: "AlertifyPro/test",
		Now:       now,
	}
}

// reopen closes the environment's store and opens the same file again, with a router
// over the new store and no engine: what a restart of the server sees.
func (e *testEnv) reopen() {
	e.t.Helper()
	path := e.db.Path()
	if err := e.db.Close(); err != nil {
		e.t.Fatal(err)
	}
	db, err := store.Open(path, e.opts)
	if err != nil {
		e.t.Fatalf("reopen store: %v", err)
	}
	e.db = db
	e.deps.Store, e.deps.Engine, e.deps.Purger = db, nil, nil
	e.deps.Alerter = alerting.NewAlerter(db, e.sm)
	router, err := NewRouter(e.deps)
	if err != nil {
		e.t.Fatal(err)
	}
	e.router = router
}

// recordAt commits results straight to the store, as the recorder would.
func (e *testEnv) recordAt(orgID string, results ...store.CheckResult) {
	e.t.Helper()
	items := make([]store.RecordItem, len(results))
	for i, r := range results {
		items[i] = store.RecordItem{OrgID: orgID, Result: r}
	}
	if err := e.db.RecordResults(items); err != nil {
		e.t.Fatal(err)
	}
}
