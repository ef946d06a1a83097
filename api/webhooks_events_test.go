package api

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/alerting"
)

// receivedEvents lists the event names of the envelopes r processed, in order.
func receivedEvents(r *hookReceiver) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.envelopes))
	for _, env := range r.envelopes {
		out = append(out, env["event"].(string))
	}
	return out
}

func TestWebhookMemberEvents(t *testing.T) {
	e := newTestEnv(t)
	owner := e.newUser("owner@example.com", "Owner")
	existing := e.newUser("existing@example.com", "Existing")
	e.confirmEmail(existing) // an address its holder proved is added at once
	recv := newHookReceiver(t, testWebhookSecret, http.StatusOK)
	subscribe(t, e, owner.Token, recv.URL, "member.invited", "member.removed")

	for _, email := range []string{"new@example.com", existing.Email} {
		if rec := e.do(http.MethodPost, "/api/v1/members", owner.Token, map[string]any{"email": email, "role": "viewer"}); rec.Code != http.StatusCreated {
			t.Fatalf("add %s: %d %s", email, rec.Code, rec.Body.String())
		}
	}
	if rec := e.do(http.MethodDelete, "/api/v1/members/"+existing.ID, owner.Token, nil); rec.Code != http.StatusNoContent {
		t.Fatalf("remove: %d %s", rec.Code, rec.Body.String())
	}
	if n := deliverDue(t, outboxWorker(e)); n != 3 {
		t.Fatalf("attempted %d, want 3", n)
	}
	if got := receivedEvents(recv); !slices.Equal(got, []string{"member.invited", "member.invited", "member.removed"}) {
		t.Fatalf("events = %v", got)
	}
	member := func(i int) map[string]any {
		return recv.envelopes[i]["data"].(map[string]any)["member"].(map[string]any)
	}
	if m := member(0); m["email"] != "new@example.com" || m["status"] != "invited" || m["role"] != "viewer" || m["invitation_id"] == nil {
		t.Fatalf("invitation = %v", m)
	}
	if m := member(1); m["user_id"] != existing.ID || m["status"] != "added" {
		t.Fatalf("added = %v", m)
	}
	if m := member(2); m["user_id"] != existing.ID || m["status"] != "removed" ||
		recv.envelopes[2]["data"].(map[string]any)["by"].(map[string]any)["user_id"] != owner.ID {
		t.Fatalf("removed = %v", recv.envelopes[2])
	}
}

// Maintenance windows starting, ending (on time, early, or by deletion) are each
// announced once, and a restart in between announces nothing again.
func TestWebhookMaintenanceEventsOncePerTransition(t *testing.T) {
	e, owner, recv := newHookEnv(t, http.StatusOK)
	subscribe(t, e, owner.Token, recv.URL, "maintenance.started", "maintenance.ended")
	worker := func() *alerting.MaintenanceEvents {
		return &alerting.MaintenanceEvents{Store: e.db, Now: e.clock.Now}
	}
	scan := func(w *alerting.MaintenanceEvents, want int) {
		t.Helper()
		if n, err := w.Scan(); err != nil || n != want {
			t.Fatalf("Scan at %v = %d, %v; want %d", e.clock.Now(), n, err, want)
		}
	}
	window := func(body map[string]any) string {
		t.Helper()
		rec := e.do(http.MethodPost, "/api/v1/maintenance-windows", owner.Token, body)
		if rec.Code != http.StatusCreated {
			t.Fatalf("create window: %d %s", rec.Code, rec.Body.String())
		}
		return decode[map[string]any](t, rec)["id"].(string)
	}
	svc := e.mustCreateService(owner.Token, map[string]any{"name": "Site", "endpoint": "https://example.com", "check_type": "http"})["id"]
	// The clock reads 2026-11-25T12:00:00Z.
	upgrade := window(map[string]any{"name": "Upgrade", "starts_at": "2026-11-25T12:10:00Z", "ends_at": "2026-11-25T13:10:00Z",
		"service_ids": []any{svc}})
	w := worker()
	scan(w, 0)
	e.clock.Advance(10 * time.Minute)
	scan(w, 1) // Upgrade started
	scan(w, 0)
	e.reopen()
	w = worker() // a restart: the announced state is on disk
	scan(w, 0)
	e.clock.Advance(time.Hour)
	scan(w, 1) // Upgrade ended on time
	scan(w, 0)

	early := window(map[string]any{"name": "Early", "starts_at": "2026-11-25T13:00:00Z", "ends_at": "2026-11-25T15:00:00Z"})
	doomed := window(map[string]any{"name": "Doomed", "starts_at": "2026-11-25T13:00:00Z", "ends_at": "2026-11-25T15:00:00Z"})
	scan(w, 2)
	if rec := e.do(http.MethodPost, "/api/v1/maintenance-windows/"+early+"/end", owner.Token, nil); rec.Code != http.StatusOK {
		t.Fatalf("end early: %d %s", rec.Code, rec.Body.String())
	}
	if rec := e.do(http.MethodDelete, "/api/v1/maintenance-windows/"+doomed, owner.Token, nil); rec.Code != http.StatusNoContent {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body.String())
	}
	scan(w, 2)
	scan(w, 0)

	for deliverDue(t, outboxWorker(e)) > 0 {
	}
	want := []string{"maintenance.started", "maintenance.ended", "maintenance.started", "maintenance.started",
		"maintenance.ended", "maintenance.ended"}
	if got := receivedEvents(recv); !slices.Equal(got, want) {
		t.Fatalf("events = %v, want %v", got, want)
	}
	m := recv.envelopes[0]["data"].(map[string]any)["maintenance"].(map[string]any)
	if m["id"] != upgrade || m["name"] != "Upgrade" || m["starts_at"] != "2026-11-25T12:10:00Z" || m["ends_at"] != "2026-11-25T13:10:00Z" ||
		!slices.Equal(m["service_ids"].([]any), []any{svc}) || recv.envelopes[0]["timestamp"] != "2026-11-25T12:10:00Z" {
		t.Fatalf("started = %v", recv.envelopes[0])
	}
	ended := map[string]map[string]any{}
	for _, env := range recv.envelopes[4:] {
		m := env["data"].(map[string]any)["maintenance"].(map[string]any)
		ended[m["name"].(string)] = m
	}
	if ended["Early"]["ended_at"] != "2026-11-25T13:10:00Z" || ended["Doomed"]["id"] != doomed {
		t.Fatalf("ended = %v", ended)
	}
}

// A recurring window is announced per occurrence, with that occurrence's times.
func TestWebhookMaintenanceEventsRecurring(t *testing.T) {
	e, owner, recv := newHookEnv(t, http.StatusOK)
	subscribe(t, e, owner.Token, recv.URL, "maintenance.started", "maintenance.ended")
	rec := e.do(http.MethodPost, "/api/v1/maintenance-windows", owner.Token, map[string]any{"name": "Nightly",
		"starts_at": "2026-11-20T14:00:00Z", "timezone": "UTC", "recurrence": map[string]any{"type": "daily", "duration_minutes": 30}})
	if rec.Code != http.StatusCreated {
		t.Fatalf("create window: %d %s", rec.Code, rec.Body.String())
	}
	w := &alerting.MaintenanceEvents{Store: e.db, Now: e.clock.Now}
	// 12:00 → 14:05 (started) → 14:35 (ended) → next day 14:05 (started again).
	for _, step := range []struct {
		advance time.Duration
		want    int
	}{{0, 0}, {125 * time.Minute, 1}, {30 * time.Minute, 1}, {23*time.Hour + 30*time.Minute, 1}, {0, 0}} {
		e.clock.Advance(step.advance)
		if n, err := w.Scan(); err != nil || n != step.want {
			t.Fatalf("Scan at %v = %d, %v; want %d", e.clock.Now(), n, err, step.want)
		}
	}
	for deliverDue(t, outboxWorker(e)) > 0 {
	}
	if got := receivedEvents(recv); !slices.Equal(got, []string{"maintenance.started", "maintenance.ended", "maintenance.started"}) {
		t.Fatalf("events = %v", got)
	}
	for i, want := range []string{"2026-11-25T14:00:00Z", "2026-11-25T14:00:00Z", "2026-11-26T14:00:00Z"} {
		m := recv.envelopes[i]["data"].(map[string]any)["maintenance"].(map[string]any)
		if m["starts_at"] != want || m["recurring"] != true {
			t.Fatalf("event %d: maintenance = %v, want starts_at %s", i, m, want)
		}
	}
}
