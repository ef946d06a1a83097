package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// appendTestLogs writes n delivery logs for entry e at start, start+1s, ... in one
// transaction (building history directly is much faster than n attempts).
func appendTestLogs(t *testing.T, db *DB, e *OutboxEntry, start time.Time, step time.Duration, n int) {
	t.Helper()
	err := db.update("", nil, func(tx txn) error {
		for i := range n {
			if err := db.appendDelivery(tx, e, DeliveryLog{At: start.Add(time.Duration(i) * step), Attempt: i + 1, Outcome: DeliveryRetry}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDeliveriesPagingFilterAndClamp(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	_, other, _ := mustRegister(t, db, "bob@example.com", "Bob")
	t0 := testEpoch.Add(time.Hour)
	c1 := &OutboxEntry{ID: NewID(), OrgID: org.ID, Kind: OutboxKindChannel, TargetID: "c1", Event: "alert.fired"}
	w1 := &OutboxEntry{ID: NewID(), OrgID: org.ID, Kind: OutboxKindWebhook, TargetID: "w1", Event: "monitor.down"}
	appendTestLogs(t, db, c1, t0, 2*time.Second, 15)
	appendTestLogs(t, db, w1, t0.Add(time.Second), 2*time.Second, 10)

	var all []DeliveryLog
	cursor, pages := "", 0
	for {
		page, next, err := db.Deliveries(org.ID, DeliveryFilter{Limit: 10, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		all, pages = append(all, page...), pages+1
		if next == "" {
			break
		}
		cursor = next
	}
	if len(all) != 25 || pages != 3 {
		t.Fatalf("%d logs in %d pages, want 25 in 3", len(all), pages)
	}
	for i := 1; i < len(all); i++ {
		if !all[i].At.Before(all[i-1].At) {
			t.Fatalf("not newest first at %d: %v then %v", i, all[i-1].At, all[i].At)
		}
	}
	if l := all[0]; l.EntryID != c1.ID || l.OrgID != org.ID || l.Kind != OutboxKindChannel || l.ID == "" {
		t.Errorf("identity not filled: %+v", l)
	}
	for name, f := range map[string]DeliveryFilter{
		"target": {TargetID: "w1"}, "event": {Event: "monitor.down"}, "kind": {Kind: OutboxKindWebhook}, "entry": {EntryID: w1.ID},
	} {
		if got, _, _ := db.Deliveries(org.ID, f); len(got) != 10 || got[0].TargetID != "w1" {
			t.Errorf("%s filter: %d logs", name, len(got))
		}
	}
	if got, _, _ := db.Deliveries(other.ID, DeliveryFilter{}); len(got) != 0 {
		t.Errorf("another organization sees %d logs", len(got))
	}
	if _, _, err := db.Deliveries(org.ID, DeliveryFilter{Cursor: "zz"}); !errors.Is(err, ErrInvalidCursor) {
		t.Errorf("bad cursor: %v", err)
	}

	long := strings.Repeat("é", 600)
	err := db.update("", nil, func(tx txn) error {
		return db.appendDelivery(tx, c1, DeliveryLog{At: t0.Add(time.Hour), Response: long, Error: long + long})
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _, _ := db.Deliveries(org.ID, DeliveryFilter{Limit: 1})
	if n := len([]rune(got[0].Response)); n != MaxDeliveryResponse {
		t.Errorf("response kept %d characters, want %d", n, MaxDeliveryResponse)
	}
	if len(got[0].Error) > maxOutboxErrorLen || !strings.HasPrefix(long, got[0].Error) {
		t.Errorf("error not clamped on a character boundary: %d bytes", len(got[0].Error))
	}
}

func TestJanitorPrunesOldDeliveryLogsInChunks(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	e := &OutboxEntry{ID: NewID(), OrgID: org.ID, Kind: OutboxKindChannel, TargetID: "c1", Event: "alert.fired"}
	appendTestLogs(t, db, e, now.Add(-40*24*time.Hour), time.Second, 2345)
	appendTestLogs(t, db, e, now.Add(-29*24*time.Hour), time.Second, 5)
	var chunks []int
	db.onDeleteChunk = func(bucket string, n int) {
		if bucket == subDeliveries {
			chunks = append(chunks, n)
		}
	}
	if err := (&Janitor{DB: db, Now: func() time.Time { return now }}).Sweep(); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(chunks) != "[1000 1000 345]" {
		t.Errorf("delete chunks = %v, want [1000 1000 345]", chunks)
	}
	left, _, _ := db.Deliveries(org.ID, DeliveryFilter{Limit: 1000})
	if len(left) != 5 {
		t.Fatalf("%d logs left, want the 5 younger than 30 days", len(left))
	}
	for _, l := range left {
		if now.Sub(l.At) > DeliveryRetention {
			t.Errorf("log of %v survived", l.At)
		}
	}
}
