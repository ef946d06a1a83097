package store

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

func TestPruneAlertsKeepsOpenAndRecentlyResolved(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	_, other, _ := mustRegister(t, db, "bob@example.com", "Bob")
	svc := mustCreateService(t, db, org.ID, "api")
	otherSvc := mustCreateService(t, db, other.ID, "api")
	resolve := func(orgID, id string, at time.Time) {
		t.Helper()
		if _, err := db.UpdateAlert(orgID, id, func(_ *AlertTx, a *Alert) error {
			a.Status, a.ResolvedAt, a.ResolvedBy = AlertResolved, &at, ResolvedByAuto
			return nil
		}, nil); err != nil {
			t.Fatal(err)
		}
	}
	// Alert IDs carry their firing time (UUIDv7), which is the real clock here.
	now := time.Now()
	old := openAlertFor(t, db, org.ID, "r1", svc.ID)
	resolve(org.ID, old.ID, now.Add(-time.Hour))
	recent := openAlertFor(t, db, org.ID, "r2", svc.ID)
	resolve(org.ID, recent.ID, now.Add(time.Hour))
	open := openAlertFor(t, db, org.ID, "r3", svc.ID)
	theirs := openAlertFor(t, db, other.ID, "r1", otherSvc.ID)
	resolve(other.ID, theirs.ID, now.Add(-time.Hour))

	// The cutoff lies after every alert's firing time, so only the resolution times decide.
	n, err := db.PruneAlerts(org.ID, now.Add(time.Minute))
	if err != nil || n != 1 {
		t.Fatalf("PruneAlerts = %d, %v; want 1", n, err)
	}
	for _, id := range []string{recent.ID, open.ID} {
		if _, err := db.Alert(org.ID, id); err != nil {
			t.Errorf("alert %s was pruned: %v", id, err)
		}
	}
	if _, err := db.Alert(org.ID, old.ID); err == nil {
		t.Error("the old resolved alert is still there")
	}
	if _, err := db.Alert(other.ID, theirs.ID); err != nil {
		t.Errorf("another organization's alert was pruned: %v", err)
	}
	// A cutoff before every firing time stops at the first key and deletes nothing.
	if id := uuid.MustParse(recent.ID); id.Version() != 7 {
		t.Fatalf("alert IDs are not UUIDv7: %s", recent.ID)
	}
	if n, err := db.PruneAlerts(other.ID, now.Add(-24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("PruneAlerts before every firing = %d, %v", n, err)
	}
}
