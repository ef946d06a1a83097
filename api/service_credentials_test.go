package api

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

const (
	testPassword    = "SuperSecret-123"
	testHeaderValue = "Bearer tok-XYZ"
)

// TestServiceCredentialSecrecy creates a service with a basic-auth password and a secret
// header, then looks for either secret in every answer, in the audit log and in the raw
// bytes of the database file.
func TestServiceCredentialSecrecy(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	secrets := []string{testPassword, testHeaderValue, "tok-XYZ"}
	rec := e.do("POST", "/api/v1/services", u.Token, map[string]any{
		"name": "Secret API", "endpoint": "https://api.example.com/health", "check_type": "https",
		"auth":    map[string]any{"type": "basic", "username": "monitor", "password": testPassword},
		"options": map[string]any{"headers": map[string]any{"authorization": testHeaderValue, "X-Trace": "yes"}},
	})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	id := decode[map[string]any](t, rec)["id"].(string)
	path := "/api/v1/services/" + id
	answers := []*bytes.Buffer{rec.Body}
	for _, r := range []struct{ method, path string }{{"GET", path}, {"GET", "/api/v1/services"}, {"GET", "/api/v1/services?q=secret"}} {
		answers = append(answers, e.do(r.method, r.path, u.Token, nil).Body)
	}
	patch := e.do("PATCH", path, u.Token, map[string]any{"description": "still secret"})
	if patch.Code != http.StatusOK {
		t.Fatalf("patch: %d %s", patch.Code, patch.Body.String())
	}
	answers = append(answers, patch.Body, e.do("POST", path+"/pause", u.Token, nil).Body)
	for i, body := range answers {
		for _, s := range secrets {
			if strings.Contains(body.String(), s) {
				t.Errorf("answer %d reveals %q: %s", i, s, body.String())
			}
		}
		if strings.Contains(body.String(), `"name":"Secret API"`) &&
			(!strings.Contains(body.String(), `"auth":{"type":"basic","configured":true}`) ||
				!strings.Contains(body.String(), `"Authorization":"********"`)) {
			t.Errorf("answer %d does not show the masked forms: %s", i, body.String())
		}
	}
	audit := e.do("GET", "/api/v1/audit-logs", u.Token, nil) // may still be a stub: check the store too
	entries, _, err := e.db.AuditLogs(u.OrgID, store.AuditFilter{})
	if err != nil || len(entries) == 0 {
		t.Fatalf("audit entries: %d %v", len(entries), err)
	}
	for _, a := range entries {
		for _, s := range secrets {
			if strings.Contains(a.Event+a.Resource.Name+toJSON(t, a.Metadata), s) || strings.Contains(audit.Body.String(), s) {
				t.Errorf("audit entry %s reveals %q", a.Event, s)
			}
		}
	}
	// bbolt writes committed pages to the file with pwrite, so the file holds every commit.
	raw, err := os.ReadFile(e.db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("still secret")) {
		t.Fatal("the raw-file check reads stale bytes: the committed description is missing")
	}
	for _, s := range secrets {
		if holdsSecret(raw, s) {
			t.Errorf("the database file holds %q in plaintext or base64", s)
		}
	}
	// The seals open to the original values for the probe.
	svc, err := e.db.Service(u.OrgID, id)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := newBase(e.deps).openCredentials(u.OrgID, svc)
	if err != nil {
		t.Fatal(err)
	}
	if creds.Auth.Username != "monitor" || creds.Auth.Password != testPassword ||
		creds.Headers["Authorization"] != testHeaderValue || creds.Headers["X-Trace"] != "yes" {
		t.Fatalf("opened credentials %+v", creds)
	}
}

// TestOpenCredentialsBinding proves a sealed record only opens for its own organization and
// service: a record copied to another organization or another service ID, or a header seal
// moved to another header name, fails with ErrDecrypt.
func TestOpenCredentialsBinding(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	bob := e.newUser("bob@example.com", "Bob")
	b := newBase(e.deps)
	created := e.mustCreateService(ada.Token, map[string]any{"name": "API", "endpoint": "https://api.example.com", "check_type": "http",
		"auth":    map[string]any{"type": "header", "name": "x-api-key", "value": "k-123"},
		"options": map[string]any{"headers": map[string]any{"X-One": "1", "X-Two": "2"}}})
	svc, err := e.db.Service(ada.OrgID, created["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	creds, err := b.openCredentials(ada.OrgID, svc)
	if err != nil || creds.Auth == nil || creds.Auth.Type != authHeader || creds.Auth.Name != "X-Api-Key" ||
		creds.Auth.Value != "k-123" || creds.Headers["X-One"] != "1" || creds.Headers["X-Two"] != "2" {
		t.Fatalf("round trip: %+v %v", creds, err)
	}

	copied := *svc
	copied.ID = ""
	copied.Name = "Copied"
	if err := e.db.CreateService(bob.OrgID, &copied, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.openCredentials(bob.OrgID, &copied); !errors.Is(err, crypto.ErrDecrypt) {
		t.Fatalf("copied to another organization (new ID) opened: %v", err)
	}
	sameID := *svc
	if _, err := b.openCredentials(bob.OrgID, &sameID); !errors.Is(err, crypto.ErrDecrypt) {
		t.Fatalf("same ID, other organization opened: %v", err)
	}
	otherService := *svc
	otherService.ID = copied.ID
	if _, err := b.openCredentials(ada.OrgID, &otherService); !errors.Is(err, crypto.ErrDecrypt) {
		t.Fatalf("other service ID opened: %v", err)
	}
	swapped := *svc
	swapped.Auth = nil
	swapped.SealedHeaders = map[string][]byte{"X-One": svc.SealedHeaders["X-Two"]}
	if _, err := b.openCredentials(ada.OrgID, &swapped); !errors.Is(err, crypto.ErrDecrypt) {
		t.Fatalf("header seal moved to another name opened: %v", err)
	}
	// An API answer never says why; the service without secrets opens to nothing.
	plain := e.mustCreateService(ada.Token, map[string]any{"name": "Plain", "endpoint": "example.com:22", "check_type": "ssh"})
	ps, _ := e.db.Service(ada.OrgID, plain["id"].(string))
	if c, err := b.openCredentials(ada.OrgID, ps); err != nil || c.Auth != nil || len(c.Headers) != 0 {
		t.Fatalf("no secrets: %+v %v", c, err)
	}
}

// TestServiceHeaderUpdates covers replacing, keeping and dropping sealed header values.
func TestServiceHeaderUpdates(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	b := newBase(e.deps)
	created := e.mustCreateService(u.Token, map[string]any{"name": "API", "endpoint": "https://api.example.com", "check_type": "http",
		"options": map[string]any{"headers": map[string]any{"X-Keep": "old-keep", "X-Change": "old-change", "X-Drop": "old-drop"}}})
	id := created["id"].(string)
	rec := e.do("PATCH", "/api/v1/services/"+id, u.Token, map[string]any{"options": map[string]any{
		"headers": map[string]any{"x-keep": credentialMask, "X-Change": "new-change", "X-New": "new"}}})
	if rec.Code != http.StatusOK {
		t.Fatalf("patch: %d %s", rec.Code, rec.Body.String())
	}
	svc, _ := e.db.Service(u.OrgID, id)
	creds, err := b.openCredentials(u.OrgID, svc)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"X-Keep": "old-keep", "X-Change": "new-change", "X-New": "new"}
	if len(creds.Headers) != len(want) {
		t.Fatalf("headers %v, want %v", creds.Headers, want)
	}
	for k, v := range want {
		if creds.Headers[k] != v {
			t.Errorf("%s = %q, want %q", k, creds.Headers[k], v)
		}
	}
	if strings.Contains(string(svc.Options), "old-") || strings.Contains(string(svc.Options), "new") {
		t.Fatalf("stored options hold header values: %s", svc.Options)
	}
	// Changing to a type without headers drops them (and their seals) with the options.
	rec = e.do("PATCH", "/api/v1/services/"+id, u.Token, map[string]any{"check_type": "ssl", "endpoint": "api.example.com", "options": map[string]any{}})
	if rec.Code != http.StatusOK {
		t.Fatalf("to SSL: %d %s", rec.Code, rec.Body.String())
	}
	if svc, _ := e.db.Service(u.OrgID, id); svc.SealedHeaders != nil {
		t.Fatalf("seals kept after the headers went: %v", svc.SealedHeaders)
	}
	// WEBSOCKET → HTTP keeps the headers: the masked values carry over.
	ws := e.mustCreateService(u.Token, map[string]any{"name": "WS", "endpoint": "wss://x.example", "check_type": "ws",
		"options": map[string]any{"headers": map[string]any{"Cookie": "session=abc"}}})
	rec = e.do("PATCH", "/api/v1/services/"+ws["id"].(string), u.Token, map[string]any{"check_type": "http", "endpoint": "https://x.example"})
	if rec.Code != http.StatusOK {
		t.Fatalf("ws → http: %d %s", rec.Code, rec.Body.String())
	}
	svc, _ = e.db.Service(u.OrgID, ws["id"].(string))
	if creds, err := b.openCredentials(u.OrgID, svc); err != nil || creds.Headers["Cookie"] != "session=abc" {
		t.Fatalf("ws → http headers: %+v %v", creds, err)
	}
}

// base64Run finds runs of base64 text: store records are JSON, and JSON carries []byte as
// standard base64, so a secret stored unsealed in a []byte field would not appear verbatim.
var base64Run = regexp.MustCompile(`[A-Za-z0-9+/]{12,}={0,2}`)

// holdsSecret reports whether raw contains secret verbatim or inside any base64 run (at
// any of the four character alignments).
func holdsSecret(raw []byte, secret string) bool {
	if bytes.Contains(raw, []byte(secret)) {
		return true
	}
	for _, run := range base64Run.FindAll(raw, -1) {
		run = bytes.TrimRight(run, "=")
		for off := 0; off < 4 && off < len(run); off++ {
			chunk := run[off:]
			chunk = chunk[:len(chunk)/4*4]
			dec, err := base64.StdEncoding.DecodeString(string(chunk))
			if err == nil && bytes.Contains(dec, []byte(secret)) {
				return true
			}
		}
	}
	return false
}

// toJSON renders v for substring checks.
func toJSON(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}
