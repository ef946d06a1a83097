package store

import (
	"path/filepath"
	"testing"
	"time"
)

// A file of schema version 2 has no member_ids or alert_open_ids: opening it with this
// binary builds both, so the member list and the open-alert list (which walk them) still
// show every member and every open alert, and only open ones.
func TestMigrationBuildsListIndexes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v2.db")
	v2, err := open(path, testOptions(Options{Now: tickClock()}), schemaMigrations()[:2])
	if err != nil {
		t.Fatal(err)
	}
	owner, org, _ := mustRegister(t, v2, "ada@example.com", "Ada")
	bob, _, _ := mustRegister(t, v2, "bob@example.com", "Bob")
	if err := v2.AddMember(org.ID, &Membership{UserID: bob.ID, Role: "viewer"}, nil); err != nil {
		t.Fatal(err)
	}
	svc := mustCreateService(t, v2, org.ID, "api")
	open1 := openAlertFor(t, v2, org.ID, "rule-a", svc.ID)
	resolved := openAlertFor(t, v2, org.ID, "rule-b", svc.ID)
	now := testEpoch.Add(time.Hour)
	if _, err := v2.UpdateAlert(org.ID, resolved.ID, func(_ *AlertTx, a *Alert) error {
		a.Status, a.ResolvedAt = AlertResolved, &now
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	// This binary writes the indexes as it goes; a version-2 binary did not.
	if err := v2.update("", nil, func(tx txn) error {
		ob, err := orgBucket(tx, org.ID)
		if err != nil {
			return err
		}
		for _, name := range []string{subMemberIDs, subAlertOpenIDs} {
			if err := ob.DeleteBucket([]byte(name)); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := v2.Close(); err != nil {
		t.Fatal(err)
	}

	db := openTestDBAt(t, path, Options{Now: tickClock()})
	members, _, err := db.ListMembers(org.ID, ListQuery{})
	if err != nil || len(members) != 2 || members[0].UserID != owner.ID || members[1].UserID != bob.ID {
		t.Fatalf("members after migration = %+v, %v", members, err)
	}
	alerts, _, err := db.Alerts(org.ID, AlertFilter{})
	if err != nil || len(alerts) != 1 || alerts[0].ID != open1.ID {
		t.Fatalf("open alerts after migration = %+v, %v", alerts, err)
	}
}
