package monitor

import (
	"context"
	"log/slog"
	"time"

	"github.com/alertifypro/alertifypro/store"
	"github.com/alertifypro/alertifypro/vault"
)

// Engine is the monitoring engine as the rest of the program sees it: the
// scheduler, the checker it shares with "check now", the recorder and the
// metrics. run builds one; the API holds it for check-now and /metrics.
type Engine struct {
	Checker   *Checker
	Scheduler *Scheduler
	Recorder  *Recorder
	Metrics   *Metrics
}

// EngineConfig is what NewEngine needs.
type EngineConfig struct {
	Store  *store.DB
	Opener Opener // *crypto.Sealer
	// Secrets resolves {{secrets.NAME}} references at every check (*vault.Vault).
	Secrets     vault.Resolver
	Env         *Env
	Poll        time.Duration
	Concurrency int
	Logger      *slog.Logger
	// Location is the appliance's own probe location (LOCATION_NAME).
	Location string
}

// NewEngine wires a scheduler and a checker to a recorder that commits to
// the store. Start it with Run; stop it by cancelling the context.
func NewEngine(c EngineConfig) *Engine {
	m := NewMetrics()
	rec := NewRecorder(StoreCommit(c.Store), 0)
	rec.Linger, rec.latency = DefaultLinger, m.commitLatency
	chk := &Checker{Env: c.Env, Opener: c.Opener, Secrets: c.Secrets, Recorder: rec, Metrics: m, Logger: c.Logger, Location: c.Location}
	return &Engine{
		Checker:  chk,
		Recorder: rec,
		Metrics:  m,
		// The scheduler's reloads decode only the service records that changed.
		Scheduler: &Scheduler{Checker: chk, Services: (&store.ServiceScan{DB: c.Store}).Each,
			Poll: c.Poll, Concurrency: c.Concurrency, Logger: c.Logger, Tick: DefaultTick},
	}
}

// Run schedules checks until ctx is done, waits for the checks in flight,
// then flushes the recorder. Callers that also record (the API's check now)
// must have stopped before ctx is cancelled — run stops the HTTP server
// first for that reason.
func (e *Engine) Run(ctx context.Context) error {
	recorded := make(chan error, 1)
	go func() { recorded <- e.Recorder.Run() }()
	err := e.Scheduler.Run(ctx)
	e.Recorder.Close()
	if rerr := <-recorded; err == nil {
		err = rerr
	}
	return err
}

// StoreCommit is the recorder's commit function: one store transaction for
// the whole group.
func StoreCommit(db *store.DB) func([]Recorded) error {
	return func(batch []Recorded) error {
		items := make([]store.RecordItem, len(batch))
		for i, r := range batch {
			items[i] = store.RecordItem{OrgID: r.OrgID, Result: storeResult(r.ServiceID, &r.Result)}
		}
		return db.RecordResults(items)
	}
}

// StoreResult converts a probe result to the store's form (the agent hub's sink records
// agents' results through it too).
func StoreResult(serviceID string, r *Result) store.CheckResult { return storeResult(serviceID, r) }

// storeResult converts a probe result to the store's form.
func storeResult(serviceID string, r *Result) store.CheckResult {
	out := store.CheckResult{
		ServiceID: serviceID, CheckedAt: r.CheckedAt, Status: r.Status,
		ResponseTimeMS: int(r.ResponseTime / time.Millisecond), StatusCode: r.StatusCode,
		Error: r.Error, Internal: r.Internal, Timings: store.Timings(r.Timings),
		Location: r.Location, ReceivedAt: r.ReceivedAt,
	}
	// What alert-rule expressions read beyond the stored fields; the store keeps it only
	// for the evaluator and never writes it.
	if r.Body != nil || r.Resolved || r.Connected {
		out.Facts = &store.ResultFacts{Body: r.Body, DNSResolved: r.Resolved, TCPConnected: r.Connected}
	}
	if c := r.Certificate; c != nil {
		out.Certificate = &store.Certificate{Issuer: c.Issuer, Subject: c.Subject, DNSNames: c.DNSNames,
			ValidFrom: c.ValidFrom, ValidTo: c.ValidTo, DaysUntilExpiry: c.DaysUntilExpiry, Fingerprint: c.Fingerprint}
	}
	return out
}
