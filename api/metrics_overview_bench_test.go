package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// BenchmarkOverview serves GET /api/v1/metrics for 1 000 services (seedWireServices) with
// six hours of 5-minute checks each — every slot of their sparklines filled — through the
// production router, one request at a time, gzip offered as the dashboard's poll offers
// it. ns/op is one answer on one goroutine; wire_B what it sends.
//
//	go test -run '^$' -bench BenchmarkOverview -benchtime 100x ./api
func BenchmarkOverview(b *testing.B) {
	router, db, orgID, token := newBenchRouter(b)
	key := apiKeyFor(b, router, token)
	seedWireServices(b, router, db, orgID, key, time.Now, func() {})
	services, _, err := db.ListServices(orgID, store.ListQuery{Limit: 1000}, nil)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	for at := now.Add(-6 * time.Hour); at.Before(now.Add(-time.Minute)); at = at.Add(5 * time.Minute) {
		items := make([]store.RecordItem, 0, len(services))
		for i, s := range services {
			items = append(items, store.RecordItem{OrgID: orgID, Result: store.CheckResult{ServiceID: s.ID,
				CheckedAt: at.Add(time.Duration(i) * time.Millisecond), Status: store.StatusGreen, ResponseTimeMS: 40 + i%900, StatusCode: 200}})
		}
		if err := db.RecordResults(items); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	var wire int
	for b.Loop() {
		req := httptest.NewRequest("GET", "/api/v1/metrics", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Accept-Encoding", "gzip, deflate, br")
		rec := httptest.NewRecorder()
		router.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		wire = rec.Body.Len()
	}
	b.ReportMetric(float64(wire), "wire_B")
}
