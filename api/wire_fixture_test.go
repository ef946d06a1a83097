package api

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// wireServices is the fleet of the dashboard's largest poll (GET /services?limit=1000).
const wireServices = 1000

// thousandServices is an organization of wireServices services (seedWireServices) behind
// the real router, its store skipping fsyncs: this fixture is about bytes, not durability.
func thousandServices(t *testing.T) (*testEnv, *testUser) {
	t.Helper()
	e := newTestEnvOpts(t, store.Options{NoSync: true}, nil)
	u := e.newUser("ops@example.com", "Ops")
	if _, err := e.db.UpdateOrganization(u.OrgID, func(o *store.Organization) error {
		o.MaxServices = unlimited
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	// The session allowance (600 a minute) refills as the test clock moves.
	seedWireServices(t, e.router, e.db, u.OrgID, u.Token, e.clock.Now, func() { e.clock.Advance(time.Minute) })
	return e, u
}

// seedWireServices creates wireServices HTTP services through POST /services, as the UI
// does, and records one check of each, so the list carries what the dashboard polls under
// a running engine (status, last result, timings). Names, hosts and descriptions are drawn
// from word lists by a seeded generator: as varied as a real fleet's, so the compression
// figure is not flattered by repetition. refill runs every 500 creations.
func seedWireServices(tb testing.TB, router http.Handler, db *store.DB, orgID, token string, now func() time.Time, refill func()) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(12, 2026))
	word := func(list []string) string { return list[rng.IntN(len(list))] }
	teams := []string{"payments", "search", "identity", "storage", "billing", "mobile", "edge", "data", "growth", "infra"}
	parts := []string{"api", "web", "worker", "gateway", "auth", "cdn", "db", "queue", "cache", "admin", "webhook", "export"}
	regions := []string{"eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-south-1", "ap-northeast-1"}
	paths := []string{"/healthz", "/health", "/status", "/api/v1/ping", "/ready", "/", "/login", "/metrics/health"}
	envs := []string{"production", "staging", "development", ""}
	items := make([]store.RecordItem, 0, wireServices)
	for i := range wireServices {
		if i%500 == 499 {
			refill()
		}
		team, part, region := word(teams), word(parts), word(regions)
		body, _ := json.Marshal(map[string]any{
			"name":       fmt.Sprintf("%s-%s-%s-%03x", team, part, region, i), // unique by construction
			"endpoint":   fmt.Sprintf("https://%s-%x.%s.%s.example.com%s", part, rng.Uint32(), region, team, word(paths)),
			"check_type": "HTTP", "environment": word(envs), "tags": []string{"team-" + team, region},
			"description": fmt.Sprintf("%s %s in %s, owner %s on-call, ticket OPS-%d", team, part, region, word(teams), rng.IntN(100000)),
		})
		rec := postJSON(router, "/api/v1/services", token, body)
		var created struct{ ID string }
		if rec.Code != http.StatusCreated || json.Unmarshal(rec.Body.Bytes(), &created) != nil {
			tb.Fatalf("create service %d: %d %s", i, rec.Code, rec.Body.String())
		}
		items = append(items, store.RecordItem{OrgID: orgID, Result: store.CheckResult{
			ServiceID: created.ID, CheckedAt: now().Add(-time.Duration(rng.IntN(60_000)) * time.Millisecond), Status: "GREEN",
			ResponseTimeMS: 40 + rng.IntN(900), StatusCode: 200,
			Timings: store.Timings{DNS: time.Duration(rng.IntN(30)) * time.Millisecond, Connect: time.Duration(1+rng.IntN(40)) * time.Millisecond,
				TLS: time.Duration(5+rng.IntN(80)) * time.Millisecond, FirstByte: time.Duration(20+rng.IntN(800)) * time.Millisecond},
		}})
	}
	if err := db.RecordResults(items); err != nil {
		tb.Fatal(err)
	}
}
