package store

import (
	"errors"
	"testing"
	"time"
)

func TestStatusPageCRUDAndSlugIndex(t *testing.T) {
	db := openTestDB(t)
	org, other := mustOrg(t, db, "ada"), mustOrg(t, db, "bob")
	p := &StatusPage{Name: "Acme", Slug: "acme", IsPublic: true, HistoryDays: 90,
		Components: []Component{{ID: "c1", Name: "API", ServiceID: "s1"}}}
	if err := db.CreateStatusPage(org, p, nil); err != nil {
		t.Fatal(err)
	}
	if p.ID == "" || p.OrgID != org || p.CreatedAt.IsZero() {
		t.Fatalf("create did not fill: %+v", p)
	}
	// Slugs are unique across the instance, whatever the case.
	if err := db.CreateStatusPage(other, &StatusPage{Name: "x", Slug: "ACME"}, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("taken slug in another org: %v", err)
	}
	if got, err := db.PublicStatusPage("acme"); err != nil || got.ID != p.ID || got.OrgID != org {
		t.Fatalf("PublicStatusPage = %+v, %v", got, err)
	}
	// Tenant isolation on every method.
	if _, err := db.StatusPage(other, p.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("other org get: %v", err)
	}
	if list, err := db.StatusPages(other); err != nil || len(list) != 0 {
		t.Errorf("other org list: %v %v", list, err)
	}
	if _, err := db.UpdateStatusPage(other, p.ID, func(*StatusPage) error { return nil }, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("other org update: %v", err)
	}
	if err := db.DeleteStatusPage(other, p.ID, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("other org delete: %v", err)
	}
	// Renaming the slug frees the old one; taking a used one is a conflict.
	q := &StatusPage{Name: "Beta", Slug: "beta"}
	if err := db.CreateStatusPage(other, q, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.UpdateStatusPage(org, p.ID, func(s *StatusPage) error { s.Slug = "beta"; return nil }, nil); !errors.Is(err, ErrConflict) {
		t.Fatalf("rename onto a taken slug: %v", err)
	}
	upd, err := db.UpdateStatusPage(org, p.ID, func(s *StatusPage) error { s.Slug, s.ID, s.OrgID = "acme-2", "x", other; return nil }, nil)
	if err != nil || upd.Slug != "acme-2" || upd.ID != p.ID || upd.OrgID != org {
		t.Fatalf("rename = %+v, %v", upd, err)
	}
	if _, err := db.PublicStatusPage("acme"); !errors.Is(err, ErrNotFound) {
		t.Errorf("old slug still resolves: %v", err)
	}
	if err := db.CreateStatusPage(other, &StatusPage{Name: "Acme again", Slug: "acme"}, nil); err != nil {
		t.Errorf("freed slug not reusable: %v", err)
	}
	// Deleting a page deletes its incidents and frees its slug.
	inc := &Incident{Title: "Down", Severity: SeverityMajor}
	if err := db.CreateIncident(org, p.ID, inc, IncidentUpdate{Status: IncidentInvestigating, Message: "m"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteStatusPage(org, p.ID, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Incident(org, p.ID, inc.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("incident survived its page: %v", err)
	}
	if _, err := db.PublicStatusPage("acme-2"); !errors.Is(err, ErrNotFound) {
		t.Errorf("deleted page's slug resolves: %v", err)
	}
	if err := db.CreateStatusPage(org, &StatusPage{Name: "n", Slug: "acme-2"}, nil); err != nil {
		t.Errorf("deleted page's slug not free: %v", err)
	}
}

func TestStatusPageSlugFreedWithOrganization(t *testing.T) {
	db := openTestDB(t)
	org := mustOrg(t, db, "ada")
	if err := db.CreateStatusPage(org, &StatusPage{Name: "Acme", Slug: "acme"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteOrganization(org); err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublicStatusPage("acme"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("slug of a deleted organization resolves: %v", err)
	}
}

func TestStatusPageSnapshotReadsDailyRollups(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	db, clock, org := openSeriesDB(t, now)
	svcs := createServices(t, db, org.ID, 2, time.Minute)
	hb := mustHeartbeat(t, db, org.ID, "backup-key")
	p := &StatusPage{Name: "Acme", Slug: "acme", IsPublic: true, Components: []Component{
		{ID: "c1", Name: "API", ServiceID: svcs[0].ID}, {ID: "c2", Name: "Gone", ServiceID: "00000000-0000-0000-0000-000000000000"},
		{ID: "c3", Name: "Backup", HeartbeatID: hb.ID}, {ID: "c4", Name: "Gone job", HeartbeatID: "00000000-0000-0000-0000-000000000001"}}}
	if err := db.CreateStatusPage(org.ID, p, nil); err != nil {
		t.Fatal(err)
	}
	// Two days ago: 3 up, 1 down; today: 2 up.
	d2 := now.AddDate(0, 0, -2)
	mustRecord(t, db, result(org.ID, svcs[0].ID, d2, StatusGreen, 10), result(org.ID, svcs[0].ID, d2.Add(time.Minute), StatusGreen, 10),
		result(org.ID, svcs[0].ID, d2.Add(2*time.Minute), StatusRed, 0), result(org.ID, svcs[0].ID, d2.Add(3*time.Minute), StatusGreen, 10))
	mustRecord(t, db, result(org.ID, svcs[0].ID, now.Add(-time.Hour), StatusGreen, 10), result(org.ID, svcs[0].ID, now.Add(-time.Minute), StatusYellow, 900))
	clock.Set(now)
	snap, err := db.StatusPageSnapshot("ACME", 3, now.AddDate(0, 0, -14))
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Services) != 1 || snap.Services[svcs[0].ID].Status != StatusYellow {
		t.Fatalf("services = %+v (the deleted one must be absent)", snap.Services)
	}
	if len(snap.Heartbeats) != 1 || snap.Heartbeats[hb.ID].Status != HeartbeatHealthy || snap.Heartbeats[hb.ID].Name != hb.Name {
		t.Fatalf("heartbeats = %+v (the deleted one must be absent)", snap.Heartbeats)
	}
	days := snap.Daily[svcs[0].ID]
	if len(days) != 3 || !days[2].Day.Equal(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("days = %+v", days)
	}
	if d := days[0]; d.Total != 4 || d.Down != 1 || d.UptimePercentage != 75 || d.Status != StatusRed {
		t.Errorf("two days ago = %+v", d)
	}
	if d := days[1]; d.Total != 0 || d.Status != "" || d.UptimePercentage != 100 {
		t.Errorf("empty day = %+v", d)
	}
	if d := days[2]; d.Total != 2 || d.Degraded != 1 || d.Status != StatusYellow {
		t.Errorf("today = %+v", d)
	}
	if _, err := db.StatusPageSnapshot("nope", 3, now); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown slug: %v", err)
	}
}
