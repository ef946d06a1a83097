package store

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"
)

// testEntry returns a channel entry for target due at due.
func testEntry(target string, due time.Time) *OutboxEntry {
	return &OutboxEntry{Kind: OutboxKindChannel, TargetID: target, Event: "alert.fired",
		Notification: json.RawMessage(`{"Title":"API down"}`), NextAttemptAt: due}
}

func mustEnqueue(t *testing.T, db *DB, orgID string, e *OutboxEntry) *OutboxEntry {
	t.Helper()
	if err := db.Enqueue(orgID, e); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	return e
}

func dueIDs(t *testing.T, db *DB, now time.Time, limit int) []string {
	t.Helper()
	due, err := db.DueOutbox(now, limit)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(due))
	for i, e := range due {
		ids[i] = e.ID
	}
	return ids
}

func TestOutboxDueAcrossOrganizations(t *testing.T) {
	db := openTestDB(t)
	_, a, _ := mustRegister(t, db, "ada@example.com", "Ada")
	_, b, _ := mustRegister(t, db, "bob@example.com", "Bob")
	t0 := testEpoch.Add(time.Hour)
	// Distinct destinations: within one destination creation order rules (outbox_dest_test.go).
	e1 := mustEnqueue(t, db, a.ID, testEntry("c3", t0.Add(10*time.Second)))
	e2 := mustEnqueue(t, db, a.ID, testEntry("c1", t0.Add(time.Second)))
	e3 := mustEnqueue(t, db, b.ID, testEntry("c2", t0.Add(5*time.Second)))
	mustEnqueue(t, db, b.ID, testEntry("c2", t0.Add(time.Hour)))

	if got, want := dueIDs(t, db, t0.Add(10*time.Second), 0), []string{e2.ID, e3.ID, e1.ID}; !slices.Equal(got, want) {
		t.Errorf("due = %v, want %v (longest due first, not yet due left out)", got, want)
	}
	if got, want := dueIDs(t, db, t0.Add(10*time.Second), 2), []string{e2.ID, e3.ID}; !slices.Equal(got, want) {
		t.Errorf("due with limit 2 = %v, want %v", got, want)
	}
	if got := dueIDs(t, db, t0, 0); len(got) != 0 {
		t.Errorf("nothing is due at t0, got %v", got)
	}
	due, _ := db.DueOutbox(t0.Add(time.Second), 1)
	if e := due[0]; e.OrgID != a.ID || e.Kind != OutboxKindChannel || e.TargetID != "c1" ||
		string(e.Notification) != `{"Title":"API down"}` || e.CreatedAt.IsZero() || !e.NextAttemptAt.Equal(t0.Add(time.Second)) {
		t.Errorf("entry did not round-trip: %+v", e)
	}
	if n, err := db.OutboxDepth(); err != nil || n != 4 {
		t.Errorf("OutboxDepth = %d, %v; want 4", n, err)
	}
}

func TestEnqueueValidation(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	dup := mustEnqueue(t, db, org.ID, testEntry("c1", time.Time{}))
	bad := map[string]*OutboxEntry{
		"kind":         {Kind: "sms", TargetID: "c1", Notification: json.RawMessage(`{}`)},
		"target":       {Kind: OutboxKindWebhook, Notification: json.RawMessage(`{}`)},
		"NUL target":   {Kind: OutboxKindEmail, TargetID: "a@b.c\x00x", Notification: json.RawMessage(`{}`)},
		"notification": {Kind: OutboxKindEmail, TargetID: "a@b.c", Notification: json.RawMessage(`{`)},
		"id":           {ID: "not-a-uuid", Kind: OutboxKindChannel, TargetID: "c1", Notification: json.RawMessage(`{}`)},
		"other org":    {OrgID: "someone-else", Kind: OutboxKindChannel, TargetID: "c1", Notification: json.RawMessage(`{}`)},
	}
	for name, e := range bad {
		// The valid first entry must roll back with the invalid one.
		if err := db.Enqueue(org.ID, testEntry("c9", time.Time{}), e); err == nil {
			t.Errorf("%s: Enqueue accepted %+v", name, e)
		}
	}
	if err := db.Enqueue(org.ID, &OutboxEntry{ID: dup.ID, Kind: OutboxKindChannel, TargetID: "c1", Notification: json.RawMessage(`{}`)}); !errors.Is(err, ErrConflict) {
		t.Errorf("duplicate id: %v, want ErrConflict", err)
	}
	if err := db.Enqueue("no-such-org", testEntry("c1", time.Time{})); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown organization: %v, want ErrNotFound", err)
	}
	if n, _ := db.OutboxDepth(); n != 1 {
		t.Errorf("OutboxDepth = %d, want 1 (failed enqueues write nothing)", n)
	}
}

func TestEnqueueOutboxCommitsWithTheCallersTransaction(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	boom := errors.New("alert write failed")
	err := db.update("", nil, func(tx txn) error {
		e := testEntry("c1", time.Time{})
		e.OrgID = org.ID
		if err := db.enqueueOutbox(tx, e); err != nil {
			return err
		}
		return boom // the alert change failed: its notification must not survive
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if n, _ := db.OutboxDepth(); n != 0 {
		t.Fatalf("rolled-back enqueue left %d entries", n)
	}
	err = db.update("", nil, func(tx txn) error {
		e := testEntry("c1", time.Time{})
		e.OrgID = org.ID
		return db.enqueueOutbox(tx, e)
	})
	if n, _ := db.OutboxDepth(); err != nil || n != 1 {
		t.Fatalf("committed enqueue: depth %d, %v", n, err)
	}
}

func TestOutboxClaimRescheduleComplete(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	_, other, _ := mustRegister(t, db, "bob@example.com", "Bob")
	t0 := testEpoch.Add(time.Hour)
	e := mustEnqueue(t, db, org.ID, testEntry("c1", t0))

	claimed, err := db.ClaimOutbox(org.ID, e.ID, t0, t0.Add(45*time.Second))
	if err != nil || !claimed.LeaseUntil.Equal(t0.Add(45*time.Second)) || claimed.Attempts != 0 {
		t.Fatalf("ClaimOutbox = %+v, %v", claimed, err)
	}
	if ids := dueIDs(t, db, t0.Add(44*time.Second), 0); len(ids) != 0 {
		t.Errorf("a leased entry is due before its lease ends: %v", ids)
	}
	if _, err := db.ClaimOutbox(org.ID, e.ID, t0.Add(10*time.Second), t0.Add(time.Minute)); !errors.Is(err, ErrConflict) {
		t.Errorf("second claim during the lease: %v, want ErrConflict", err)
	}
	next := t0.Add(time.Minute)
	if err := db.RescheduleOutbox(org.ID, e.ID, next, DeliveryLog{At: t0.Add(time.Second), StatusCode: 500, Response: "boom", Error: "HTTP 500"}, "HTTP 500", 500); err != nil {
		t.Fatal(err)
	}
	if ids := dueIDs(t, db, next.Add(-time.Nanosecond), 0); len(ids) != 0 {
		t.Errorf("due before its retry time: %v", ids)
	}
	due, _ := db.DueOutbox(next, 0)
	if len(due) != 1 || due[0].Attempts != 1 || due[0].LastStatus != 500 || due[0].LastError != "HTTP 500" || !due[0].LeaseUntil.IsZero() {
		t.Fatalf("after reschedule: %+v", due)
	}
	if err := db.CompleteOutbox(other.ID, e.ID, DeliveryLog{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("another organization completed it: %v", err)
	}
	if _, err := db.ClaimOutbox(org.ID, e.ID, next, next.Add(45*time.Second)); err != nil {
		t.Fatal(err)
	}
	if err := db.CompleteOutbox(org.ID, e.ID, DeliveryLog{At: next.Add(time.Second), StatusCode: 200}); err != nil {
		t.Fatal(err)
	}
	if err := db.CompleteOutbox(org.ID, e.ID, DeliveryLog{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("second completion: %v, want ErrNotFound", err)
	}
	if n, _ := db.OutboxDepth(); n != 0 {
		t.Errorf("OutboxDepth = %d after completion", n)
	}
	logs, _, err := db.Deliveries(org.ID, DeliveryFilter{})
	if err != nil || len(logs) != 2 {
		t.Fatalf("Deliveries = %+v, %v", logs, err)
	}
	if l := logs[0]; l.Outcome != DeliveryDelivered || l.Attempt != 2 || l.StatusCode != 200 || l.EntryID != e.ID || l.TargetID != "c1" || l.Event != "alert.fired" {
		t.Errorf("newest log = %+v", l)
	}
	if l := logs[1]; l.Outcome != DeliveryRetry || l.Attempt != 1 || l.StatusCode != 500 || l.Response != "boom" || l.Kind != OutboxKindChannel {
		t.Errorf("oldest log = %+v", l)
	}
}

func TestOutboxExpiredLeaseCountsTheLostAttempt(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	t0 := testEpoch.Add(time.Hour)
	e := mustEnqueue(t, db, org.ID, testEntry("c1", t0))
	lease := t0.Add(45 * time.Second)
	if _, err := db.ClaimOutbox(org.ID, e.ID, t0, lease); err != nil {
		t.Fatal(err)
	}
	// The sender died; the next one finds the entry when the lease runs out.
	again, err := db.ClaimOutbox(org.ID, e.ID, lease, lease.Add(45*time.Second))
	if err != nil || again.Attempts != 1 || again.LastError != errLostAttempt {
		t.Fatalf("reclaim = %+v, %v", again, err)
	}
	logs, _, _ := db.Deliveries(org.ID, DeliveryFilter{EntryID: e.ID})
	if len(logs) != 1 || logs[0].Outcome != DeliveryRetry || logs[0].Error != errLostAttempt || logs[0].Attempt != 1 {
		t.Errorf("lost attempt log = %+v", logs)
	}
}
