package store

import (
	"errors"
	"testing"
	"time"
)

func TestDeadLetterAndReplay(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	_, other, _ := mustRegister(t, db, "bob@example.com", "Bob")
	t0 := testEpoch.Add(time.Hour)
	e := mustEnqueue(t, db, org.ID, testEntry("c1", t0))
	if _, err := db.ClaimOutbox(org.ID, e.ID, t0, t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.DeadLetter(org.ID, e.ID, DeliveryLog{Outcome: "delivered"}, "x"); err == nil {
		t.Error("DeadLetter accepted outcome delivered")
	}
	log := DeliveryLog{At: t0, StatusCode: 404, Response: "no such hook", Error: "HTTP 404", Outcome: DeliveryPermanent}
	if err := db.DeadLetter(org.ID, e.ID, log, "HTTP 404: no such hook"); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.OutboxDepth(); n != 0 {
		t.Errorf("dead letter still in the outbox (depth %d)", n)
	}
	dead, err := db.DeadLetters(org.ID)
	if err != nil || len(dead) != 1 {
		t.Fatalf("DeadLetters = %+v, %v", dead, err)
	}
	if d := dead[0]; d.ID != e.ID || d.Attempts != 1 || d.LastStatus != 404 || d.LastError != "HTTP 404: no such hook" || !d.LeaseUntil.IsZero() {
		t.Errorf("dead letter = %+v", d)
	}
	if dead, _ := db.DeadLetters(other.ID); len(dead) != 0 {
		t.Errorf("another organization sees %d dead letters", len(dead))
	}
	logs, _, _ := db.Deliveries(org.ID, DeliveryFilter{})
	if len(logs) != 1 || logs[0].Outcome != DeliveryPermanent || logs[0].Attempt != 1 {
		t.Errorf("logs = %+v", logs)
	}

	if err := db.ReplayDeadLetter(other.ID, e.ID, t0, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("another organization replayed it: %v", err)
	}
	replayAt := t0.Add(time.Hour)
	if err := db.ReplayDeadLetter(org.ID, e.ID, replayAt, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.ReplayDeadLetter(org.ID, e.ID, replayAt, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("second replay: %v, want ErrNotFound", err)
	}
	due, _ := db.DueOutbox(replayAt, 0)
	if len(due) != 1 || due[0].ID != e.ID || due[0].Attempts != 0 || string(due[0].Notification) != string(e.Notification) {
		t.Fatalf("replayed entry = %+v", due)
	}
	if dead, _ := db.DeadLetters(org.ID); len(dead) != 0 {
		t.Errorf("replayed entry still dead-lettered")
	}
	// Attempts exhausted: the default outcome is "dead".
	if err := db.DeadLetter(org.ID, e.ID, DeliveryLog{At: replayAt, StatusCode: 503}, "HTTP 503"); err != nil {
		t.Fatal(err)
	}
	if logs, _, _ := db.Deliveries(org.ID, DeliveryFilter{Limit: 1}); logs[0].Outcome != DeliveryDead {
		t.Errorf("default dead-letter outcome = %q", logs[0].Outcome)
	}
}
