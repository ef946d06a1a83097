package store

import (
	"testing"
	"time"
)

// A new leader takes back at once the entries leased in earlier terms — the claim that
// follows counts the lost attempt and keeps the ID — and leaves its own term's leases and
// the entries waiting for a retry alone.
func TestReleaseOutboxLeasesOfEarlierTerms(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	t0 := testEpoch.Add(time.Hour)
	old := mustEnqueue(t, db, org.ID, testEntry("c1", t0))
	own := mustEnqueue(t, db, org.ID, testEntry("c2", t0))
	retry := mustEnqueue(t, db, org.ID, testEntry("c3", t0))
	lease := t0.Add(45 * time.Second)
	if _, err := db.ClaimOutboxInTerm(org.ID, old.ID, t0, lease, 3); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimOutboxInTerm(org.ID, own.ID, t0, lease, 5); err != nil {
		t.Fatal(err)
	}
	if err := db.RescheduleOutbox(org.ID, retry.ID, t0.Add(time.Minute), DeliveryLog{At: t0}, "HTTP 500", 500); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(2 * time.Second)
	if ids := dueIDs(t, db, now, 0); len(ids) != 0 {
		t.Fatalf("due before the release: %v", ids)
	}
	n, err := db.ReleaseOutboxLeases(5, now)
	if err != nil || n != 1 {
		t.Fatalf("ReleaseOutboxLeases = %d, %v; want 1 (the term-3 lease)", n, err)
	}
	if ids := dueIDs(t, db, now, 0); len(ids) != 1 || ids[0] != old.ID {
		t.Fatalf("due after the release: %v, want only the entry of term 3", ids)
	}
	again, err := db.ClaimOutboxInTerm(org.ID, old.ID, now, now.Add(45*time.Second), 5)
	if err != nil || again.ID != old.ID || again.Attempts != 1 || again.LastError != errLostAttempt || again.LeaseTerm != 5 {
		t.Fatalf("claim after the release = %+v, %v", again, err)
	}
	if n, err := db.ReleaseOutboxLeases(5, now); err != nil || n != 0 {
		t.Errorf("a second release in the same term: %d, %v; want nothing", n, err)
	}
}
