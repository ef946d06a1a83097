package api

import (
	"testing"
)

// TestPeopleAreNamed: the alert, audit and invitation views name the people they record
// (who acknowledged and resolved, who wrote a note, who acted, who invited), next to the
// IDs they always had, so the UI never has to show a UUID.
func TestPeopleAreNamed(t *testing.T) {
	e, _ := newAlertEnv(t)
	owner := e.newUser("owner@example.com", "Grace Hopper")
	_, al := e.firingService(owner.Token, owner.OrgID, "api", "critical")
	for _, step := range []struct{ path, body string }{
		{"/api/v1/alerts/" + al.ID + "/acknowledge", ""},
		{"/api/v1/alerts/" + al.ID + "/notes", "looking"},
		{"/api/v1/alerts/" + al.ID + "/resolve", ""},
	} {
		body := map[string]any{}
		if step.body != "" {
			body["text"] = step.body
		}
		if rec := e.do("POST", step.path, owner.Token, body); rec.Code/100 != 2 {
			t.Fatalf("%s: %d %s", step.path, rec.Code, rec.Body.String())
		}
	}
	got := decode[alertView](t, e.do("GET", "/api/v1/alerts/"+al.ID, owner.Token, nil))
	if deref(got.AcknowledgedBy) != owner.ID || deref(got.AcknowledgedByName) != "Grace Hopper" ||
		deref(got.ResolvedByName) != "Grace Hopper" {
		t.Errorf("alert people: acknowledged by %v (%v), resolved by %v", deref(got.AcknowledgedBy), deref(got.AcknowledgedByName), deref(got.ResolvedByName))
	}
	if len(got.Notes) != 1 || got.Notes[0].UserID != owner.ID || deref(got.Notes[0].UserName) != "Grace Hopper" {
		t.Errorf("notes = %+v", got.Notes)
	}
	list := decode[[]alertView](t, e.do("GET", "/api/v1/alerts?status=all", owner.Token, nil))
	if len(list) != 1 || deref(list[0].ResolvedByName) != "Grace Hopper" {
		t.Errorf("alert list does not name the resolver: %+v", list)
	}

	audit := decode[[]auditEntryView](t, e.do("GET", "/api/v1/audit-logs?event=alert.acknowledged", owner.Token, nil))
	if len(audit) != 1 || audit[0].Actor.ID != owner.ID || deref(audit[0].Actor.Name) != "Grace Hopper" {
		t.Errorf("audit actor = %+v", audit)
	}

	if rec := e.do("POST", "/api/v1/members", owner.Token, map[string]any{"email": "new@example.com", "role": "viewer"}); rec.Code != 201 {
		t.Fatalf("invite: %d %s", rec.Code, rec.Body.String())
	}
	invs := decode[[]invitationView](t, e.do("GET", "/api/v1/members/invitations", owner.Token, nil))
	if len(invs) != 1 || invs[0].InvitedBy != owner.ID || deref(invs[0].InvitedByName) != "Grace Hopper" {
		t.Errorf("invitations = %+v", invs)
	}
}
