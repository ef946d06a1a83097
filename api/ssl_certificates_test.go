package api

import (
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// withCertificate records a passing result that saw a certificate valid from 30 days ago
// until validTo.
func (e *testEnv) withCertificate(orgID, serviceID string, validTo time.Time) {
	e.t.Helper()
	e.recordAt(orgID, store.CheckResult{ServiceID: serviceID, CheckedAt: e.clock.Now().Add(-time.Minute),
		Status: store.StatusGreen, ResponseTimeMS: 20, Certificate: &store.Certificate{
			Issuer: "Test CA", Subject: "example.com", ValidFrom: e.clock.Now().Add(-30 * 24 * time.Hour), ValidTo: validTo}})
}

func TestSSLCertificates(t *testing.T) {
	e := newTestEnv(t)
	ada, bob, viewer := e.adaWithViewerBob()
	now := e.clock.Now()
	if _, err := e.db.UpdateOrganization(ada.OrgID, func(o *store.Organization) error { o.MaxServices = -1; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	create := func(token, name, endpoint, typ string, opts map[string]any) string {
		body := map[string]any{"name": name, "endpoint": endpoint, "check_type": typ}
		if opts != nil {
			body["options"] = opts
		}
		return e.mustCreateService(token, body)["id"].(string)
	}
	valid := create(ada.Token, "Shop", "https://shop.example.com/health", "https", nil)
	expiring := create(ada.Token, "Mail", "mail.example.com:465", "ssl", map[string]any{"ssl_warn_days": 14})
	expired := create(ada.Token, "Old", "old.example.com", "ssl", nil)
	plain := create(ada.Token, "Plain", "http://intranet.example.com", "http", nil)
	wss := create(ada.Token, "Socket", "wss://ws.example.com/feed", "websocket", nil)
	unchecked := create(ada.Token, "New", "https://new.example.com", "http", nil)
	bobs := create(bob.Token, "Bob's", "https://bob.example.com", "http", nil)
	e.withCertificate(ada.OrgID, valid, now.Add(60*24*time.Hour+time.Hour))
	e.withCertificate(ada.OrgID, expiring, now.Add(10*24*time.Hour))
	e.withCertificate(ada.OrgID, expired, now.Add(-2*24*time.Hour))
	e.withCertificate(ada.OrgID, wss, now.Add(100*24*time.Hour)) // not an SSL/HTTPS service: not listed
	e.withCertificate(bob.OrgID, bobs, now.Add(100*24*time.Hour))
	_ = plain

	e.run([]scenario{
		{name: "list: SSL and HTTPS services with a certificate", method: "GET", path: "/api/v1/ssl-certificates", token: viewer, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[[]map[string]any](t, rec)
				want := []map[string]any{
					{"service_id": valid, "domain": "shop.example.com", "issuer": "Test CA", "valid_from": rfc(now.Add(-30 * 24 * time.Hour)),
						"valid_to": rfc(now.Add(60*24*time.Hour + time.Hour)), "days_until_expiry": 60.0, "status": "GREEN", "state": "valid"},
					{"service_id": expiring, "domain": "mail.example.com", "issuer": "Test CA", "valid_from": rfc(now.Add(-30 * 24 * time.Hour)),
						"valid_to": rfc(now.Add(10 * 24 * time.Hour)), "days_until_expiry": 10.0, "status": "YELLOW", "state": "expiring"},
					{"service_id": expired, "domain": "old.example.com", "issuer": "Test CA", "valid_from": rfc(now.Add(-30 * 24 * time.Hour)),
						"valid_to": rfc(now.Add(-2 * 24 * time.Hour)), "days_until_expiry": -2.0, "status": "RED", "state": "expired"},
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("list:\n got %v\nwant %v", got, want)
				}
			}},
		{name: "list: paged", method: "GET", path: "/api/v1/ssl-certificates?limit=2", token: ada.Token, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				if got := decode[[]sslListItem](t, rec); len(got) != 2 || got[1].ServiceID != expiring || rec.Header().Get("X-Next-Cursor") == "" {
					t.Fatalf("page of 2: %d, cursor %q", len(got), rec.Header().Get("X-Next-Cursor"))
				}
			}},
		{name: "list: another organization's certificates are not listed", method: "GET", path: "/api/v1/ssl-certificates", token: bob.Token, status: 200,
			contains: []string{bobs}, notContains: []string{valid, expiring}},
		{name: "list: an organization the caller is not in is 404", method: "GET", path: "/api/v1/ssl-certificates?org=" + bob.OrgSlug, token: ada.Token, status: 404},
		{name: "one: the certificate with its check time", method: "GET", path: "/api/v1/services/" + expiring + "/ssl", token: viewer, status: 200,
			check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				got := decode[map[string]any](t, rec)
				want := map[string]any{"service_id": expiring, "domain": "mail.example.com", "issuer": "Test CA", "subject": "example.com",
					"valid_from": rfc(now.Add(-30 * 24 * time.Hour)), "valid_to": rfc(now.Add(10 * 24 * time.Hour)),
					"days_until_expiry": 10.0, "status": "YELLOW", "state": "expiring", "checked_at": rfc(now.Add(-time.Minute))}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("ssl:\n got %v\nwant %v", got, want)
				}
			}},
		{name: "one: any TLS service's certificate", method: "GET", path: "/api/v1/services/" + wss + "/ssl", token: ada.Token, status: 200,
			contains: []string{`"domain":"ws.example.com"`, `"status":"GREEN"`, `"state":"valid"`}},
		{name: "one: not checked yet is 404", method: "GET", path: "/api/v1/services/" + unchecked + "/ssl", token: ada.Token, status: 404,
			contains: []string{"No certificate seen yet"}},
		{name: "one: plain HTTP is 404", method: "GET", path: "/api/v1/services/" + plain + "/ssl", token: ada.Token, status: 404},
		{name: "one: other organization is 404", method: "GET", path: "/api/v1/services/" + bobs + "/ssl", token: ada.Token, status: 404,
			contains: []string{"Service not found"}},
	})
}

// TestCheckNowReportsCertificate: a real HTTPS check returns the certificate it saw, and
// the SSL view shows the same one afterwards.
func TestCheckNowReportsCertificate(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	defer srv.Close()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	e, _ := newEngineEnv(t, roots)
	ada := e.newUser("ada@example.com", "Ada")
	id := e.mustCreateService(ada.Token, map[string]any{"name": "TLS", "endpoint": srv.URL, "check_type": "https"})["id"].(string)
	rec := e.do("POST", "/api/v1/services/"+id+"/check", ada.Token, nil)
	if rec.Code != 200 {
		t.Fatalf("check: %d %s", rec.Code, rec.Body.String())
	}
	got := decode[checkView](t, rec)
	leaf := srv.Certificate()
	if got.Status != "GREEN" || got.Certificate == nil || !got.Certificate.ValidTo.Equal(leaf.NotAfter) || got.Certificate.Issuer == "" {
		t.Fatalf("check now: %s", rec.Body.String())
	}
	ssl := decode[sslView](t, e.do("GET", "/api/v1/services/"+id+"/ssl", ada.Token, nil))
	if !ssl.ValidTo.Equal(leaf.NotAfter) || ssl.Issuer != got.Certificate.Issuer || ssl.Domain != "127.0.0.1" ||
		ssl.Status != "GREEN" || ssl.State != "valid" || !ssl.CheckedAt.Equal(got.CheckedAt) || ssl.DaysUntilExpiry != got.Certificate.DaysUntilExpiry {
		t.Fatalf("ssl view %+v does not match the check %+v", ssl, got.Certificate)
	}
	if list := decode[[]sslListItem](t, e.do("GET", "/api/v1/ssl-certificates", ada.Token, nil)); len(list) != 1 || list[0].ServiceID != id {
		t.Fatalf("list: %+v", list)
	}
}
