// Package app is AlertifyPro's composition root (wtf's Main): New builds the whole
// appliance from its configuration — store, sealer, egress guard, monitoring engine, alert
// state machine and alerter, outbox sender with its channel delivery, ping recorder,
// heartbeat watcher, maintenance events, janitor, history purger, router and HTTP server —
// in the order their dependencies need; Run runs every worker and serves, then drains
// them in order; Close closes the store. serve, the browser tests and the load programs
// all build the application here, with Options for what a test must control, so none of
// them wires a second, different one.
package app

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"time"

	"github.com/alertifypro/alertifypro/agent"
	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/api"
	"github.com/alertifypro/alertifypro/cluster"
	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
)

// DBFileName is the database file in DATA_DIR.
const DBFileName = "alertifypro.db"

// Options adjust what New builds; the zero value is the server serve runs (bar its logger
// and version). Tests and load programs use the other fields.
type Options struct {
	// Logger receives every component's logs; nil discards them.
	Logger *slog.Logger
	// Version is the build version, in the User-Agent of checks and deliveries and in the
	// API's health answer; empty is "dev".
	Version string
	// Now is the clock of the store, tokens, API, alerting and deliveries; nil is the wall
	// clock in UTC. Timers (poll intervals, the scheduler) always run on real time.
	Now func() time.Time
	// NoSync and BeforeAudit are the store's options of the same names (tests only: the
	// durability test's negative control, the audit fault injection).
	NoSync      bool
	BeforeAudit func(orgID string, e *store.AuditEntry) error
	// SystemResolver replaces the host's resolver (/etc/resolv.conf) for the egress guard's
	// lookups and for DNS checks without a resolver of their own
	// (egress.WithSystemResolver); tests point it at a DNS server on loopback.
	SystemResolver []netip.AddrPort
	// FirstCheckDelay, when positive, schedules every service's first check this long
	// after the engine first sees it, instead of at a random point of its interval; the
	// browser tests use a few seconds, tests that want no check at all a day.
	FirstCheckDelay time.Duration
	// NoEngine builds no monitoring engine: no check ever runs and "check now" answers
	// that no engine is running. For load programs that measure something else; the
	// engine is the one worker it removes (Workers).
	NoEngine bool
	// WrapAgentSink, when set, wraps the sink that records agents' results (SPEC §8): tests
	// see what is recorded through it.
	WrapAgentSink func(agent.ResultSink) agent.ResultSink
	// FutureSchemaForTest is the store option of that name: the rolling-upgrade tests
	// play a binary that knows a newer schema.
	FutureSchemaForTest int
}

// App is the assembled appliance. Build it with New, run it with Run, close it with Close.
type App struct {
	cfg     *config.Config
	log     *slog.Logger
	db      *store.DB
	engine  *monitor.Engine // nil with Options.NoEngine
	alerter *alerting.Alerter
	agents  *agent.Hub
	// agentResults records what agents report; its counts are on /metrics.
	agentResults *agent.StoreSink
	handler      http.Handler
	server       *http.Server
	workers      []worker
	cluster      *cluster.Node // nil on a single node
}

// New builds the appliance of cfg: it creates DATA_DIR, opens the database (a damaged
// file is refused with store.ErrDamaged, a wrong ENCRYPTION_KEY with the store's key
// check error) and wires every component. Nothing runs until Run; on an error the store
// is closed again.
func New(cfg *config.Config, opts Options) (*App, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	// Gin's mode is process-wide, so the process's composition root sets it (not the
	// router): its default debug mode would print every route at start.
	api.UseReleaseMode()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create DATA_DIR: %w", err)
	}
	return assemble(cfg, opts, filepath.Join(cfg.DataDir, DBFileName))
}

// Close leaves the cluster (a clustered node) and closes the store; call it after Run has
// returned. Closing twice is harmless.
func (a *App) Close() error {
	var err error
	if a.cluster != nil {
		err = a.cluster.Close()
	}
	return errors.Join(err, a.db.Close())
}

// DB is the application's store (tests seed it and read what the server wrote).
func (a *App) DB() *store.DB { return a.db }

// Handler is the router the HTTP server serves.
func (a *App) Handler() http.Handler { return a.handler }

// Alerter is the application's alerter (tests run its escalations by hand).
func (a *App) Alerter() *alerting.Alerter { return a.alerter }

// Agents is the agent channel's hub (tests watch its counters).
func (a *App) Agents() *agent.Hub { return a.agents }

// Workers names every long-running part Run runs, the HTTP server last, in the order Run
// starts them; the browser tests compare theirs with serve's.
func (a *App) Workers() []string {
	names := make([]string, 0, len(a.workers)+1)
	for _, w := range a.workers {
		names = append(names, w.name)
	}
	return append(names, "http server")
}

// closeOnError closes db when *err is set: New's cleanup of a half-built application.
func closeOnError(db *store.DB, err *error) {
	if *err != nil {
		*err = errors.Join(*err, db.Close())
	}
}
