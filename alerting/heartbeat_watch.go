package alerting

import (
	"context"
	"log/slog"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// Defaults of a HeartbeatWatcher.
const (
	defaultWatchInterval = time.Second
	watchChunk           = 1000 // heartbeats re-checked per write transaction
)

// HeartbeatWatcher marks heartbeats whose deadline passed without a ping (SPEC §3.14):
// late once next_expected_at has passed, down once next_expected_at + grace has passed.
// Deadlines live in the store's due index, so a restart loses none: the first sweep after
// start-up marks everything that fell due meanwhile. Each change runs the store's heartbeat
// hooks inside its transaction (alerting opens the alert there). Paused and down heartbeats
// are not in the index; a ping or a resume puts them back.
type HeartbeatWatcher struct {
	Store *store.DB
	// Now is the clock; nil means time.Now().UTC(). Tests pass a fixed one and call Sweep.
	Now func() time.Time
	// Interval between sweeps; zero means one second. A sweep reads one index key when
	// nothing is due, so the default costs nothing worth measuring.
	Interval time.Duration
	Logger   *slog.Logger
}

// Run sweeps every Interval until ctx ends. A failed sweep is logged and retried on the
// next tick; it never stops the process.
func (w *HeartbeatWatcher) Run(ctx context.Context) error {
	interval := w.Interval
	if interval <= 0 {
		interval = defaultWatchInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := w.Sweep(); err != nil {
			w.logger().Error("heartbeat deadline sweep failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// Sweep marks every heartbeat due at Now() and returns the transitions it made, in chunks
// of watchChunk heartbeats per write transaction. Each heartbeat is re-checked inside the
// transaction, so a ping that committed after the index was read wins.
func (w *HeartbeatWatcher) Sweep() ([]store.HeartbeatTransition, error) {
	now := w.now()
	var all []store.HeartbeatTransition
	for {
		refs, err := w.Store.DueHeartbeats(now, watchChunk)
		if err != nil || len(refs) == 0 {
			return all, err
		}
		tr, err := w.Store.MarkHeartbeatsMissed(now, refs)
		if err != nil {
			return all, err
		}
		for _, t := range tr {
			w.logger().Info("heartbeat missed its deadline", "org_id", t.OrgID, "heartbeat_id", t.Heartbeat.ID,
				"name", t.Heartbeat.Name, "status", t.Status, "next_expected_at", t.Heartbeat.NextExpectedAt)
		}
		all = append(all, tr...)
		if len(refs) < watchChunk {
			return all, nil
		}
	}
}

func (w *HeartbeatWatcher) now() time.Time {
	if w.Now == nil {
		return time.Now().UTC()
	}
	return w.Now().UTC()
}

func (w *HeartbeatWatcher) logger() *slog.Logger {
	if w.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.Logger
}
