package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// statusBenchComponents is the size of the benchmarked page: 20 components with 90 days
// of daily bars each, two active incidents — a large real-world page.
const statusBenchComponents = 20

// newStatusBench builds a store seeded by seedStatusBench and returns the router, the
// page slug and a second public handler set on the same store for uncached renders.
func newStatusBench(tb testing.TB) (router http.Handler, slug string, public *publicStatusHandlers) {
	tb.Helper()
	cfg, _, _, db, logger := openBenchStore(tb)
	slug = seedStatusBench(tb, db)
	deps := Deps{Config: cfg, Store: db, Logger: logger, Version: "bench"}
	engine, err := NewRouter(deps)
	if err != nil {
		tb.Fatal(err)
	}
	public, err = newPublicStatusHandlers(newBase(deps))
	if err != nil {
		tb.Fatal(err)
	}
	return engine, slug, public
}

// seedStatusBench gives db one organization, statusBenchComponents services with 90 days
// of recorded results (one check per 6 hours, some failures), a public page showing them
// and two incidents, and returns the page's slug.
func seedStatusBench(tb testing.TB, db *store.DB) string {
	tb.Helper()
	u := &store.User{Email: "bench@example.com", FullName: "Bench", PasswordHash: "x"}
	org := &store.Organization{Name: "Bench", PlanType: "enterprise", MaxServices: -1, Settings: store.DefaultOrgSettings()}
	if err := db.Register(u, org, &store.Membership{Role: roleOwner}, nil); err != nil {
		tb.Fatal(err)
	}
	page := &store.StatusPage{Name: "Bench Status", Slug: "bench", IsPublic: true, ShowUptimeBars: true, HistoryDays: 90,
		SubscriptionsEnabled: true, SubscriberMode: store.SubscribeAnyone}
	now := time.Now().UTC()
	var batch []store.RecordItem
	for i := range statusBenchComponents {
		s := &store.Service{Name: fmt.Sprintf("Service %d", i), Endpoint: fmt.Sprintf("https://svc%d.internal.example", i), CheckType: "HTTP", CheckIntervalSeconds: 60}
		if err := db.CreateService(org.ID, s, nil); err != nil {
			tb.Fatal(err)
		}
		page.Components = append(page.Components, store.Component{ID: fmt.Sprintf("c%d", i), Name: s.Name, ServiceID: s.ID,
			Group: fmt.Sprintf("Group %d", i%4), DisplayOrder: i})
		for h := 90 * 24; h >= 0; h -= 6 {
			st := store.StatusGreen
			if (h/6+i)%37 == 0 {
				st = store.StatusRed
			}
			batch = append(batch, store.RecordItem{OrgID: org.ID, Result: store.CheckResult{ServiceID: s.ID,
				CheckedAt: now.Add(-time.Duration(h) * time.Hour), Status: st, ResponseTimeMS: 40 + h%50, StatusCode: 200}})
		}
	}
	if err := db.RecordResults(batch); err != nil {
		tb.Fatal(err)
	}
	if err := db.CreateStatusPage(org.ID, page, nil); err != nil {
		tb.Fatal(err)
	}
	for i := range 2 {
		inc := &store.Incident{Title: fmt.Sprintf("Incident %d", i), Severity: store.SeverityMajor, AffectedComponentIDs: []string{"c1", "c2"}}
		if err := db.CreateIncident(org.ID, page.ID, inc, store.IncidentUpdate{Status: store.IncidentInvestigating, Message: "Looking into it."}, nil); err != nil {
			tb.Fatal(err)
		}
	}
	return page.Slug
}

// BenchmarkStatusPageCached is GET /status/:slug through the full router from the cache
// (what a busy page costs per request).
func BenchmarkStatusPageCached(b *testing.B) {
	router, slug, _ := newStatusBench(b)
	measureParallel(b, func(int) error {
		rec := httptest.NewRecorder()
		router.ServeHTTP(rec, httptest.NewRequest("GET", "/status/"+slug, nil))
		if rec.Code != http.StatusOK {
			return fmt.Errorf("status %d", rec.Code)
		}
		return nil
	})
}

// BenchmarkStatusPageUncached is one cache miss: the store snapshot (daily rollups of 20
// services × 90 days, incidents, maintenance) plus building the model and rendering JSON
// and HTML.
func BenchmarkStatusPageUncached(b *testing.B) {
	_, slug, public := newStatusBench(b)
	b.ReportAllocs()
	for b.Loop() {
		e, err := public.loadPublicPage(slug)
		if err != nil || e.page == nil {
			b.Fatalf("load: %v", err)
		}
	}
}
