package alerting

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// Config are the Alerter's dependencies and knobs. Store is required; the zero value of
// every other field is usable.
type Config struct {
	Store   *store.DB
	BaseURL string // links in notifications: BASE_URL/alerts/<id> and the acknowledge link
	AckKey  []byte // HMAC key of one-click acknowledge links (serve derives it from JWT_SECRET)
	Now     func() time.Time
	Logger  *slog.Logger
	// Wake wakes the outbox sender; it is called after every commit that queued a
	// notification (the evaluator's, the escalator's and the API actions'), so messages go
	// out at once instead of at the sender's next poll. May be nil.
	Wake func()
	// Tick is how often Run looks for due escalations and reminders at the latest
	// (default 15s); it also wakes at the earliest persisted due time.
	Tick time.Duration
	// AckTTL is how long a one-click acknowledge link stays valid (default 7 days).
	AckTTL time.Duration
	// MassFailure tunes the mass-failure detector (zero fields take the defaults).
	MassFailure MassFailureConfig
}

// Alerter is the alert state machine (SPEC §3.10, §4.5): its evaluator decides inside the
// recorder's transaction what each result does to the alerts of its service, Run drives
// escalations and reminders from their persisted due times, and the actions acknowledge,
// resolve and annotate alerts. Every notification is written to the outbox in the same
// transaction as the alert change it reports.
type Alerter struct {
	cfg  Config
	db   *store.DB
	log  *slog.Logger
	mass *massDetector

	// exprs caches parsed rule expressions by their canonical source (a rule's expression is
	// parsed once, not once per result); a source that does not parse maps to nil.
	exprs sync.Map // string → *Expr
}

// Defaults of Config.
const (
	defaultTick   = 15 * time.Second
	defaultAckTTL = 7 * 24 * time.Hour
	dueBatchSize  = 100
)

// NewAlerter builds an Alerter; call Register before the engine starts and Run in a worker.
func NewAlerter(cfg Config) *Alerter {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Tick <= 0 {
		cfg.Tick = defaultTick
	}
	if cfg.AckTTL <= 0 {
		cfg.AckTTL = defaultAckTTL
	}
	return &Alerter{cfg: cfg, db: cfg.Store, log: cfg.Logger, mass: newMassDetector(cfg.MassFailure)}
}

// Register installs the result evaluator into the store, where it runs inside
// RecordResults' transaction for every recorded result, and the closer that queues resolve
// notifications for alerts the store resolves itself (a rule deleted or disabled), and the
// heartbeat hook (alerter_heartbeat_hook.go). Call it once, before the engine, the ping
// recorder and the heartbeat watcher start.
func (a *Alerter) Register() {
	a.db.SetAlertEvaluator(a.evaluate)
	a.db.SetAlertCloser(a.closedByStore)
	a.db.OnHeartbeatTransition(a.heartbeatTransition)
}

// now returns the configured clock in UTC.
func (a *Alerter) now() time.Time { return a.cfg.Now().UTC() }

// expr returns the parsed expression of a rule condition, nil for none (or one that does
// not parse: rules are validated when saved, so that is only a stored rule from an older
// grammar, and it is logged once and then treated as absent).
func (a *Alerter) expr(src string) *Expr {
	if src == "" {
		return nil
	}
	if e, ok := a.exprs.Load(src); ok {
		return e.(*Expr)
	}
	e, err := Parse(src)
	if err != nil {
		a.log.Warn("alert rule expression does not parse; ignored", "expression", src, "error", err)
		e = nil
	}
	a.exprs.Store(src, e)
	return e
}

// Run drives escalations and reminders until ctx ends: it wakes every Tick and at the
// earliest persisted due time, and handles each due alert in one write transaction (so a
// restart neither loses nor repeats a step: the step's notifications and the next due time
// commit together). Every few minutes it also resolves alerts of deleted services.
func (a *Alerter) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	var swept time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		if now := time.Now(); now.Sub(swept) >= orphanSweepEvery {
			swept = now
			if n, err := a.ResolveOrphans(); err != nil {
				a.log.Error("resolving alerts of deleted services", "error", err)
			} else if n > 0 {
				a.log.Info("resolved alerts of deleted services", "count", n)
			}
		}
		full, err := a.RunDue()
		if err != nil {
			a.log.Error("escalations and reminders", "error", err)
		}
		timer.Reset(a.nextWait(full, err))
	}
}

// nextWait is how long Run sleeps: no time after a full batch, else until the earliest due
// time but at most Tick — and at least a second after an error, so a failing alert cannot
// spin the loop.
func (a *Alerter) nextWait(full bool, failed error) time.Duration {
	if full && failed == nil {
		return 0
	}
	wait := a.cfg.Tick
	if next, ok, err := a.db.NextAlertDue(); err == nil && ok {
		wait = min(wait, max(next.Sub(a.now()), 0))
	}
	if failed != nil {
		wait = max(wait, time.Second)
	}
	return wait
}

// RunDue handles every escalation and reminder due now (one batch); full reports that the
// batch was full, so more may be due. Run calls it; tests call it directly.
func (a *Alerter) RunDue() (full bool, err error) {
	now := a.now()
	due, err := a.db.DueAlerts(now, dueBatchSize)
	if err != nil {
		return false, err
	}
	var firstErr error
	for _, d := range due {
		if _, err := a.db.UpdateAlert(d.OrgID, d.AlertID, func(tx *store.AlertTx, al *store.Alert) error {
			return a.advance(tx, al, now)
		}, nil); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return len(due) == dueBatchSize, firstErr
}
