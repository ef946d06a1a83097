package api

import (
	"testing"
)

// A stream's intake_url is the address its receiver is posted to: a Splunk collector's
// event endpoint when the URL has no path, an Elastic cluster's _bulk (before the query,
// whose values stay masked), not the URL as typed.
func TestAuditStreamShowsItsIntakeURL(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	for _, tc := range []struct {
		body map[string]any
		want string
	}{
		{map[string]any{"name": "splunk", "type": "splunk_hec", "enabled": false, "url": "http://127.0.0.1:8088",
			"config": map[string]string{"token": "t"}}, "http://127.0.0.1:8088/services/collector/event"},
		{map[string]any{"name": "es", "type": "elastic", "enabled": false, "url": "http://127.0.0.1:9200/?pipeline=audit",
			"config": map[string]string{"index": "audit", "api_key": "k"}}, "http://127.0.0.1:9200/_bulk?pipeline=********"},
	} {
		rec := e.do("POST", "/api/v1/audit-streams", ada.Token, tc.body)
		if rec.Code != 201 {
			t.Fatalf("create %v: %d %s", tc.body["name"], rec.Code, rec.Body.String())
		}
		v := decode[auditStreamView](t, rec)
		if v.IntakeURL != tc.want {
			t.Errorf("%s: intake_url %q, want %q", tc.body["name"], v.IntakeURL, tc.want)
		}
	}
}
