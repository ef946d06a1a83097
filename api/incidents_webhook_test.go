package api

import (
	"net/http"
	"slices"
	"testing"
)

// Incident changes reach webhook subscribers as signed incident.* envelopes with the
// allow-listed data.incident object.
func TestIncidentWebhookEvents(t *testing.T) {
	e := newTestEnv(t)
	s := newStatusFixture(t, e) // opened the incident and posted "identified"
	recv := newHookReceiver(t, testWebhookSecret, http.StatusOK)
	subscribe(t, e, s.f.owner.Token, recv.URL, "incident.created", "incident.updated", "incident.resolved")
	one := "/api/v1/status-pages/" + s.pageID + "/incidents/" + s.incidentID
	steps := []struct{ method, path string }{{"POST", one + "/updates"}, {"PUT", one}, {"DELETE", one}}
	bodies := []any{map[string]any{"status": "resolved", "message": "Fixed."}, map[string]any{"postmortem": "Disk full."}, nil}
	for i, st := range steps {
		if rec := e.do(st.method, st.path, s.f.memberTok, bodies[i]); rec.Code >= 300 {
			t.Fatalf("%s %s: %d %s", st.method, st.path, rec.Code, rec.Body.String())
		}
	}
	if n := deliverDue(t, outboxWorker(e)); n != 3 {
		t.Fatalf("attempted %d deliveries, want 3", n)
	}
	if got := receivedEvents(recv); !slices.Equal(got, []string{"incident.resolved", "incident.updated", "incident.updated"}) {
		t.Fatalf("events = %v", got)
	}
	inc := recv.envelopes[0]["data"].(map[string]any)["incident"].(map[string]any)
	page := inc["page"].(map[string]any)
	latest := inc["latest_update"].(map[string]any)
	comps := inc["components"].([]any)
	if inc["id"] != s.incidentID || inc["status"] != "resolved" || inc["severity"] != "major" || page["slug"] != s.slug ||
		latest["message"] != "Fixed." || len(comps) != 1 || comps[0].(map[string]any)["name"] != "API" || inc["resolved_at"] == nil {
		t.Fatalf("data.incident = %v", inc)
	}
	if recv.envelopes[2]["data"].(map[string]any)["incident"].(map[string]any)["deleted"] != true {
		t.Fatalf("delete envelope = %v", recv.envelopes[2])
	}
}
