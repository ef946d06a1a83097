package api

import (
	"net/http/httptest"
	"testing"
	"time"
)

// TestDocSSLCertificatesStatus replays SPEC §3.8's GET /ssl-certificates:
// every row carries the documented fields, status graded GREEN / YELLOW /
// RED as a check result grades the same certificate, and the words in state.
func TestDocSSLCertificatesStatus(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	now := e.clock.Now()
	green := e.mustCreateService(ada.Token, map[string]any{"name": "Shop", "endpoint": "https://shop.example.com", "check_type": "HTTP"})["id"].(string)
	yellow := e.mustCreateService(ada.Token, map[string]any{"name": "Mail", "endpoint": "mail.example.com:465", "check_type": "SSL",
		"options": map[string]any{"ssl_warn_days": 14}})["id"].(string)
	red := e.mustCreateService(ada.Token, map[string]any{"name": "Old", "endpoint": "old.example.com", "check_type": "SSL"})["id"].(string)
	e.withCertificate(ada.OrgID, green, now.Add(90*24*time.Hour))
	e.withCertificate(ada.OrgID, yellow, now.Add(10*24*time.Hour))
	e.withCertificate(ada.OrgID, red, now.Add(-24*time.Hour))
	want := map[string][2]string{green: {"GREEN", "valid"}, yellow: {"YELLOW", "expiring"}, red: {"RED", "expired"}}
	e.run([]scenario{{name: "documented rows", method: "GET", path: "/api/v1/ssl-certificates", token: ada.Token, status: 200,
		check: func(t *testing.T, rec *httptest.ResponseRecorder) {
			rows := decode[[]map[string]any](t, rec)
			if len(rows) != 3 {
				t.Fatalf("%d rows: %s", len(rows), rec.Body.String())
			}
			for _, r := range rows {
				for _, f := range []string{"service_id", "domain", "issuer", "valid_from", "valid_to", "days_until_expiry", "status"} {
					if _, ok := r[f]; !ok {
						t.Errorf("row lacks %s: %v", f, r)
					}
				}
				w := want[r["service_id"].(string)]
				if r["status"] != w[0] || r["state"] != w[1] {
					t.Errorf("%s: status %v state %v, want %s %s", r["domain"], r["status"], r["state"], w[0], w[1])
				}
			}
		}},
		{name: "one service's certificate too", method: "GET", path: "/api/v1/services/" + yellow + "/ssl", token: ada.Token, status: 200,
			contains: []string{`"status":"YELLOW"`, `"state":"expiring"`}},
	})
}
