package alerting

import (
	"context"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

func TestMaintenanceEventsRunAnnouncesAndWakes(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), storeOptions(store.Options{Now: clock}, NewStateMachine(Config{Now: clock})))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	org := &store.Organization{Name: "Org", Slug: "org", PlanType: "free", MaxServices: 5}
	if err := db.Register(&store.User{Email: "a@example.com", PasswordHash: "x"}, org, &store.Membership{Role: "owner"}, nil); err != nil {
		t.Fatal(err)
	}
	w := &store.MaintenanceWindow{Name: "Now", StartsAt: now.Add(-time.Minute), EndsAt: now.Add(time.Hour)}
	if err := db.CreateMaintenanceWindow(org.ID, w, nil); err != nil {
		t.Fatal(err)
	}
	var wakes, checks atomic.Int32 // checks: passes made (each reads the clock once)
	m := &MaintenanceEvents{Store: db, Now: func() time.Time { checks.Add(1); return now },
		Interval: time.Millisecond, Wake: func() { wakes.Add(1) }}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	deadline := time.Now().Add(10 * time.Second)
	for checks.Load() < 5 && time.Now().Before(deadline) { // five passes at least
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
	// Many passes ran; the start was announced (and the sender woken) once.
	if wakes.Load() != 1 {
		t.Fatalf("woken %d times, want 1", wakes.Load())
	}
	if a, err := db.AnnouncedMaintenance(org.ID); err != nil || len(a) != 1 || a[0].Window.ID != w.ID {
		t.Fatalf("announced = %+v, %v", a, err)
	}
}
