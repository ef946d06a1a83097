package store

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"
)

// incidentRecorder collects emitted events and hook calls of one database.
type incidentRecorder struct {
	events []string
	data   []map[string]any
	kinds  []string
}

func recordIncidents(db *DB) *incidentRecorder {
	r := &incidentRecorder{}
	db.eventSinks = append(db.eventSinks, func(_ txn, _ string, ev *Event) error {
		raw, _ := json.Marshal(ev.Data)
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		r.events, r.data = append(r.events, ev.Name), append(r.data, m)
		return nil
	})
	db.afterIncident = append(db.afterIncident, func(tx txn, ev *IncidentChange) error {
		if ev.Page == nil || ev.Incident == nil || ev.OrgID == "" || !tx.Writable() {
			return errors.New("incomplete change")
		}
		r.kinds = append(r.kinds, ev.Kind)
		return nil
	})
	return r
}

func TestIncidentLifecycleEmitsEventsAndHooks(t *testing.T) {
	db := openTestDB(t)
	org, other := mustOrg(t, db, "ada"), mustOrg(t, db, "bob")
	rec := recordIncidents(db)
	page := &StatusPage{Name: "Acme", Slug: "acme", Components: []Component{{ID: "c1", Name: "API", ServiceID: "s1"}}}
	second := &StatusPage{Name: "Other", Slug: "other"}
	for _, p := range []*StatusPage{page, second} {
		if err := db.CreateStatusPage(org, p, nil); err != nil {
			t.Fatal(err)
		}
	}
	inc := &Incident{Title: "API down", Severity: SeverityMajor, AffectedComponentIDs: []string{"c1"}}
	if err := db.CreateIncident(org, page.ID, inc, IncidentUpdate{Status: IncidentInvestigating, Message: "Looking", CreatedBy: "u1"}, nil); err != nil {
		t.Fatal(err)
	}
	if inc.Status != IncidentInvestigating || len(inc.Updates) != 1 || inc.Updates[0].ID == "" || inc.ResolvedAt != nil {
		t.Fatalf("created = %+v", inc)
	}
	// Another organization and another page of the same organization see nothing.
	if _, err := db.Incident(other, page.ID, inc.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("other org: %v", err)
	}
	if _, err := db.Incident(org, second.ID, inc.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("other page: %v", err)
	}
	if _, err := db.AddIncidentUpdate(org, second.ID, inc.ID, IncidentUpdate{Status: IncidentResolved}, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("update through other page: %v", err)
	}
	if list, err := db.Incidents(org, second.ID); err != nil || len(list) != 0 {
		t.Errorf("other page list = %v %v", list, err)
	}
	if _, err := db.Incidents(other, page.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("other org list: %v", err)
	}
	got, err := db.AddIncidentUpdate(org, page.ID, inc.ID, IncidentUpdate{Status: IncidentIdentified, Message: "Found it"}, nil)
	if err != nil || got.Status != IncidentIdentified || len(got.Updates) != 2 {
		t.Fatalf("update = %+v, %v", got, err)
	}
	got, err = db.AddIncidentUpdate(org, page.ID, inc.ID, IncidentUpdate{Status: IncidentResolved, Message: "Fixed"}, nil)
	if err != nil || got.Status != IncidentResolved || got.ResolvedAt == nil {
		t.Fatalf("resolve = %+v, %v", got, err)
	}
	// An edit keeps the status and the timeline whatever fn does to them.
	got, err = db.UpdateIncident(org, page.ID, inc.ID, func(i *Incident) error {
		i.Postmortem, i.Status, i.Updates = "Root cause: a full disk.", IncidentInvestigating, nil
		return nil
	}, nil)
	if err != nil || got.Postmortem == "" || got.Status != IncidentResolved || len(got.Updates) != 3 {
		t.Fatalf("edit = %+v, %v", got, err)
	}
	// Reopening clears resolved_at.
	got, err = db.AddIncidentUpdate(org, page.ID, inc.ID, IncidentUpdate{Status: IncidentMonitoring, Message: "Again"}, nil)
	if err != nil || got.ResolvedAt != nil {
		t.Fatalf("reopen = %+v, %v", got, err)
	}
	if err := db.DeleteIncident(org, page.ID, inc.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Incident(org, page.ID, inc.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted incident: %v", err)
	}
	wantEvents := []string{"incident.created", "incident.updated", "incident.resolved", "incident.updated", "incident.updated", "incident.updated"}
	wantKinds := []string{"created", "updated", "resolved", "updated", "updated", "deleted"}
	if !slices.Equal(rec.events, wantEvents) || !slices.Equal(rec.kinds, wantKinds) {
		t.Fatalf("events %v kinds %v", rec.events, rec.kinds)
	}
	first := rec.data[0]["incident"].(map[string]any)
	pg := first["page"].(map[string]any)
	comps := first["components"].([]any)
	latest := first["latest_update"].(map[string]any)
	if first["title"] != "API down" || pg["slug"] != "acme" || len(comps) != 1 || comps[0].(map[string]any)["name"] != "API" || latest["message"] != "Looking" {
		t.Errorf("incident.created data = %v", first)
	}
	if rec.data[5]["incident"].(map[string]any)["deleted"] != true {
		t.Errorf("delete data = %v", rec.data[5])
	}
}

func TestIncidentHookErrorRollsBack(t *testing.T) {
	db := openTestDB(t)
	org := mustOrg(t, db, "ada")
	page := &StatusPage{Name: "Acme", Slug: "acme"}
	if err := db.CreateStatusPage(org, page, nil); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	db.afterIncident = append(db.afterIncident, func(txn, *IncidentChange) error { return boom })
	if err := db.CreateIncident(org, page.ID, &Incident{Title: "t"}, IncidentUpdate{Status: IncidentInvestigating}, nil); !errors.Is(err, boom) {
		t.Fatalf("hook error: %v", err)
	}
	if list, _ := db.Incidents(org, page.ID); len(list) != 0 {
		t.Fatalf("incident committed despite the hook error: %v", list)
	}
}

func TestIncidentsNewestFirstAndRecentCutoff(t *testing.T) {
	db := openTestDB(t) // tickClock: one second per stamp
	org := mustOrg(t, db, "ada")
	page := &StatusPage{Name: "Acme", Slug: "acme", IsPublic: true}
	if err := db.CreateStatusPage(org, page, nil); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, st := range []string{IncidentResolved, IncidentInvestigating, IncidentResolved} {
		inc := &Incident{Title: st}
		if err := db.CreateIncident(org, page.ID, inc, IncidentUpdate{Status: st}, nil); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, inc.ID)
	}
	list, err := db.Incidents(org, page.ID)
	if err != nil || len(list) != 3 || list[0].ID != ids[2] || list[2].ID != ids[0] {
		t.Fatalf("list = %v, %v", list, err)
	}
	first, _ := db.Incident(org, page.ID, ids[0])
	snap, err := db.StatusPageSnapshot("acme", 1, first.ResolvedAt.Add(time.Nanosecond))
	if err != nil || len(snap.Incidents) != 2 || snap.Incidents[0].ID != ids[2] || snap.Incidents[1].ID != ids[1] {
		t.Fatalf("snapshot incidents = %+v, %v", snap.Incidents, err)
	}
}
