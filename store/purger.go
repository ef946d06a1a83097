package store

import (
	"context"
	"log/slog"
)

// HistoryPurger deletes the history of deleted services in the background
// (SPEC §3.6: DELETE answers at once, history goes after). Requests beyond
// its queue are dropped safely: the janitor's sweep also removes history
// whose service no longer exists.
type HistoryPurger struct {
	DB     *DB
	Logger *slog.Logger
	queue  chan [2]string
}

// NewHistoryPurger returns a purger with a queue of 1 024 requests.
func NewHistoryPurger(db *DB, logger *slog.Logger) *HistoryPurger {
	return &HistoryPurger{DB: db, Logger: logger, queue: make(chan [2]string, 1024)}
}

// Enqueue asks for serviceID's history to be purged; it never blocks.
func (p *HistoryPurger) Enqueue(orgID, serviceID string) {
	select {
	case p.queue <- [2]string{orgID, serviceID}:
	default:
		if p.Logger != nil {
			p.Logger.Warn("history purge queue full; the janitor will remove it", "service_id", serviceID)
		}
	}
}

// Run purges queued services until ctx is done.
func (p *HistoryPurger) Run(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case req := <-p.queue:
			if err := p.DB.PurgeServiceHistory(req[0], req[1]); err != nil && p.Logger != nil {
				p.Logger.Error("history purge failed; the janitor will retry", "service_id", req[1], "error", err)
			}
		}
	}
}
