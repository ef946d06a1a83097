package api

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/egress"
	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
	"github.com/alertifypro/alertifypro/vault"
)

// testClock is the fixed, steppable clock every API test runs on.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// TestMain runs the package's tests with Gin in test mode (internal/app sets release mode;
// Gin's default debug mode would print every route of every router a test builds).
func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

// testEnv is the real router over a real bbolt file in t.TempDir().
type testEnv struct {
	t      *testing.T
	cfg    *config.Config
	db     *store.DB
	deps   Deps
	router *gin.Engine
	clock  *testClock
	// opts are the options the store was opened with (reopen uses them again), and sm
	// the alert state machine they run, which the Alerter in deps drives.
	opts store.Options
	sm   *alerting.StateMachine
}

// testConfig is a valid configuration with fixed secrets and the cheapest
// bcrypt cost, so tests are fast and deterministic.
func testConfig(dataDir string) *config.Config {
	return &config.Config{
		Port: 3001, DataDir: dataDir, JWTTTL: 72 * time.Hour, BcryptCost: 4,
		BaseURL: "http://localhost:3001", RegistrationMode: "open", EgressPolicy: "private",
		SchedulerPollInterval: 10 * time.Second, CheckConcurrency: 8, RawRetention: 168 * time.Hour,
		SMTPPort: 587, SMTPTLS: "none", LogLevel: "error", LogFormat: "text",
		JWTKey:             []byte("test-jwt-secret-test-jwt-secret-0123456789"),
		EncryptionKeyBytes: bytes.Repeat([]byte{7}, 32),
	}
}

// newTestEnv opens a fresh store and router; mutate adjusts the config.
// On cleanup it runs bbolt's consistency check over the file.
func newTestEnv(t *testing.T, mutate ...func(*config.Config)) *testEnv {
	t.Helper()
	return newTestEnvWith(t, nil, mutate...)
}

// newTestEnvWith is newTestEnv with a hook that adjusts the dependencies before
// the router is built (a real monitor.Engine, a purger); nil changes nothing.
func newTestEnvWith(t *testing.T, withDeps func(*Deps), mutate ...func(*config.Config)) *testEnv {
	t.Helper()
	return newTestEnvOpts(t, store.Options{}, withDeps, mutate...)
}

// newTestEnvOpts is newTestEnvWith over a store opened with opts (on the test clock).
func newTestEnvOpts(t *testing.T, opts store.Options, withDeps func(*Deps), mutate ...func(*config.Config)) *testEnv {
	t.Helper()
	dir := t.TempDir()
	cfg := testConfig(dir)
	for _, m := range mutate {
		m(cfg)
	}
	clock := &testClock{now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	sealer, err := crypto.NewSealer(cfg.EncryptionKeyBytes)
	if err != nil {
		t.Fatal(err)
	}
	env := &testEnv{t: t, cfg: cfg, clock: clock,
		sm: alerting.NewStateMachine(alerting.Config{BaseURL: cfg.BaseURL, AckKey: testAckKey, Now: clock.Now, Logger: logger})}
	opts.Now = clock.Now
	env.opts = storeOptions(opts, cfg, env.sm, sealer, logger)
	db, err := store.Open(filepath.Join(dir, "alertifypro.db"), env.opts)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	env.db = db
	// env.db, not db: a test may reopen the store, and the check belongs to the open one.
	t.Cleanup(func() {
		if err := env.db.Check(); err != nil {
			t.Errorf("bbolt consistency check: %v", err)
		}
		env.db.Close()
	})
	policy, err := egress.ParsePolicy(cfg.EgressPolicy, cfg.EgressAllowCIDRs, cfg.EgressDenyCIDRs)
	if err != nil {
		t.Fatal(err)
	}
	guard := egress.New(policy)
	deps := Deps{
		Config: cfg, Store: db, Sealer: sealer, Guard: guard, Notify: notify.NewDeps(guard, instanceSMTP(cfg), "AlertifyPro/test"),
		Passwords: crypto.NewPasswordHasher(cfg.BcryptCost),
		Tokens:    crypto.NewTokenIssuer(cfg.JWTKey, cfg.JWTTTL, clock.Now),
		Alerter:   alerting.NewAlerter(db, env.sm),
		Logger:    logger,
		Now:       clock.Now, Version: "test",
	}
	if withDeps != nil {
		withDeps(&deps)
	}
	router, err := NewRouter(deps)
	if err != nil {
		t.Fatal(err)
	}
	env.deps, env.router = deps, router
	return env
}

// storeOptions is opts with every in-transaction function serve passes (internal/app):
// the alert state machine sm, the maintenance rule and subscriber notices rendered with
// sealer. Every API test opens its store through here, so none runs with one of those
// silently off.
func storeOptions(opts store.Options, cfg *config.Config, sm *alerting.StateMachine, sealer *crypto.Sealer, logger *slog.Logger) store.Options {
	opts.Alerts = sm.StoreHooks()
	opts.Maintenance = alerting.MaintenanceActive
	opts.Subscribers = (&notify.SubscriberNotices{BaseURL: cfg.BaseURL, Opener: sealer, Logger: logger}).Notice
	return opts
}

// instanceSMTP is the instance SMTP server cfg names, as serve configures it (nil:
// SMTP_HOST unset).
func instanceSMTP(cfg *config.Config) *notify.SMTPConfig {
	if cfg.SMTPHost == "" {
		return nil
	}
	return &notify.SMTPConfig{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername,
		Password: cfg.SMTPPassword, From: cfg.SMTPFrom, TLS: cfg.SMTPTLS}
}

// outboxWorker is the real outbox sender over the environment's current store, resolving
// entries through notify.Destinations as serve does, on the test clock.
func outboxWorker(e *testEnv) *notify.OutboxSender {
	d := &notify.Destinations{Store: e.db, Opener: e.deps.Sealer, Secrets: &vault.Vault{Store: e.db, Opener: e.deps.Sealer},
		Deps: e.deps.Notify}
	return &notify.OutboxSender{Store: e.db, Resolve: d.Resolve, Now: e.clock.Now,
		OnDelivered: d.OnDelivered, OnPermanent: d.OnPermanent}
}

// do sends one request through the full middleware stack. body may be nil,
// a string (sent as is) or any value (sent as JSON).
func (e *testEnv) do(method, path, token string, body any) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.doFrom("192.0.2.10", method, path, token, body)
}

// doFrom is do from the client address ip (per-IP limits).
func (e *testEnv) doFrom(ip, method, path, token string, body any) *httptest.ResponseRecorder {
	e.t.Helper()
	var r io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(v)
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	contentType := ""
	if body != nil {
		contentType = "application/json"
	}
	return e.send(httptest.NewRequest(method, path, r), ip, token, contentType)
}

// send serves req through the full middleware stack as from the client address ip, with
// token as its bearer ("" sends none) and contentType as its Content-Type ("" sends none).
func (e *testEnv) send(req *http.Request, ip, token, contentType string) *httptest.ResponseRecorder {
	req.RemoteAddr = net.JoinHostPort(ip, "40000")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)
	return rec
}

// decode unmarshals a response body, failing the test on bad JSON.
func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("response is not the expected JSON (%v): %s", err, rec.Body.String())
	}
	return v
}

// testUser is an account with a token for its own organization.
type testUser struct {
	ID, Email, Token, OrgID, OrgSlug string
}

// newUser registers an account (and its organization) straight in the store
// and issues its token, so tests of other resources do not depend on the
// registration endpoint or REGISTRATION_MODE.
func (e *testEnv) newUser(email, fullName string) *testUser {
	e.t.Helper()
	hash, err := e.deps.Passwords.Hash(e.t.Context(), "correct horse battery")
	if err != nil {
		e.t.Fatal(err)
	}
	u := &store.User{Email: email, FullName: fullName, PasswordHash: hash}
	org := &store.Organization{Name: fullName + "'s Organization", Slug: slugify(fullName + "s-organization"),
		PlanType: "free", MaxServices: 5, Settings: store.DefaultOrgSettings()}
	if err := e.db.Register(u, org, &store.Membership{Role: roleOwner}, nil); err != nil {
		e.t.Fatalf("register %s: %v", email, err)
	}
	tok, err := e.deps.Tokens.Issue(u.ID, org.ID, u.Email, u.TokenVersion)
	if err != nil {
		e.t.Fatal(err)
	}
	return &testUser{ID: u.ID, Email: u.Email, Token: tok, OrgID: org.ID, OrgSlug: org.Slug}
}

// join adds u to another organization with role and returns a token whose
// tenant is that organization.
func (e *testEnv) join(orgID string, u *testUser, role string) string {
	e.t.Helper()
	if err := e.db.AddMember(orgID, &store.Membership{UserID: u.ID, Role: role}, nil); err != nil {
		e.t.Fatalf("add member: %v", err)
	}
	tok, err := e.deps.Tokens.Issue(u.ID, orgID, u.Email, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// scenario is one row of a table-driven API test (pocketbase's ApiScenario).
type scenario struct {
	name        string
	method      string
	path        string
	token       string
	body        any
	status      int
	contains    []string // substrings the body must hold
	notContains []string // substrings the body must not hold
	check       func(t *testing.T, rec *httptest.ResponseRecorder)
}

// run executes the scenarios in order (later rows may depend on earlier ones).
func (e *testEnv) run(rows []scenario) {
	e.t.Helper()
	for _, s := range rows {
		e.t.Run(s.name, func(t *testing.T) {
			rec := e.do(s.method, s.path, s.token, s.body)
			if rec.Code != s.status {
				t.Fatalf("%s %s: status %d, want %d; body %s", s.method, s.path, rec.Code, s.status, rec.Body.String())
			}
			for _, want := range s.contains {
				if !strings.Contains(rec.Body.String(), want) {
					t.Errorf("body lacks %q: %s", want, rec.Body.String())
				}
			}
			for _, bad := range s.notContains {
				if strings.Contains(rec.Body.String(), bad) {
					t.Errorf("body holds %q: %s", bad, rec.Body.String())
				}
			}
			if s.check != nil {
				s.check(t, rec)
			}
		})
	}
}

// assertErrorBody checks the flat error shape and its code.
func assertErrorBody(t *testing.T, rec *httptest.ResponseRecorder, code string) {
	t.Helper()
	body := decode[map[string]any](t, rec)
	if body["error"] != code {
		t.Fatalf("error code %v, want %q (body %s)", body["error"], code, rec.Body.String())
	}
	if _, ok := body["message"].(string); !ok {
		t.Fatalf("error body has no message: %s", rec.Body.String())
	}
	_ = http.StatusOK
}

// auditEvents lists the event names recorded in an organization, newest first.
func auditEvents(t *testing.T, e *testEnv, orgID string) []string {
	t.Helper()
	entries, _, err := e.db.AuditLogs(orgID, store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, en := range entries {
		out = append(out, en.Event)
	}
	return out
}
