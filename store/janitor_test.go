package store

import (
	"context"
	"testing"
	"time"
)

func TestJanitorPrunesOldAuditEntries(t *testing.T) {
	db := openTestDB(t)
	_, org, _ := mustRegister(t, db, "ada@example.com", "Ada")
	// 90 days is the professional plan's window (audit_retention_test.go covers each plan).
	if _, err := db.UpdateOrganization(org.ID, func(o *Organization) error { o.PlanType = "professional"; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	for _, age := range []time.Duration{100 * 24 * time.Hour, 91 * 24 * time.Hour, 89 * 24 * time.Hour, time.Hour} {
		if err := db.AppendAudit(org.ID, &AuditEntry{Timestamp: now.Add(-age), Event: "test.event"}); err != nil {
			t.Fatal(err)
		}
	}
	j := &Janitor{DB: db, Now: func() time.Time { return now }}
	if err := j.Sweep(); err != nil {
		t.Fatal(err)
	}
	left, _, err := db.AuditLogs(org.ID, AuditFilter{Event: "test.event"})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 2 {
		t.Fatalf("%d entries left, want the 2 younger than 90 days", len(left))
	}
	for _, e := range left {
		if now.Sub(e.Timestamp) > AuditRetention {
			t.Errorf("entry of %v survived", e.Timestamp)
		}
	}
}

func TestJanitorRunStopsWithContext(t *testing.T) {
	db := openTestDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- (&Janitor{DB: db, Interval: time.Millisecond}).Run(ctx) }()
	time.Sleep(10 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("janitor did not stop")
	}
}
