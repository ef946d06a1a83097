package uitest

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestSecretsPageNamesAStreamUser: a secret used by an audit-log stream is listed under
// "Used by" as the stream, in words and with a link to the audit-log page where streams
// are edited — not as the API's raw kind "audit_stream".
func TestSecretsPageNamesAStreamUser(t *testing.T) {
	srv := startServer(t, serverOptions{})
	token, _, orgSlug := registerViaAPI(t, srv, "Ada Lovelace", "ada@example.com", "correct horse battery")
	apiJSON(t, srv, token, "POST", "/secrets?org="+orgSlug, map[string]any{"name": "HEC_TOKEN", "value": "hec-value"}, http.StatusCreated)
	apiJSON(t, srv, token, "POST", "/audit-streams?org="+orgSlug, map[string]any{"name": "SIEM", "type": "splunk_hec",
		"enabled": false, "url": "http://127.0.0.1:9", "config": map[string]any{"token": "{{secrets.HEC_TOKEN}}"}}, http.StatusCreated)
	b := newBrowser(t, srv, 60*time.Second)
	b.signInAs(token, orgSlug)
	b.open("/settings/secrets")
	b.waitFor("the stream under used by", `[...document.querySelectorAll('[data-used-by] a')].some((a) => a.textContent === 'SIEM' && a.getAttribute('href') === '/audit-log')`, 10*time.Second)
	if got := evalJS[string](b, `document.querySelector('[data-used-by]').textContent`); !strings.Contains(got, "Audit-log stream SIEM config.token") || strings.Contains(got, "audit_stream") {
		t.Fatalf("used by reads %q", got)
	}
}
