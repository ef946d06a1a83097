package api

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestStatusCacheBurstOfMissesLoadsOnce(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	var loads atomic.Int32
	release := make(chan struct{})
	c := newStatusCache(clock.Now, func(slug string) (*cachedPage, error) {
		loads.Add(1)
		<-release // hold the first load so the others pile up behind it
		return &cachedPage{page: &publicPage{Slug: slug}}, nil
	})
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if e, err := c.get("Acme"); err != nil || e.page.Slug != "acme" {
				t.Errorf("get = %+v, %v", e, err)
			}
		})
	}
	time.Sleep(50 * time.Millisecond) // let the goroutines reach the singleflight
	close(release)
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Fatalf("%d loads for one burst, want 1", n)
	}
	// Fresh: no load. Invalidated: one load. Expired: one load.
	c.get("acme")
	c.invalidate()
	c.get("acme")
	clock.Advance(statusCacheTTL)
	c.get("acme")
	if n := loads.Load(); n != 3 {
		t.Fatalf("%d loads, want 3", n)
	}
}

func TestStatusCacheDoesNotKeepUnknownSlugs(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)}
	var loads atomic.Int32
	c := newStatusCache(clock.Now, func(string) (*cachedPage, error) { loads.Add(1); return &cachedPage{}, nil })
	for i := range 3 {
		if e, err := c.get("nope-" + string(rune('a'+i%2))); err != nil || e.page != nil {
			t.Fatalf("get = %+v, %v", e, err)
		}
	}
	if n, size := loads.Load(), len(c.entries); n != 3 || size != 0 {
		t.Fatalf("%d loads, %d entries; want 3 and 0", n, size)
	}
}

func TestPublicPageMaintenance(t *testing.T) {
	e := newTestEnv(t)
	s := newStatusFixture(t, e)
	// Active now for the website; a daily window for all services tomorrow at 02:00 UTC;
	// a hidden one and one for a service not on the page are not shown.
	for _, w := range []map[string]any{
		{"name": "DB upgrade", "description": "Read-only for a while.", "service_ids": []string{s.web}, "starts_at": "2026-11-25T11:00:00Z", "ends_at": "2026-11-25T13:00:00Z"},
		{"name": "Nightly", "starts_at": "2026-11-20T02:00:00Z", "timezone": "UTC", "recurrence": map[string]any{"type": "daily", "duration_minutes": 30}},
		{"name": "Hidden", "starts_at": "2026-11-26T00:00:00Z", "ends_at": "2026-11-26T01:00:00Z", "show_on_status_pages": false},
		{"name": "Far future", "starts_at": "2026-12-25T00:00:00Z", "ends_at": "2026-12-25T01:00:00Z"},
	} {
		if rec := e.do("POST", "/api/v1/maintenance-windows", s.f.memberTok, w); rec.Code != http.StatusCreated {
			t.Fatalf("window: %d %s", rec.Code, rec.Body.String())
		}
	}
	e.clock.Advance(statusCacheTTL) // maintenance writes do not invalidate the page cache
	p := decode[publicPage](t, e.do("GET", "/api/v1/public/status-pages/"+s.slug, "", nil))
	if web := p.Groups[0].Components[0]; web.Status != stateMaintenance {
		t.Errorf("website under an active window = %s", web.Status)
	}
	if p.Status != statePartialOutage {
		t.Errorf("overall = %s (the API is still down, the website in maintenance)", p.Status)
	}
	if len(p.Maintenance) != 8 || !p.Maintenance[0].Active || p.Maintenance[0].Name != "DB upgrade" ||
		p.Maintenance[1].Name != "Nightly" || p.Maintenance[1].StartsAt != time.Date(2026, 11, 26, 2, 0, 0, 0, time.UTC) {
		t.Fatalf("maintenance = %+v", p.Maintenance)
	}
	for _, m := range p.Maintenance {
		if m.Name == "Hidden" || m.Name == "Far future" {
			t.Errorf("%s shown", m.Name)
		}
	}
	html := e.do("GET", "/status/"+s.slug, "", nil).Body.String()
	if !containsAll(html, "Scheduled maintenance", "DB upgrade", "in progress", "Read-only for a while.", "2026-11-26 02:00 UTC") {
		t.Errorf("HTML maintenance section incomplete")
	}
}

// containsAll reports whether s contains every one of subs.
func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
