package store

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"
)

// A file of schema version 1 holds subscriber notices as kind email/webhook entries with
// a "subscriber:" target, queued (with their destination index) and dead-lettered.
// Opening it with this binary converts them to OutboxKindSubscriber with
// SubscriberTarget, re-keys the destination index, and leaves other entries alone.
func TestMigrationGivesSubscriberNoticesTheirKind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v1.db")
	v1, err := open(path, testOptions(Options{Now: tickClock()}), schemaMigrations()[:1])
	if err != nil {
		t.Fatal(err)
	}
	_, org, _ := mustRegister(t, v1, "ada@example.com", "Ada")
	entry := func(kind, target string) *OutboxEntry {
		return &OutboxEntry{Kind: kind, TargetID: target, Event: "incident.created", Notification: []byte(`{}`)}
	}
	mail := entry(OutboxKindEmail, "subscriber:page1/sub1")
	hook := entry(OutboxKindWebhook, "subscriber:page1/sub2")
	dead := entry(OutboxKindEmail, "subscriber:page1/sub3")
	plain := entry(OutboxKindEmail, "ops@example.com")
	if err := v1.Enqueue(org.ID, mail, hook, dead, plain); err != nil {
		t.Fatal(err)
	}
	if err := v1.DeadLetter(org.ID, dead.ID, DeliveryLog{}, "gone"); err != nil {
		t.Fatal(err)
	}
	if err := v1.Close(); err != nil {
		t.Fatal(err)
	}

	db := openTestDBAt(t, path, Options{Now: tickClock()})
	due, err := db.DueOutbox(time.Now().Add(time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range due {
		got[e.ID] = e.Kind + " " + e.TargetID
	}
	want := map[string]string{mail.ID: "subscriber page1/sub1", hook.ID: "subscriber page1/sub2",
		plain.ID: "email ops@example.com"}
	if len(got) != len(want) {
		t.Fatalf("due = %v, want %v", got, want)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("entry %s = %q, want %q", id, got[id], w)
		}
	}
	letters, err := db.DeadLetters(org.ID)
	if err != nil || len(letters) != 1 || letters[0].Kind != OutboxKindSubscriber || letters[0].TargetID != "page1/sub3" {
		t.Fatalf("dead letters = %+v, %v", letters, err)
	}
	// The destination index holds exactly the queued entries, under their new destinations.
	var dests []string
	err = db.view(func(tx txn) error {
		b, err := orgSub(tx, org.ID, subOutboxDest)
		if err != nil {
			return err
		}
		return b.ForEach(func(k, _ []byte) error {
			dests = append(dests, string(k[:bytes.IndexByte(k, 0)]))
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dests) != 3 || dests[0] != "email/ops@example.com" || dests[1] != "subscriber/page1/sub1" || dests[2] != "subscriber/page1/sub2" {
		t.Fatalf("destination index = %q", dests)
	}
	for _, e := range []*OutboxEntry{mail, hook, plain} {
		if _, err := db.ClaimOutbox(org.ID, e.ID, time.Now(), time.Now().Add(time.Minute)); err != nil {
			t.Fatalf("claim %s after the migration: %v", e.ID, err)
		}
	}
}
