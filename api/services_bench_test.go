package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// benchServices is how many services the GET benchmark spreads its requests over.
const benchServices = 200

// BenchmarkGetService serves GET /api/v1/services/{id} through the full stack the server
// runs (NewRouter with every middleware, a real API key digested and looked up per request,
// the creator's membership and organization loaded from a real bbolt file, the rate limiter,
// then the service) from parallel clients. The organization is on the enterprise plan so the
// per-key limit does not cap the measurement. It reports throughput (SPEC §6: ≥ 5 000 req/s)
// and p99 latency (≤ 25 ms).
func BenchmarkGetService(b *testing.B) {
	router, key, ids := newServiceBench(b)
	measureParallel(b, func(i int) error {
		req := httptest.NewRequest("GET", "/api/v1/services/"+ids[(i*7)%len(ids)], nil)
		req.Header.Set("Authorization", "Bearer "+key)
		req.RemoteAddr = "192.0.2.10:40000"
		rec := httptest.NewRecorder()
		router.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			return fmt.Errorf("status %d: %s", rec.Code, rec.Body.String())
		}
		return nil
	})
}

// newServiceBench builds the production router over a fresh store with one organization
// holding benchServices services (created through POST /services) and returns the router,
// an API key of the owner and the service IDs.
func newServiceBench(b *testing.B) (router http.Handler, token string, ids []string) {
	b.Helper()
	router, _, _, token = newBenchRouter(b)
	ids = make([]string, 0, benchServices)
	for i := range benchServices {
		body, _ := json.Marshal(map[string]any{"name": fmt.Sprintf("Service %d", i), "check_type": "http",
			"endpoint": fmt.Sprintf("https://svc%d.example.com/health", i), "tags": []string{"prod", "web"},
			"auth":    map[string]any{"type": "bearer", "token": "tok"},
			"options": map[string]any{"headers": map[string]any{"X-Api-Key": "k"}, "expected_status": []int{200, 204}}})
		var v struct{ ID string }
		if rec := postJSON(router, "/api/v1/services", token, body); rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &v) != nil {
			b.Fatalf("seed: %d %s", rec.Code, rec.Body.String())
		}
		ids = append(ids, v.ID)
	}
	return router, apiKeyFor(b, router, token), ids
}

// apiKeyFor creates an API key with the session token and returns its secret.
func apiKeyFor(b *testing.B, router http.Handler, token string) string {
	rec := postJSON(router, "/api/v1/api-keys", token, []byte(`{"name":"bench"}`))
	var v struct{ Key string }
	if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &v) != nil {
		b.Fatalf("api key: %d %s", rec.Code, rec.Body.String())
	}
	return v.Key
}

// openBenchStore opens a fresh store in a temporary directory as the server does (the
// test configuration, a sealer and the alert state machine wired in), closed when the
// benchmark ends. Logs are formatted as in production and then discarded.
func openBenchStore(tb testing.TB) (cfg *config.Config, sealer *crypto.Sealer, sm *alerting.StateMachine, db *store.DB, logger *slog.Logger) {
	tb.Helper()
	dir := tb.TempDir()
	cfg = testConfig(dir)
	sealer, err := crypto.NewSealer(cfg.EncryptionKeyBytes)
	if err != nil {
		tb.Fatal(err)
	}
	logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	sm = alerting.NewStateMachine(alerting.Config{BaseURL: cfg.BaseURL, AckKey: testAckKey, Logger: logger})
	db, err = store.Open(filepath.Join(dir, "alertifypro.db"), storeOptions(store.Options{}, cfg, sm, sealer, logger))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return cfg, sealer, sm, db, logger
}

// newBenchRouter builds the production router (NewRouter, every middleware) over a fresh
// store with one enterprise organization, and returns the router, the store, the
// organization's ID and a session token of its owner.
func newBenchRouter(b *testing.B) (router http.Handler, db *store.DB, orgID, token string) {
	b.Helper()
	cfg, sealer, sm, db, logger := openBenchStore(b)
	deps := Deps{Config: cfg, Store: db, Sealer: sealer,
		Passwords: crypto.NewPasswordHasher(cfg.BcryptCost),
		Tokens:    crypto.NewTokenIssuer(cfg.JWTKey, cfg.JWTTTL, time.Now),
		Alerter:   alerting.NewAlerter(db, sm), Logger: logger, Version: "bench"}
	engine, err := NewRouter(deps)
	if err != nil {
		b.Fatal(err)
	}
	u := &store.User{Email: "bench@example.com", FullName: "Bench", PasswordHash: "x"}
	org := &store.Organization{Name: "Bench", PlanType: "enterprise", MaxServices: -1, Settings: store.DefaultOrgSettings()}
	if err := db.Register(u, org, &store.Membership{}, nil); err != nil {
		b.Fatal(err)
	}
	token, err = deps.Tokens.Issue(u.ID, org.ID, u.Email, u.TokenVersion)
	if err != nil {
		b.Fatal(err)
	}
	return engine, db, org.ID, token
}

// postJSON sends a JSON POST with a bearer token straight to router, for benchmark and load
// fixtures that have a router but no testEnv.
func postJSON(router http.Handler, path, token string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest("POST", path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	router.ServeHTTP(rec, req)
	return rec
}
