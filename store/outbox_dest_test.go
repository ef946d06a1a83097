package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// eventEntry is a channel entry for target with the given event, due at once.
func eventEntry(target, event string) *OutboxEntry {
	e := testEntry(target, time.Time{})
	e.Event = event
	return e
}

func TestOutboxDestinationWaitsForItsRescheduledHead(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	fired := mustEnqueue(t, db, org.ID, eventEntry("pd", "alert.fired"))
	resolved := mustEnqueue(t, db, org.ID, eventEntry("pd", "alert.resolved"))
	other := mustEnqueue(t, db, org.ID, eventEntry("slack", "alert.fired"))
	now := resolved.CreatedAt.Add(time.Second)

	if got, want := dueIDs(t, db, now, 0), []string{fired.ID, other.ID, resolved.ID}; !slices.Equal(got, want) {
		t.Fatalf("due = %v, want %v (heads first, then the run behind pd's head)", got, want)
	}
	if _, err := db.ClaimOutbox(org.ID, resolved.ID, now, now.Add(time.Minute)); !errors.Is(err, ErrConflict) {
		t.Fatalf("claimed resolved ahead of fired: %v, want ErrConflict", err)
	}
	if _, err := db.ClaimOutbox(org.ID, fired.ID, now, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	// Leased: pd is busy, slack is not.
	if got, want := dueIDs(t, db, now, 0), []string{other.ID}; !slices.Equal(got, want) {
		t.Errorf("due while fired is leased = %v, want %v", got, want)
	}
	retry := now.Add(10 * time.Second)
	if err := db.RescheduleOutbox(org.ID, fired.ID, retry, DeliveryLog{At: now, StatusCode: 500}, "HTTP 500", 500); err != nil {
		t.Fatal(err)
	}
	// Rescheduled: resolved is due by its own time but still waits.
	if got, want := dueIDs(t, db, retry.Add(-time.Nanosecond), 0), []string{other.ID}; !slices.Equal(got, want) {
		t.Errorf("due before fired's retry = %v, want %v", got, want)
	}
	if _, err := db.ClaimOutbox(org.ID, resolved.ID, retry, retry.Add(time.Minute)); !errors.Is(err, ErrConflict) {
		t.Errorf("claimed resolved while fired waits for its retry: %v", err)
	}
	if got, want := dueIDs(t, db, retry, 0), []string{other.ID, fired.ID, resolved.ID}; !slices.Equal(got, want) {
		t.Errorf("due at the retry = %v, want %v", got, want)
	}
	if _, err := db.ClaimOutbox(org.ID, fired.ID, retry, retry.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.CompleteOutbox(org.ID, fired.ID, DeliveryLog{At: retry}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimOutbox(org.ID, resolved.ID, retry, retry.Add(time.Minute)); err != nil {
		t.Errorf("resolved after fired was delivered: %v", err)
	}
}

func TestOutboxDeadLetteredHeadUnblocksAndReplayBlocksAgain(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	fired := mustEnqueue(t, db, org.ID, eventEntry("pd", "alert.fired"))
	resolved := mustEnqueue(t, db, org.ID, eventEntry("pd", "alert.resolved"))
	now := resolved.CreatedAt.Add(time.Second)
	if _, err := db.ClaimOutbox(org.ID, fired.ID, now, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.DeadLetter(org.ID, fired.ID, DeliveryLog{At: now, Outcome: DeliveryPermanent}, "HTTP 400"); err != nil {
		t.Fatal(err)
	}
	if got, want := dueIDs(t, db, now, 0), []string{resolved.ID}; !slices.Equal(got, want) {
		t.Errorf("due after the head was dead-lettered = %v, want %v", got, want)
	}
	// Replaying the older entry makes it the head again: creation order, not replay order.
	if err := db.ReplayDeadLetter(org.ID, fired.ID, now, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ClaimOutbox(org.ID, resolved.ID, now, now.Add(time.Minute)); !errors.Is(err, ErrConflict) {
		t.Errorf("claimed resolved ahead of the replayed fired: %v", err)
	}
	if got, want := dueIDs(t, db, now, 0), []string{fired.ID, resolved.ID}; !slices.Equal(got, want) {
		t.Errorf("due after the replay = %v, want %v", got, want)
	}
}

func TestOutboxDueLimitKeepsEveryRunsPrefix(t *testing.T) {
	db := openTestDB(t)
	_, a, _ := mustRegister(t, db, "ada@example.com", "Ada")
	_, b, _ := mustRegister(t, db, "bob@example.com", "Bob")
	var busy []string
	for range 4 {
		busy = append(busy, mustEnqueue(t, db, a.ID, testEntry("busy", time.Time{})).ID)
	}
	quiet := mustEnqueue(t, db, b.ID, testEntry("busy", time.Time{})) // same target, other org
	same := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)               // one transaction's stamp
	x, y := testEntry("tie", same), testEntry("tie", same)
	x.CreatedAt, y.CreatedAt = same, same
	if err := db.Enqueue(a.ID, x, y); err != nil {
		t.Fatal(err)
	}
	now := same.Add(time.Hour)
	if got, want := dueIDs(t, db, now, 3), []string{busy[0], quiet.ID, x.ID}; !slices.Equal(got, want) {
		t.Errorf("due with limit 3 = %v, want the three heads %v", got, want)
	}
	// Then the backlogs, destination by destination in the heads' order.
	if got, want := dueIDs(t, db, now, 5), []string{busy[0], quiet.ID, x.ID, busy[1], busy[2]}; !slices.Equal(got, want) {
		t.Errorf("due with limit 5 = %v, want %v", got, want)
	}
	want := []string{busy[0], quiet.ID, x.ID, busy[1], busy[2], busy[3], y.ID}
	if got := dueIDs(t, db, now, 0); !slices.Equal(got, want) {
		t.Errorf("due = %v, want %v (equal CreatedAt ordered by UUIDv7)", got, want)
	}
}

func TestOutboxDestinationOrderSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "alertifypro.db")
	opts := Options{Now: tickClock()}
	db := openTestDBAt(t, path, opts)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	fired := mustEnqueue(t, db, org.ID, eventEntry("pd", "alert.fired"))
	resolved := mustEnqueue(t, db, org.ID, eventEntry("pd", "alert.resolved"))
	now := resolved.CreatedAt.Add(time.Second)
	if _, err := db.ClaimOutbox(org.ID, fired.ID, now, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.RescheduleOutbox(org.ID, fired.ID, now.Add(time.Minute), DeliveryLog{At: now}, "HTTP 500", 500); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = openTestDBAt(t, path, opts)
	if got := dueIDs(t, db, now.Add(30*time.Second), 0); len(got) != 0 {
		t.Errorf("due after reopening, before fired's retry = %v, want none", got)
	}
	if got, want := dueIDs(t, db, now.Add(time.Minute), 0), []string{fired.ID, resolved.ID}; !slices.Equal(got, want) {
		t.Errorf("due after reopening = %v, want %v", got, want)
	}
}

// An outbox written before the destination index existed is indexed on first use, by a
// read (DueOutbox) or by a write (Enqueue), and keeps its order.
func TestOutboxWithoutDestinationIndexIsIndexed(t *testing.T) {
	for _, first := range []string{"due", "enqueue"} {
		t.Run(first, func(t *testing.T) {
			db := openTestDB(t)
			_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
			fired := mustEnqueue(t, db, org.ID, eventEntry("pd", "alert.fired"))
			resolved := mustEnqueue(t, db, org.ID, eventEntry("pd", "alert.resolved"))
			err := db.update("", nil, func(tx txn) error {
				ob, err := orgBucket(tx, org.ID)
				if err != nil {
					return err
				}
				return ob.DeleteBucket([]byte(subOutboxDest))
			})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{fired.ID, resolved.ID}
			if first == "enqueue" {
				want = append(want, mustEnqueue(t, db, org.ID, eventEntry("pd", "alert.resolved")).ID)
			}
			now := testEpoch.Add(time.Hour)
			if got := dueIDs(t, db, now, 0); !slices.Equal(got, want) {
				t.Errorf("due = %v, want %v", got, want)
			}
			if _, err := db.ClaimOutbox(org.ID, resolved.ID, now, now.Add(time.Minute)); !errors.Is(err, ErrConflict) {
				t.Errorf("claimed resolved ahead of fired after indexing: %v", err)
			}
		})
	}
}

// BenchmarkDueOutboxBlockedBacklog measures a pass over an outbox where one destination
// has a head waiting for its retry and a backlog of 10,000 due entries behind it, next
// to 50 destinations with one due entry each: the backlog costs one seek, not a scan.
func BenchmarkDueOutboxBlockedBacklog(b *testing.B) {
	db := openTestDB(b)
	_, org, _ := mustRegister(b, db, "ada@example.com", "Ada")
	head := testEntry("stuck", testEpoch.Add(90*24*time.Hour)) // rescheduled into the future
	if err := db.Enqueue(org.ID, head); err != nil {
		b.Fatal(err)
	}
	var batch []*OutboxEntry
	for i := range 10_000 {
		batch = append(batch, testEntry("stuck", time.Time{}))
		if len(batch) == 1000 || i == 9_999 {
			if err := db.Enqueue(org.ID, batch...); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	for i := range 50 {
		batch = append(batch, testEntry(fmt.Sprintf("c%d", i), time.Time{}))
	}
	if err := db.Enqueue(org.ID, batch...); err != nil {
		b.Fatal(err)
	}
	now := testEpoch.Add(48 * time.Hour) // after every CreatedAt (the clock ticks a second a stamp)
	b.ResetTimer()
	for b.Loop() {
		due, err := db.DueOutbox(now, 100)
		if err != nil || len(due) != 50 {
			b.Fatalf("due %d, %v; want the 50 free destinations", len(due), err)
		}
	}
}
