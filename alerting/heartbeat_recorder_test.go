package alerting

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

func pingItem(key string, at time.Time) store.PingItem {
	return store.PingItem{KeyDigest: digestOf(key), Ping: store.Ping{Kind: store.PingSuccess, At: at}}
}

// countPings returns how many pings each heartbeat kept, summed.
func countPings(t *testing.T, e *heartbeatEnv, ids []string) int {
	t.Helper()
	n := 0
	for _, id := range ids {
		p, err := e.db.HeartbeatPings(e.orgID, id)
		if err != nil {
			t.Fatal(err)
		}
		n += len(p)
	}
	return n
}

func TestPingRecorderCommitsConcurrentPings(t *testing.T) {
	e := newHeartbeatEnv(t)
	var ids []string
	for i := range 20 {
		ids = append(ids, e.create(fmt.Sprintf("job-%d", i), "every 1h", time.Minute).ID)
	}
	r := NewPingRecorder(e.db, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()

	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Go(func() { errs <- r.Record(pingItem(fmt.Sprintf("job-%d", i%20), e.clock.Now())) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Record: %v", err)
		}
	}
	// Acknowledged means committed: visible before the recorder stops.
	if n := countPings(t, e, ids); n != 200 {
		t.Fatalf("%d pings stored after 200 acknowledgements", n)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := r.Record(pingItem("job-0", e.clock.Now())); !errors.Is(err, ErrPingRecorderClosed) {
		t.Fatalf("Record after shutdown: %v", err)
	}
}

// TestPingRecorderFlushesOnShutdown: pings queued when shutdown begins are committed and
// acknowledged, not dropped.
func TestPingRecorderFlushesOnShutdown(t *testing.T) {
	e := newHeartbeatEnv(t)
	hb := e.create("flush", "every 1h", time.Minute)
	r := NewPingRecorder(e.db, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() { errs <- r.Record(pingItem("flush", e.clock.Now())) })
	}
	// Wait until all 50 are queued, then run the recorder with its context already done.
	for len(r.queue) < 50 {
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.Run(ctx); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("queued ping answered %v", err)
		}
	}
	if n := countPings(t, e, []string{hb.ID}); n != 50 {
		t.Fatalf("%d pings stored, want 50", n)
	}
}
