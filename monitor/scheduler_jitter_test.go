package monitor

import (
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/alertifypro/alertifypro/store"
)

// TestRestartIsNoThunderingHerd: SPEC §4.1 — a restart with 10 000 services at a 60 s
// interval spreads their first checks across the interval. The scheduler is the one
// NewEngine builds (so its first-check jitter is the production default), its services
// 10 000 with IDs made as the store makes them (UUIDv7, created in one burst, as an import
// does). What is counted is the scheduler's own plan after the reload a restart begins
// with: no 1 s window may hold more than twice its fair share (10 000/60 ≈ 167), none may
// be empty, and every first check falls within one interval of the restart. A second
// restart an hour later plans every service at the same offset: the spread is stable.
func TestRestartIsNoThunderingHerd(t *testing.T) {
	const n, interval = 10_000, 60 * time.Second
	services := make([]*store.Service, n)
	for i := range services {
		services[i] = &store.Service{ID: uuid.Must(uuid.NewV7()).String(), Name: "svc", CheckType: "TCP",
			Endpoint: "127.0.0.1:1", CheckIntervalSeconds: int(interval / time.Second), TimeoutSeconds: 5}
	}
	restart := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	first := plannedOffsets(t, services, restart)
	second := plannedOffsets(t, services, restart.Add(time.Hour))

	windows := make([]int, interval/time.Second)
	for id, off := range first {
		if off < 0 || off >= interval {
			t.Fatalf("service %s: first check %v after the restart, outside [0, %v)", id, off, interval)
		}
		windows[off/time.Second]++
		if second[id] != off {
			t.Fatalf("service %s: first check at +%v after one restart, +%v after the next", id, off, second[id])
		}
	}
	fair := n / len(windows)
	busiest, quietest := slices.Max(windows), slices.Min(windows)
	t.Logf("%d services at %v: first checks per 1 s window after a restart: %d to %d (fair share %d)",
		n, interval, quietest, busiest, fair)
	if busiest > 2*fair || quietest == 0 {
		t.Errorf("first checks per 1 s window range from %d to %d; a spread allows at most %d and none empty",
			quietest, busiest, 2*fair)
	}
}

// plannedOffsets builds the production engine over an empty store, lets its scheduler see
// services in the reload a restart at start begins with, and returns each service's
// planned first check relative to start. Nothing runs: the plan is read, not the clock.
func plannedOffsets(t *testing.T, services []*store.Service, start time.Time) map[string]time.Duration {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "a.db"), testStoreOptions(store.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	s := NewEngine(EngineConfig{Store: db, Env: loopbackEnv(t), Opener: noSeals{}}).Scheduler
	s.Services = func(fn func(*store.Service) error) error {
		for _, svc := range services {
			if err := fn(svc); err != nil {
				return err
			}
		}
		return nil
	}
	s.init()
	s.reload(start)
	if len(s.queue) != len(services) {
		t.Fatalf("%d services planned, want %d", len(s.queue), len(services))
	}
	out := make(map[string]time.Duration, len(s.queue))
	for _, e := range s.queue {
		out[e.svc.ID] = e.next.Sub(start)
	}
	return out
}
