package store

import (
	"context"
	"log/slog"
	"time"
)

// Janitor is the background worker that deletes expired data in small chunks
// (≤ 1000 keys per transaction): audit entries past their organization's
// AuditRetentionWindow (entries a stream still has to deliver excepted), delivery
// logs past DeliveryRetention, alerts resolved longer than AlertRetention ago, and raw
// results and rollups past their RetentionPolicy, plus the series of deleted
// services. Running it keeps disk use at a steady state: bbolt reuses the
// freed pages, and `alertifypro compact` returns them to the file system. It
// also rolls the windows of the service summaries forward (RollSummaries), at
// every sweep and every SummaryInterval in between.
type Janitor struct {
	DB       *DB
	Interval time.Duration // time between sweeps; default one hour
	// SummaryInterval is the time between rolls of the service summaries; default five
	// minutes, so a read of the overview moves a 24-hour window over five 1-minute rows.
	SummaryInterval time.Duration
	Now             func() time.Time // clock; default time.Now
	Logger          *slog.Logger
	// Retention overrides the database's policy (Options.Retention) field by
	// field; leave it zero so the janitor deletes exactly what queries no
	// longer read.
	Retention RetentionPolicy
}

// Run sweeps once at start and then every Interval until ctx is done, and rolls the
// service summaries every SummaryInterval.
func (j *Janitor) Run(ctx context.Context) error {
	interval, rollEvery := j.Interval, j.SummaryInterval
	if interval <= 0 {
		interval = time.Hour
	}
	if rollEvery <= 0 {
		rollEvery = 5 * time.Minute
	}
	ticker, rolls := time.NewTicker(interval), time.NewTicker(rollEvery)
	defer ticker.Stop()
	defer rolls.Stop()
	for sweep := true; ; {
		run := j.RollSummaries
		if sweep {
			run = j.Sweep // which rolls them too
		}
		if err := run(); err != nil && j.Logger != nil {
			j.Logger.Error("janitor sweep failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-ticker.C:
			sweep = true
		case <-rolls.C:
			sweep = false
		}
	}
}

// RollSummaries rolls the service summaries of every organization (DB.RollSummaries) and
// returns the first error after trying them all.
func (j *Janitor) RollSummaries() error {
	orgs, err := j.DB.Organizations()
	if err != nil {
		return err
	}
	var first error
	for _, org := range orgs {
		if _, err := j.DB.RollSummaries(org.ID, j.now()); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// now is the janitor's clock.
func (j *Janitor) now() time.Time {
	if j.Now != nil {
		return j.Now()
	}
	return time.Now()
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
	for _, org := range orgs {
		// Each organization's audit log is kept for its own window (plan or instance admin).
		n, err := j.DB.PruneAudit(org.ID, now().Add(-org.AuditRetentionWindow()))
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
		// Summaries roll before the rows they roll over can be pruned.
		if _, err = j.DB.RollSummaries(org.ID, now()); err != nil && first == nil {
			first = err
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
