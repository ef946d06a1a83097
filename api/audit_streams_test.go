package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/auditstream"
	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/store"
)

// hecStandIn is a Splunk HTTP Event Collector on 127.0.0.1: it checks the token and the
// path, answers 503 while down, and keeps the entry IDs it accepted in order.
type hecStandIn struct {
	*httptest.Server
	token string

	mu   sync.Mutex
	down bool
	ids  []string
}

func newHECStandIn(t *testing.T, token string) *hecStandIn {
	h := &hecStandIn{token: token}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.down {
			http.Error(w, `{"text":"Server is busy","code":9}`, http.StatusServiceUnavailable)
			return
		}
		if r.URL.Path != "/services/collector/event" || r.Header.Get("Authorization") != "Splunk "+h.token {
			http.Error(w, `{"text":"Invalid token","code":4}`, http.StatusForbidden)
			return
		}
		d := json.NewDecoder(bytes.NewReader(body))
		for d.More() {
			var obj struct {
				Event auditstream.Event `json:"event"`
			}
			if err := d.Decode(&obj); err != nil || obj.Event.ID == "" {
				http.Error(w, `{"text":"Invalid data format","code":6}`, http.StatusBadRequest)
				return
			}
			h.ids = append(h.ids, obj.Event.ID)
		}
		_, _ = io.WriteString(w, `{"text":"Success","code":0}`)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hecStandIn) received() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.ids)
}

func (h *hecStandIn) setDown(d bool) {
	h.mu.Lock()
	h.down = d
	h.mu.Unlock()
}

func TestAuditStreamsCRUD(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	bob := e.newUser("bob@example.com", "Bob")
	_, memberTok := e.newMember(ada.OrgID, "mia@example.com", "Mia", roleMember)
	hec := newHECStandIn(t, "hec-secret-token")
	body := map[string]any{"name": "Splunk", "type": "splunk_hec", "url": hec.URL + "/services/collector/event",
		"config": map[string]string{"token": "hec-secret-token", "index": "audit"}}
	rec := e.do("POST", "/api/v1/audit-streams", ada.Token, body)
	if rec.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	v := decode[auditStreamView](t, rec)
	if v.Config["token"] != channelSecretMask || v.Config["index"] != "audit" || v.Status.Backlog != 1 || !v.Enabled {
		t.Fatalf("created view %+v", v)
	}
	path := "/api/v1/audit-streams/" + v.ID
	e.run([]scenario{
		{name: "list", method: "GET", path: "/api/v1/audit-streams", token: ada.Token, status: 200,
			contains: []string{`"backlog":1`, `"token":"********"`}, notContains: []string{"hec-secret-token"}},
		{name: "a member may not read them", method: "GET", path: "/api/v1/audit-streams", token: memberTok, status: 403},
		{name: "a member may not create", method: "POST", path: "/api/v1/audit-streams", token: memberTok, body: body, status: 403},
		{name: "another organization's is a 404", method: "GET", path: path, token: bob.Token, status: 404},
		{name: "another organization cannot test it", method: "POST", path: path + "/test", token: bob.Token, status: 404},
		{name: "rename keeps the token", method: "PUT", path: path, token: ada.Token,
			body: map[string]any{"name": "Splunk Cloud", "url": v.URL}, status: 200, contains: []string{`"name":"Splunk Cloud"`}},
		{name: "config with the mask keeps the token", method: "PUT", path: path, token: ada.Token,
			body: map[string]any{"config": map[string]string{"token": channelSecretMask, "index": "main"}}, status: 200,
			contains: []string{`"index":"main"`, `"token":"********"`}},
		{name: "the type cannot change", method: "PUT", path: path, token: ada.Token,
			body: map[string]any{"type": "webhook"}, status: 422, contains: []string{`"type"`}},
		{name: "unknown type", method: "POST", path: "/api/v1/audit-streams", token: ada.Token,
			body: map[string]any{"name": "x", "type": "syslog", "url": hec.URL}, status: 422, contains: []string{`"type"`}},
		{name: "missing token and url", method: "POST", path: "/api/v1/audit-streams", token: ada.Token,
			body: map[string]any{"name": "x", "type": "splunk_hec"}, status: 422, contains: []string{`"config.token"`, `"url"`}},
		{name: "malformed secret reference", method: "POST", path: "/api/v1/audit-streams", token: ada.Token,
			body:   map[string]any{"name": "x", "type": "datadog", "config": map[string]string{"api_key": "{{secret.DD}}"}},
			status: 422, contains: []string{`"config.api_key"`, "malformed"}},
		{name: "a secret for the reference", method: "POST", path: "/api/v1/secrets", token: ada.Token,
			body: map[string]any{"name": "DD_API_KEY", "value": "dd-key"}, status: 201},
		{name: "a reference is accepted as written", method: "POST", path: "/api/v1/audit-streams", token: ada.Token,
			body:   map[string]any{"name": "dd", "type": "datadog", "enabled": false, "config": map[string]string{"api_key": "{{secrets.DD_API_KEY}}", "site": "datadoghq.eu"}},
			status: 201, contains: []string{`"url":""`, `"intake_url":"https://http-intake.logs.datadoghq.eu/api/v2/logs"`, `"api_key":"********"`},
			notContains: []string{"DD_API_KEY"}},
		{name: "user info in the URL", method: "POST", path: "/api/v1/audit-streams", token: ada.Token,
			body:   map[string]any{"name": "x", "type": "elastic", "url": "http://elastic:pw@127.0.0.1:9200", "config": map[string]string{"index": "a"}},
			status: 422, contains: []string{`"url"`}},
		{name: "elastic with an API key", method: "POST", path: "/api/v1/audit-streams", token: ada.Token,
			body:   map[string]any{"name": "es", "type": "elastic", "enabled": false, "url": hec.URL, "config": map[string]string{"index": "audit", "api_key": "k1"}},
			status: 201, check: func(t *testing.T, rec *httptest.ResponseRecorder) {
				es := "/api/v1/audit-streams/" + decode[auditStreamView](t, rec).ID
				both := e.do("PUT", es, ada.Token, map[string]any{"config": map[string]string{"index": "audit", "username": "elastic", "password": "pw"}})
				if both.Code != 422 || !bytes.Contains(both.Body.Bytes(), []byte(`"config.api_key"`)) {
					t.Fatalf("basic auth beside the kept API key: %d %s", both.Code, both.Body.String())
				}
				swapped := e.do("PUT", es, ada.Token, map[string]any{"config": map[string]string{"index": "audit", "api_key": "", "username": "elastic", "password": "pw"}})
				v := decode[auditStreamView](t, swapped)
				if _, has := v.Config["api_key"]; swapped.Code != 200 || has || v.Config["password"] != channelSecretMask {
					t.Fatalf("\"\" removes the API key: %d %s", swapped.Code, swapped.Body.String())
				}
			}},
		{name: "delete", method: "DELETE", path: path, token: ada.Token, status: 204},
		{name: "gone", method: "GET", path: path, token: ada.Token, status: 404},
	})
	events := auditEvents(t, e, ada.OrgID)
	for _, want := range []string{"audit_stream.created", "audit_stream.updated", "audit_stream.deleted"} {
		if !slices.Contains(events, want) {
			t.Errorf("audit log lacks %s: %v", want, events)
		}
	}
	// Sealed at rest: the token is in no byte of the database file.
	raw, err := os.ReadFile(e.cfg.DataDir + "/alertifypro.db")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte("hec-secret-token")) {
		t.Fatal("the database file holds the token in plain text")
	}
}

// TestAuditStreamURLRefusedByEgressIs422: a URL the egress policy refuses is a 422 naming
// url, and nothing is stored — under every policy for the metadata address, under the
// public policy for loopback.
func TestAuditStreamURLRefusedByEgressIs422(t *testing.T) {
	for _, c := range []struct {
		policy, url string
	}{
		{"private", "http://169.254.169.254/services/collector/event"},
		{"private", "http://metadata.google.internal/"},
		{"public", "https://127.0.0.1:8088/services/collector/event"},
		{"public", "https://10.1.2.3:9200"},
	} {
		e := newTestEnv(t, func(cfg *config.Config) { cfg.EgressPolicy = c.policy })
		ada := e.newUser("ada@example.com", "Ada")
		rec := e.do("POST", "/api/v1/audit-streams", ada.Token, map[string]any{"name": "x", "type": "splunk_hec",
			"url": c.url, "config": map[string]string{"token": "t"}})
		if rec.Code != http.StatusUnprocessableEntity {
			t.Fatalf("%s %s: %d %s", c.policy, c.url, rec.Code, rec.Body.String())
		}
		if fields := decode[map[string]any](t, rec)["fields"].(map[string]any); fields["url"] == nil {
			t.Fatalf("%s %s: fields %v do not name url", c.policy, c.url, fields)
		}
		if list, _ := e.db.AuditStreams(ada.OrgID); len(list) != 0 {
			t.Fatalf("a refused stream was stored: %+v", list)
		}
	}
}

// TestAuditStreamTestButton: the test event reaches the receiver in the stream's format
// and the answer is reported; a receiver that is down is reported as such.
func TestAuditStreamTestButton(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	hec := newHECStandIn(t, "tok-1")
	rec := e.do("POST", "/api/v1/audit-streams", ada.Token, map[string]any{"name": "Splunk", "type": "splunk_hec",
		"url": hec.URL, "config": map[string]string{"token": "tok-1"}})
	v := decode[auditStreamView](t, rec)
	rec = e.do("POST", "/api/v1/audit-streams/"+v.ID+"/test", ada.Token, nil)
	res := decode[auditStreamTestView](t, rec)
	if rec.Code != 200 || !res.Delivered || res.StatusCode == nil || *res.StatusCode != 200 || res.Response != `{"text":"Success","code":0}` {
		t.Fatalf("test send: %d %s", rec.Code, rec.Body.String())
	}
	if got := hec.received(); len(got) != 1 || got[0] != res.EventID {
		t.Fatalf("receiver got %v, want the test event %s", got, res.EventID)
	}
	hec.setDown(true)
	res = decode[auditStreamTestView](t, e.do("POST", "/api/v1/audit-streams/"+v.ID+"/test", ada.Token, nil))
	if res.Delivered || res.StatusCode == nil || *res.StatusCode != 503 || res.Error == nil {
		t.Fatalf("test send to a receiver that is down: %+v", res)
	}
	if !slices.Contains(auditEvents(t, e, ada.OrgID), "audit_stream.tested") {
		t.Error("the test is not audited")
	}
}

// TestAuditStreamDeliversAPIChangesInOrder: entries the API commits with its changes are
// streamed in the log's order across a receiver outage, and GET shows the status.
func TestAuditStreamDeliversAPIChangesInOrder(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	hec := newHECStandIn(t, "tok-2")
	v := decode[auditStreamView](t, e.do("POST", "/api/v1/audit-streams", ada.Token, map[string]any{"name": "Splunk",
		"type": "splunk_hec", "url": hec.URL, "config": map[string]string{"token": "tok-2"}}))
	hec.setDown(true)
	for _, name := range []string{"API", "Web", "DB"} {
		e.createHTTPService(ada.Token, name, "http://127.0.0.1:9/"+name)
	}
	streamer := &auditstream.Streamer{Store: e.db, Transport: auditstream.NewTransport(e.deps.Guard, e.deps.Sealer, nil, "test"),
		BaseBackoff: time.Nanosecond, MaxBackoff: time.Nanosecond}
	if _, err := streamer.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	st := decode[auditStreamView](t, e.do("GET", "/api/v1/audit-streams/"+v.ID, ada.Token, nil)).Status
	if st.Backlog != 4 || st.LastError == nil || st.LastStatusCode == nil || *st.LastStatusCode != 503 || st.Failures != 1 || st.OldestPendingAt == nil {
		t.Fatalf("status during the outage: %+v", st)
	}
	hec.setDown(false)
	time.Sleep(time.Millisecond) // past the (nanosecond) backoff
	if _, err := streamer.DeliverDue(context.Background()); err != nil {
		t.Fatal(err)
	}
	entries, _, err := e.db.AuditAfter(ada.OrgID, 0, 1000, 1<<30)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, x := range entries[len(entries)-4:] {
		want = append(want, x.Entry.ID)
	}
	if got := hec.received(); !slices.Equal(got, want) {
		t.Fatalf("received %v, want the log's last 4 entries %v", got, want)
	}
	st = decode[auditStreamView](t, e.do("GET", "/api/v1/audit-streams/"+v.ID, ada.Token, nil)).Status
	if st.Backlog != 0 || st.LastError != nil || st.Delivered != 4 || st.LastSuccessAt == nil {
		t.Fatalf("status after recovery: %+v", st)
	}
}

// TestAuditRetentionByPlanAndInstanceAdmin: the retention shown follows the plan; the
// instance admin may set up to seven years; a plan change returns to the plan's window.
func TestAuditRetentionByPlanAndInstanceAdmin(t *testing.T) {
	e := newTestEnv(t)
	root := e.newUser("root@example.com", "Root")
	ada := e.newUser("ada@example.com", "Ada")
	admin := "/api/v1/admin/organizations/" + ada.OrgID
	e.run([]scenario{
		{name: "free keeps 7 days", method: "GET", path: "/api/v1/audit-logs/retention", token: ada.Token, status: 200,
			contains: []string{`"retention_days":7`, `"source":"plan"`}},
		{name: "starter", method: "PUT", path: admin, token: root.Token, body: map[string]any{"plan_type": "starter"}, status: 200,
			contains: []string{`"retention_days":30`}},
		{name: "professional", method: "PUT", path: admin, token: root.Token, body: map[string]any{"plan_type": "professional"}, status: 200,
			contains: []string{`"retention_days":90`}},
		{name: "enterprise", method: "PUT", path: admin, token: root.Token, body: map[string]any{"plan_type": "enterprise"}, status: 200,
			contains: []string{`"retention_days":365`}},
		{name: "seven years", method: "PUT", path: admin, token: root.Token, body: map[string]any{"audit_retention_days": 2555}, status: 200,
			contains: []string{`"retention_days":2555`, `"source":"instance_admin"`}},
		{name: "shown to the organization", method: "GET", path: "/api/v1/audit-logs/retention", token: ada.Token, status: 200,
			contains: []string{`"retention_days":2555`, `"source":"instance_admin"`}},
		{name: "beyond seven years", method: "PUT", path: admin, token: root.Token, body: map[string]any{"audit_retention_days": 2556}, status: 422,
			contains: []string{`"audit_retention_days"`}},
		{name: "negative", method: "PUT", path: admin, token: root.Token, body: map[string]any{"audit_retention_days": -1}, status: 422},
		{name: "the organization cannot set it", method: "PUT", path: admin, token: ada.Token, body: map[string]any{"audit_retention_days": 30}, status: 404},
		{name: "a plan change returns to the plan", method: "PUT", path: admin, token: root.Token, body: map[string]any{"plan_type": "starter"}, status: 200,
			contains: []string{`"retention_days":30`, `"source":"plan"`}},
	})
	org, err := e.db.Organization(ada.OrgID)
	if err != nil || org.AuditRetentionWindow() != 30*24*time.Hour {
		t.Fatalf("stored window %v, %v", org.AuditRetentionWindow(), err)
	}
	if !slices.Contains(auditEvents(t, e, ada.OrgID), "organization.audit_retention_changed") {
		t.Error("the retention change is not audited")
	}
	if store.MaxAuditRetentionDays != 2555 {
		t.Fatalf("MaxAuditRetentionDays = %d", store.MaxAuditRetentionDays)
	}
}
