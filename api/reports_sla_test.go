package api

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// slaDay is the day the SLA history is recorded on (the test clock starts there at noon).
var slaDay = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)

// slaAt is a time of slaDay.
func slaAt(h, m int) time.Time {
	return slaDay.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

// slaFixture is an organization with a recorded history whose SLA figures are known:
// "Checkout" and "Docs" checked every minute from 13:00 to 18:59 (360 checks each) with
// a real Alerter registered on the store (default rule: fires on the 2nd RED, resolves on
// the 1st GREEN). Checkout is RED 14:00–14:09 (alert fired 14:01, acknowledged 14:05 via the API,
// resolved 14:10), in a maintenance window 15:00–16:00 while RED (recorded MAINTENANCE,
// no alert), RED 17:00–17:29 (alert fired 17:01, resolved 17:30) and RED once at 18:00
// (below the rule's threshold: downtime, no incident). Docs is always GREEN.
type slaFixture struct {
	e                  *testEnv
	owner              *testUser
	checkout, docs     string
	viewer, otherToken string
}

func newSLAFixture(t *testing.T) *slaFixture {
	t.Helper()
	e, _ := newAlertEnv(t)
	f := &slaFixture{e: e, owner: e.newUser("ada@example.com", "Ada")}
	f.checkout = e.createHTTPService(f.owner.Token, "Checkout", "https://checkout.example.com")
	f.docs = e.mustCreateService(f.owner.Token, map[string]any{"name": "Docs", "endpoint": "https://docs.example.com", "check_type": "http", "sla_target": 99})["id"].(string)
	rec := e.do("POST", "/api/v1/maintenance-windows", f.owner.Token, map[string]any{"name": "Upgrade",
		"service_ids": []string{f.checkout}, "starts_at": slaAt(15, 0), "ends_at": slaAt(16, 0)})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create window: %d %s", rec.Code, rec.Body.String())
	}
	red := func(t time.Time) bool {
		switch {
		case !t.Before(slaAt(14, 0)) && t.Before(slaAt(14, 10)),
			!t.Before(slaAt(15, 0)) && t.Before(slaAt(16, 0)),
			!t.Before(slaAt(17, 0)) && t.Before(slaAt(17, 30)),
			t.Equal(slaAt(18, 0)):
			return true
		}
		return false
	}
	for at := slaAt(13, 0); at.Before(slaAt(19, 0)); at = at.Add(time.Minute) {
		e.clock.Advance(at.Sub(e.clock.Now())) // the Alerter stamps fired/resolved with the clock
		status := store.StatusGreen
		if red(at) {
			status = store.StatusRed
		}
		e.recordAt(f.owner.OrgID,
			store.CheckResult{ServiceID: f.checkout, CheckedAt: at, Status: status, ResponseTimeMS: 80, Error: map[bool]string{true: "connection refused"}[status == store.StatusRed]},
			store.CheckResult{ServiceID: f.docs, CheckedAt: at, Status: store.StatusGreen, ResponseTimeMS: 40})
		if at.Equal(slaAt(14, 5)) {
			alerts, _, err := e.db.Alerts(f.owner.OrgID, store.AlertFilter{ServiceID: f.checkout})
			if err != nil || len(alerts) != 1 {
				t.Fatalf("open alerts at 14:05: %v %+v", err, alerts)
			}
			if rec := e.do("POST", "/api/v1/alerts/"+alerts[0].ID+"/acknowledge", f.owner.Token, map[string]any{"note": "looking"}); rec.Code != http.StatusOK {
				t.Fatalf("acknowledge: %d %s", rec.Code, rec.Body.String())
			}
		}
	}
	e.clock.Advance(slaAt(19, 0).Sub(e.clock.Now()))
	f.viewer = e.join(f.owner.OrgID, e.newUser("val@example.com", "Val"), roleViewer)
	f.otherToken = e.newUser("eve@example.com", "Eve").Token
	return f
}

// wantCheckout and wantDocs are the figures the history above must give.
func (f *slaFixture) want() map[string]map[string]any {
	return map[string]map[string]any{
		f.checkout: {"service_name": "Checkout",
			// 360 checks − 60 in maintenance = 300 counted; 41 RED → 259/300 up.
			"uptime_percent": 86.333, "sla_target": 99.9, "sla_met": false, "total_checks": 360.0,
			"failed_checks": 41.0, "incident_count": 2.0,
			"total_downtime_seconds":   2460.0, // (10 + 30 + 1) RED minutes, each until the next check
			"longest_downtime_seconds": 1740.0, // 17:01 → 17:30
			"mtta_seconds":             240.0,  // 14:01 → 14:05, the only acknowledged alert
			"mttr_seconds":             1140.0, // (540 + 1740) / 2
			"planned_downtime_seconds": 3600.0},
		f.docs: {"service_name": "Docs", "uptime_percent": 100.0, "sla_target": 99.0, "sla_met": true,
			"total_checks": 360.0, "failed_checks": 0.0, "incident_count": 0.0, "total_downtime_seconds": 0.0,
			"longest_downtime_seconds": 0.0, "mtta_seconds": nil, "mttr_seconds": nil, "planned_downtime_seconds": 0.0},
	}
}

// TestSLAReportMatchesHistory reads the report over windows that resolve to hourly rows
// (13:00–19:00), a daily row (the whole day) and the 24h shorthand, and finds the
// history's figures exactly each time.
func TestSLAReportMatchesHistory(t *testing.T) {
	f := newSLAFixture(t)
	want := f.want()
	for _, q := range []string{"from=2026-11-25T13:00:00Z&to=2026-11-25T19:00:00Z", "from=2026-11-25T00:00:00Z&to=2026-11-26T00:00:00Z",
		"window=24h", "window=7d&format=json"} {
		rec := f.e.do("GET", "/api/v1/reports/sla?"+q, f.viewer, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", q, rec.Code, rec.Body.String())
		}
		got := decode[struct {
			From, To string
			Services []map[string]any
		}](t, rec)
		if len(got.Services) != 2 {
			t.Fatalf("%s: %d services, want 2", q, len(got.Services))
		}
		for _, row := range got.Services {
			id := row["service_id"].(string)
			for k, v := range want[id] {
				if row[k] != v {
					t.Errorf("%s: %s %s = %v, want %v", q, want[id]["service_name"], k, row[k], v)
				}
			}
		}
	}
	// One service by ID; a window after the 17:01 alert fired counts its downtime but no incident.
	rec := f.e.do("GET", "/api/v1/reports/sla?service_ids="+f.checkout+"&from=2026-11-25T17:10:00Z&to=2026-11-25T17:40:00Z", f.owner.Token, nil)
	got := decode[struct{ Services []map[string]any }](t, rec)
	if rec.Code != 200 || len(got.Services) != 1 || got.Services[0]["incident_count"] != 0.0 || got.Services[0]["total_downtime_seconds"] != 1200.0 {
		t.Fatalf("17:10–17:40: %d %s", rec.Code, rec.Body.String())
	}
}

// TestSLAReportCSV checks the CSV download: an attachment, a header row, one RFC 4180
// record per service with the same figures as the JSON, null figures as empty cells.
func TestSLAReportCSV(t *testing.T) {
	f := newSLAFixture(t)
	rec := f.e.do("GET", "/api/v1/reports/sla?window=24h&format=csv", f.owner.Token, nil)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") ||
		!strings.HasPrefix(rec.Header().Get("Content-Disposition"), `attachment; filename="sla-report-`) {
		t.Fatalf("csv: %d %v %s", rec.Code, rec.Header(), rec.Body.String())
	}
	if !strings.Contains(rec.Body.String(), "\r\n") {
		t.Error("CSV lines must end in CRLF (RFC 4180)")
	}
	records, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
	if err != nil || len(records) != 3 {
		t.Fatalf("csv records: %v %q", err, records)
	}
	if strings.Join(records[0], ",") != "service_id,service_name,uptime_percent,sla_target,sla_met,total_checks,failed_checks,incident_count,total_downtime_seconds,longest_downtime_seconds,mtta_seconds,mttr_seconds,planned_downtime_seconds" {
		t.Errorf("header = %v", records[0])
	}
	rows := map[string]string{}
	for _, r := range records[1:] {
		rows[r[0]] = strings.Join(r[1:], ",")
	}
	if w := "Checkout,86.333,99.9,false,360,41,2,2460,1740,240,1140,3600"; rows[f.checkout] != w {
		t.Errorf("Checkout row = %q, want %q", rows[f.checkout], w)
	}
	if w := "Docs,100,99,true,360,0,0,0,0,,,0"; rows[f.docs] != w {
		t.Errorf("Docs row = %q, want %q", rows[f.docs], w)
	}
}

// TestSLAReportRequests covers the parameters' validation, permissions and tenancy.
func TestSLAReportRequests(t *testing.T) {
	f := newSLAFixture(t)
	tok := f.owner.Token
	f.e.run([]scenario{
		{name: "no token", method: "GET", path: "/api/v1/reports/sla", status: 401},
		{name: "default 30 days", method: "GET", path: "/api/v1/reports/sla", token: tok, status: 200,
			contains: []string{`"from":"2026-10-26T19:00:00Z"`, `"to":"2026-11-25T19:00:00Z"`}},
		{name: "to before from", method: "GET", path: "/api/v1/reports/sla?from=2026-11-25T19:00:00Z&to=2026-11-25T13:00:00Z", token: tok, status: 422, contains: []string{`"from":"must be before to"`}},
		{name: "bad time", method: "GET", path: "/api/v1/reports/sla?from=yesterday", token: tok, status: 422, contains: []string{`"from"`}},
		{name: "unknown window", method: "GET", path: "/api/v1/reports/sla?window=1y", token: tok, status: 422, contains: []string{`"window"`}},
		{name: "window and from", method: "GET", path: "/api/v1/reports/sla?window=7d&from=2026-11-20T00:00:00Z", token: tok, status: 422, contains: []string{`"window"`}},
		{name: "over 400 days", method: "GET", path: "/api/v1/reports/sla?from=2025-06-01T00:00:00Z", token: tok, status: 422, contains: []string{"400 days"}},
		{name: "before retention", method: "GET", path: "/api/v1/reports/sla?from=2024-01-01T00:00:00Z&to=2024-02-01T00:00:00Z", token: tok, status: 422, contains: []string{"rollup retention"}},
		{name: "bad format", method: "GET", path: "/api/v1/reports/sla?format=xml", token: tok, status: 422, contains: []string{`"format"`}},
		{name: "bad service id", method: "GET", path: "/api/v1/reports/sla?service_ids=nope", token: tok, status: 422, contains: []string{`"service_ids"`}},
		{name: "other organization's service", method: "GET", path: "/api/v1/reports/sla?service_ids=" + f.checkout, token: f.otherToken, status: 404},
		{name: "other organization sees only its own", method: "GET", path: "/api/v1/reports/sla", token: f.otherToken, status: 200, contains: []string{`"services":[]`}},
	})
}
