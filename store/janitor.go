package store

import (
	"context"
	"log/slog"
	"time"
)

// Janitor is the background worker that deletes expired data in small chunks
// (≤ 1000 keys per transaction): audit entries past AuditRetention, delivery
// logs past DeliveryRetention, alerts resolved longer than AlertRetention ago, and raw
// results and rollups past their RetentionPolicy, plus the series of deleted
// services. Running it keeps disk use at a steady state: bbolt reuses the
// freed pages, and `alertifypro compact` returns them to the file system.
type Janitor struct {
	DB       *DB
	Interval time.Duration    // time between sweeps; default one hour
	Now      func() time.Time // clock; default time.Now
	Logger   *slog.Logger
	// Retention overrides the database's policy (Options.Retention) field by
	// field; leave it zero so the janitor deletes exactly what queries no
	// longer read.
	Retention RetentionPolicy
}

// Run sweeps once at start and then every Interval until ctx is done.
func (j *Janitor) Run(ctx context.Context) error {
	interval := j.Interval
	if interval <= 0 {
		interval = time.Hour
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		if err := j.Sweep(); err != nil && j.Logger != nil {
			j.Logger.Error("janitor sweep failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
		}
	}
}

// Sweep runs one pass over every organization and returns the first error
// after trying them all (one broken tenant must not stop the others).
func (j *Janitor) Sweep() error {
	now := time.Now
	if j.Now != nil {
		now = j.Now
	}
	orgs, err := j.DB.Organizations()
	if err != nil {
		return err
	}
	var first error
	cutoff := now().Add(-AuditRetention)
	for _, org := range orgs {
		n, err := j.DB.PruneAudit(org.ID, cutoff)
		if err != nil && first == nil {
			first = err
		}
		if n > 0 && j.Logger != nil {
			j.Logger.Info("pruned audit entries", "org_id", org.ID, "deleted", n)
		}
		n, err = j.DB.PruneDeliveries(org.ID, now().Add(-DeliveryRetention))
		if err != nil && first == nil {
			first = err
		}
		if n > 0 && j.Logger != nil {
			j.Logger.Info("pruned delivery logs", "org_id", org.ID, "deleted", n)
		}
		n, err = j.DB.PruneAlerts(org.ID, now().Add(-AlertRetention))
		if err != nil && first == nil {
			first = err
		}
		if n > 0 && j.Logger != nil {
			j.Logger.Info("pruned resolved alerts", "org_id", org.ID, "deleted", n)
		}
		n, err = j.DB.PruneSeries(org.ID, j.Retention, now())
		if err != nil && first == nil {
			first = err
		}
		if n > 0 && j.Logger != nil {
			j.Logger.Info("pruned time series", "org_id", org.ID, "deleted", n)
		}
	}
	return first
}
