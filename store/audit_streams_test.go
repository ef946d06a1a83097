package store

import (
	"errors"
	"testing"
	"time"
)

// TestAuditAfterIsCommitOrder: an entry committed later with an earlier timestamp (its
// change was prepared first) still comes after the cursor, in commit order.
func TestAuditAfterIsCommitOrder(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	s := &AuditStream{Name: "siem", Type: "webhook", Enabled: true}
	if err := db.CreateAuditStream(org.ID, s, &Change{Audit: []*AuditEntry{{Event: "audit_stream.created"}}}); err != nil {
		t.Fatal(err)
	}
	for i, at := range []time.Time{testEpoch.Add(time.Hour), testEpoch, testEpoch.Add(30 * time.Minute)} {
		if err := db.AppendAudit(org.ID, &AuditEntry{Timestamp: at, Event: "test.event", Resource: AuditResource{ID: string(rune('a' + i))}}); err != nil {
			t.Fatal(err)
		}
	}
	got, last, err := db.AuditAfter(org.ID, s.State.Cursor, 100, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	order := ""
	for _, e := range got {
		order += e.Entry.Event + ":" + e.Entry.Resource.ID + " "
	}
	if want := "audit_stream.created: test.event:a test.event:b test.event:c "; order != want {
		t.Fatalf("order %q, want %q", order, want)
	}
	if last != got[len(got)-1].Seq {
		t.Fatalf("last = %d, want %d", last, got[len(got)-1].Seq)
	}
	// A limit and a byte budget cut the batch; at least one entry always comes.
	if got, _, _ := db.AuditAfter(org.ID, s.State.Cursor, 2, 1<<20); len(got) != 2 {
		t.Fatalf("limit 2 gave %d", len(got))
	}
	if got, _, _ := db.AuditAfter(org.ID, s.State.Cursor, 100, 1); len(got) != 1 {
		t.Fatalf("a 1-byte budget gave %d entries, want 1", len(got))
	}
}

// TestAuditStreamCursorIsCompareAndSet: the stream starts at its own creation entry, the
// cursor only moves from where the caller saw it, and edits keep the delivery state.
func TestAuditStreamCursorIsCompareAndSet(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	seedAudit(t, db, org.ID, 3) // logged before the stream: not streamed
	s := &AuditStream{Name: "siem", Type: "splunk_hec", Enabled: true}
	if err := db.CreateAuditStream(org.ID, s, &Change{Audit: []*AuditEntry{{Event: "audit_stream.created"}}}); err != nil {
		t.Fatal(err)
	}
	due, err := db.DueAuditStreams(time.Now())
	if err != nil || len(due) != 1 {
		t.Fatalf("due = %v, %v; want the new stream (its creation entry waits)", due, err)
	}
	got, last, err := db.AuditAfter(org.ID, s.State.Cursor, 100, 1<<20)
	if err != nil || len(got) != 1 || got[0].Entry.Event != "audit_stream.created" {
		t.Fatalf("first batch = %+v, %v", got, err)
	}
	if b, _ := db.AuditStreamBacklog(org.ID, s.State.Cursor); b.Entries != 1 || b.Oldest == nil {
		t.Fatalf("backlog = %+v", b)
	}
	now := time.Now()
	if err := db.FailAuditStream(org.ID, s.ID, s.State.Cursor, now, now.Add(time.Minute), "HTTP 503", 503); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.DueAuditStreams(now); len(due) != 0 {
		t.Fatalf("a stream in backoff is due: %+v", due)
	}
	if err := db.AdvanceAuditStream(org.ID, s.ID, s.State.Cursor, last, 1, now, 200); err != nil {
		t.Fatal(err)
	}
	// A second sender holding the old cursor is refused: no regression, no double advance.
	if err := db.AdvanceAuditStream(org.ID, s.ID, s.State.Cursor, last, 1, now, 200); !errors.Is(err, ErrConflict) {
		t.Fatalf("stale advance: %v, want ErrConflict", err)
	}
	if _, err := db.UpdateAuditStream(org.ID, s.ID, func(x *AuditStream) error {
		x.Name, x.State.Cursor = "renamed", 0 // fn cannot move the cursor
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	got2, err := db.AuditStream(org.ID, s.ID)
	if err != nil || got2.State.Cursor != last || got2.State.Delivered != 1 || got2.State.LastError != "" || got2.Name != "renamed" {
		t.Fatalf("after edit: %+v, %v", got2, err)
	}
	if due, _ := db.DueAuditStreams(now); len(due) != 0 {
		t.Fatalf("nothing left to deliver, yet due: %+v", due)
	}
	if _, err := db.AuditStream(org.ID+"x", s.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("another organization's stream: %v", err)
	}
}

// TestPruneKeepsWhatAnEnabledStreamHasNotDelivered: retention does not delete an entry an
// enabled stream still owes its receiver; once delivered (or the stream disabled) it goes.
func TestPruneKeepsWhatAnEnabledStreamHasNotDelivered(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	seedAudit(t, db, org.ID, 2) // before the stream: prunable
	s := &AuditStream{Name: "siem", Type: "webhook", Enabled: true}
	if err := db.CreateAuditStream(org.ID, s, nil); err != nil {
		t.Fatal(err)
	}
	seedAudit(t, db, org.ID, 3) // owed to the stream
	cutoff := testEpoch.Add(24 * time.Hour)
	if n, err := db.PruneAudit(org.ID, cutoff); err != nil || n != 2 {
		t.Fatalf("pruned %d, %v; want the 2 entries from before the stream", n, err)
	}
	owed, last, err := db.AuditAfter(org.ID, s.State.Cursor, 100, 1<<20)
	if err != nil || len(owed) != 3 {
		t.Fatalf("owed = %d entries, %v; want 3 kept", len(owed), err)
	}
	if err := db.AdvanceAuditStream(org.ID, s.ID, s.State.Cursor, owed[1].Seq, 2, time.Now(), 200); err != nil {
		t.Fatal(err)
	}
	if n, err := db.PruneAudit(org.ID, cutoff); err != nil || n != 2 {
		t.Fatalf("pruned %d, %v; want the 2 delivered", n, err)
	}
	if _, err := db.UpdateAuditStream(org.ID, s.ID, func(x *AuditStream) error { x.Enabled = false; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	if n, err := db.PruneAudit(org.ID, cutoff); err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want the last one (a disabled stream holds nothing)", n, err)
	}
	// The commit-order index went with the entries: nothing left after the cursor.
	if rest, l, err := db.AuditAfter(org.ID, 0, 100, 1<<20); err != nil || len(rest) != 0 || l != 0 {
		t.Fatalf("index rows left: %d (last %d), %v", len(rest), l, err)
	}
	_ = last
}
