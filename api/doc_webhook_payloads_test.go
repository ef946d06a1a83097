package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// TestDocWebhookPayloads replays SPEC §3.15's envelope for a failing HTTP
// service, a heartbeat that failed and recovered, and an incident opened on
// a status page: data.monitor.type is lower case, heartbeat events carry
// data.monitor {id, name, type:"heartbeat"} beside data.heartbeat, and
// data.incident carries status_page_id and affected_components beside ours.
func TestDocWebhookPayloads(t *testing.T) {
	e := newPingEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	recv := newHookReceiver(t, testWebhookSecret, http.StatusOK)
	subscribe(t, e, owner.Token, recv.URL, "monitor.down", "heartbeat.missed", "heartbeat.recovered", "incident.created")

	svc := e.mustCreateService(owner.Token, map[string]any{"name": "API", "endpoint": "https://api.example.com", "check_type": "https"})["id"].(string)
	now := e.clock.Now()
	e.recordAt(owner.OrgID,
		store.CheckResult{ServiceID: svc, CheckedAt: now, Status: store.StatusRed, Error: "connection refused"},
		store.CheckResult{ServiceID: svc, CheckedAt: now.Add(time.Minute), Status: store.StatusRed, Error: "connection refused"})

	hb := e.createHeartbeat(owner.Token, map[string]any{"name": "Nightly backup"})
	for _, p := range []string{"/fail", ""} {
		if rec := e.do(http.MethodPost, "/api/v1/heartbeat/"+hb.UniqueKey+p, "", nil); rec.Code != 200 {
			t.Fatalf("ping%s: %d %s", p, rec.Code, rec.Body.String())
		}
		e.waitHeartbeat(owner.Token, hb.ID, map[string]string{"/fail": "down", "": "healthy"}[p])
	}

	rec := e.do(http.MethodPost, "/api/v1/status-pages", owner.Token, map[string]any{"name": "Acme Status",
		"components": []map[string]any{{"name": "API", "service_id": svc}}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("page: %d %s", rec.Code, rec.Body.String())
	}
	page := decode[statusPageView](t, rec)
	comp := page.Components[0].ID
	if rec := e.do(http.MethodPost, "/api/v1/status-pages/"+page.ID+"/incidents", owner.Token, map[string]any{
		"title": "API errors", "status": "investigating", "severity": "major", "affected_component_ids": []string{comp},
		"message": "Looking into it."}); rec.Code != http.StatusCreated {
		t.Fatalf("incident: %d %s", rec.Code, rec.Body.String())
	}

	deliverDue(t, outboxWorker(e))
	byEvent := map[string]map[string]any{}
	recv.mu.Lock()
	for _, env := range recv.envelopes {
		byEvent[env["event"].(string)] = env["data"].(map[string]any)
	}
	recv.mu.Unlock()

	if m, _ := byEvent["monitor.down"]["monitor"].(map[string]any); m["id"] != svc || m["name"] != "API" || m["type"] != "http" ||
		m["url"] != "https://api.example.com" {
		t.Errorf("monitor.down data.monitor = %v", m)
	}
	for _, ev := range []string{"heartbeat.missed", "heartbeat.recovered"} {
		d := byEvent[ev]
		m, _ := d["monitor"].(map[string]any)
		h, _ := d["heartbeat"].(map[string]any)
		if m["id"] != hb.ID || m["name"] != "Nightly backup" || m["type"] != "heartbeat" || h["id"] != hb.ID {
			t.Errorf("%s data = %v", ev, d)
		}
	}
	inc, _ := byEvent["incident.created"]["incident"].(map[string]any)
	affected, _ := inc["affected_components"].([]any)
	if inc["status_page_id"] != page.ID || len(affected) != 1 || affected[0] != comp ||
		inc["page"] == nil || inc["components"] == nil {
		t.Errorf("incident.created data.incident = %v", inc)
	}
}

// waitHeartbeat waits (the ping recorder commits in the background) until the
// heartbeat reads status.
func (e *testEnv) waitHeartbeat(token, id, status string) {
	e.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for e.heartbeatStatus(token, id).Status != status {
		if time.Now().After(deadline) {
			e.t.Fatalf("heartbeat never became %s", status)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
