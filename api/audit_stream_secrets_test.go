package api

import (
	"net/http"
	"strings"
	"testing"
)

// An audit stream's token written as {{secrets.NAME}}: a name the organization lacks is
// a 422 at save; the stream is listed where the secret is used, which keeps the secret
// from being deleted unforced; sends use the secret's value at the moment of sending.
func TestAuditStreamTokenFromASecret(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	hec := newHECStandIn(t, "hec-token-1")
	stream := map[string]any{"name": "Splunk", "type": "splunk_hec", "url": hec.URL,
		"config": map[string]string{"token": "{{secrets.HEC_TOKEN}}"}}
	rec := e.do("POST", "/api/v1/audit-streams", ada.Token, stream)
	if rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("unknown secret: %d %s", rec.Code, rec.Body.String())
	}
	assertErrorBody(t, rec, "validation_failed")
	if !strings.Contains(rec.Body.String(), `"config.token"`) || !strings.Contains(rec.Body.String(), "HEC_TOKEN") {
		t.Fatalf("unknown secret: %s", rec.Body.String())
	}
	if rec := e.do("POST", "/api/v1/secrets", ada.Token, map[string]any{"name": "HEC_TOKEN", "value": "hec-token-1"}); rec.Code != http.StatusCreated {
		t.Fatalf("create the secret: %d %s", rec.Code, rec.Body.String())
	}
	v := decode[auditStreamView](t, e.do("POST", "/api/v1/audit-streams", ada.Token, stream))
	if got := e.do("GET", "/api/v1/secrets/HEC_TOKEN", ada.Token, nil).Body.String(); !strings.Contains(got, `"kind":"audit_stream"`) ||
		!strings.Contains(got, `"field":"config.token"`) || !strings.Contains(got, v.ID) {
		t.Fatalf("used_by does not name the stream: %s", got)
	}
	if rec := e.do("DELETE", "/api/v1/secrets/HEC_TOKEN", ada.Token, nil); rec.Code != http.StatusConflict {
		t.Fatalf("deleting a secret a stream uses: %d %s", rec.Code, rec.Body.String())
	}
	test := func() auditStreamTestView {
		return decode[auditStreamTestView](t, e.do("POST", "/api/v1/audit-streams/"+v.ID+"/test", ada.Token, nil))
	}
	if res := test(); !res.Delivered {
		t.Fatalf("test send with the secret's value: %+v", res)
	}
	if rec := e.do("PUT", "/api/v1/secrets/HEC_TOKEN", ada.Token, map[string]any{"value": "rotated"}); rec.Code != http.StatusOK {
		t.Fatalf("rotate: %d %s", rec.Code, rec.Body.String())
	}
	if res := test(); res.Delivered || res.StatusCode == nil || *res.StatusCode != http.StatusForbidden {
		t.Fatalf("after rotating to a value the receiver refuses, the test send: %+v", res)
	}
	if strings.Contains(e.do("GET", "/api/v1/audit-streams/"+v.ID, ada.Token, nil).Body.String(), "hec-token-1") {
		t.Fatal("the stream's view shows the secret's value")
	}
}
