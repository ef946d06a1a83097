package app

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/alertifypro/alertifypro/agent"
	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/api"
	"github.com/alertifypro/alertifypro/auditstream"
	"github.com/alertifypro/alertifypro/cluster"
	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/egress"
	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/reports"
	"github.com/alertifypro/alertifypro/store"
	"github.com/alertifypro/alertifypro/vault"
)

// assemble builds the application over the database at path, in dependency order:
//
//  1. the sealer, the outbox sender's doorbell and the alert state machine: the store
//     runs the state machine's decisions inside its transactions, and those ring the
//     doorbell after their commits, so both exist before the store;
//  2. the store, opened with everything that runs inside its transactions (storeOptions)
//     and checked against the encryption key;
//  3. the egress guard, then every component that reads or writes the store;
//  4. the router and the HTTP server over all of them.
func assemble(cfg *config.Config, opts Options, path string) (a *App, err error) {
	logger := opts.Logger
	sealer, err := crypto.NewSealer(cfg.EncryptionKeyBytes)
	if err != nil {
		return nil, err
	}
	bell := notify.NewDoorbell()
	// Which probe locations are online: the agent hub keeps it, the state machine reads it
	// inside the store's transactions (SPEC §8). On the wall clock, as timers are.
	board := &alerting.LocationBoard{Builtin: cfg.BuiltinLocation()}
	sm := alerting.NewStateMachine(alerting.Config{BaseURL: cfg.BaseURL, Logger: logger, Now: opts.Now,
		AckKey: alerting.DeriveAckKey(cfg.JWTKey), Wake: bell.Ring, Location: cfg.BuiltinLocation(), Locations: board})
	sopts := storeOptions(cfg, opts, sm, sealer)
	var node *cluster.Node
	if cfg.Clustered() {
		// Before the store: a cluster node's store commits through it (SPEC §9).
		if node, err = newClusterNode(cfg, opts); err != nil {
			return nil, err
		}
		sopts.Replicator = node.MeteredReplicator()
	}
	db, err := store.Open(path, sopts)
	if err != nil {
		return nil, err
	}
	defer closeOnError(db, &err)
	if err := db.CheckEncryptionKey(sealer.KeyCheck()); err != nil {
		return nil, err
	}
	if node != nil {
		if err := node.Start(db); err != nil {
			return nil, err
		}
		// Deferred after closeOnError, so it runs first: the node stops applying
		// before the store closes.
		defer func() {
			if err != nil {
				err = errors.Join(err, node.Close())
			}
		}()
	}
	policy, err := egress.ParsePolicy(cfg.EgressPolicy, cfg.EgressAllowCIDRs, cfg.EgressDenyCIDRs)
	if err != nil {
		return nil, err
	}
	guard := egress.New(policy, egress.WithSystemResolver(opts.SystemResolver...))
	userAgent := "AlertifyPro/" + opts.Version
	a = &App{cfg: cfg, log: logger, db: db, alerter: alerting.NewAlerter(db, sm), cluster: node}
	// The organizations' secrets, resolved at use by checks, agents' assignments and
	// channel deliveries.
	secrets := &vault.Vault{Store: db, Opener: sealer}
	if !opts.NoEngine {
		// Checks leave from PROBE_SOURCE_ADDR when it is set (SPEC §8); deliveries do not.
		probeGuard := guard
		if cfg.ProbeSourceAddr != "" {
			source, err := netip.ParseAddr(cfg.ProbeSourceAddr)
			if err != nil {
				return nil, fmt.Errorf("PROBE_SOURCE_ADDR: %w", err)
			}
			probeGuard = egress.New(policy, egress.WithSystemResolver(opts.SystemResolver...), egress.WithSourceAddr(source))
		}
		a.engine = newEngine(cfg, opts, db, sealer, secrets, probeGuard, userAgent)
		if node != nil {
			// A cluster's nodes check as agents of the built-in location (cluster.go).
			a.workers = append(a.workers, worker{name: "node agent", run: newNodeAgent(cfg, opts, node, probeGuard, userAgent).Run})
		}
	}
	purger := store.NewHistoryPurger(db, logger)
	// Every notification delivery, test sends included, goes out through the egress guard.
	notifyDeps := notify.NewDeps(guard, smtpConfig(cfg), userAgent)
	notifyDeps.HeloName = notify.HeloNameOf(cfg.BaseURL)
	destinations := &notify.Destinations{Store: db, Opener: sealer, Secrets: secrets, Logger: logger, Deps: notifyDeps}
	outbox := &notify.OutboxSender{Store: db, Resolve: destinations.Resolve, Logger: logger, Now: opts.Now,
		OnDelivered: destinations.OnDelivered, OnPermanent: destinations.OnPermanent, Doorbell: bell}
	if node != nil { // never a typed nil in the interface
		outbox.Fence = node
	}
	// Audit streaming (README "Audit-log retention and streaming"): the streamer and the
	// test sends share one transport, through the egress guard; credentials written as
	// {{secrets.NAME}} are resolved from the organization's secrets at each send.
	streamTransport := auditstream.NewTransport(guard, sealer, secrets, userAgent)
	streamer := &auditstream.Streamer{Store: db, Transport: streamTransport, Now: opts.Now, Logger: logger}
	// Heartbeat pings are group-committed; the watcher marks missed deadlines.
	pings := alerting.NewPingRecorder(db, logger)
	// The agent channel (SPEC §8): assignments out, validated result batches in.
	// Their results go into the same history and alert evaluation as the engine's.
	a.agentResults = &agent.StoreSink{Store: db}
	var sink agent.ResultSink = a.agentResults
	if opts.WrapAgentSink != nil {
		sink = opts.WrapAgentSink(sink)
	}
	a.agents = &agent.Hub{Store: db, Sink: sink, Opener: sealer, Secrets: secrets, Version: opts.Version, Logger: logger, Presence: board,
		Builtin: cfg.BuiltinLocation()}
	if node != nil {
		a.agents.Leading = node.Leadership().Leading
	}
	deps := api.Deps{
		Config:    cfg,
		Store:     db,
		Passwords: crypto.NewPasswordHasher(cfg.BcryptCost),
		Tokens:    crypto.NewTokenIssuer(cfg.JWTKey, cfg.JWTTTL, utcClock(opts.Now)),
		Sealer:    sealer,
		Guard:     guard,
		Engine:    a.engine,
		Purger:    purger,
		Alerter:   a.alerter,
		Logger:    logger,
		Now:       opts.Now,
		Version:   opts.Version,
		Notify:    notifyDeps,
		Pings:     pings,
		Agents:    a.agents,
		// Agents' recorded results on /metrics.
		AgentResults: a.agentResults,
		AuditStreams: streamTransport,
	}
	if node != nil { // never a typed nil in the interface
		deps.Cluster = node
	}
	router, err := api.NewRouter(deps)
	if err != nil {
		return nil, fmt.Errorf("build router: %w", err)
	}
	a.handler, a.server = router, api.NewServer(cfg.Addr(), router, logger)
	if a.engine != nil {
		// Outside the others' group, as it always ran: an engine failure is reported when
		// Run returns and stops nothing else. It stops once the HTTP server has drained:
		// "check now" requests record through it.
		run := a.engine.Run
		if node != nil {
			run = a.runEngineClustered // schedules only while leading (cluster.go)
		}
		a.workers = append(a.workers, worker{name: "engine", run: run, detached: true, untilDrained: true})
	}
	// On a clustered node the workers marked leaderOnly run only while it leads (SPEC §9).
	a.workers = append(a.workers, []worker{
		{name: "janitor", run: (&store.Janitor{DB: db, Logger: logger, Now: opts.Now}).Run, leaderOnly: true},
		{name: "history purger", run: purger.Run, leaderOnly: true},
		{name: "outbox sender", run: outbox.Run, leaderOnly: true},
		// Every organization's audit log to its streams, in order, cursor in the store.
		{name: "audit streams", run: streamer.Run, leaderOnly: true},
		// maintenance.started / maintenance.ended webhook events, each transition once.
		{name: "maintenance events", run: (&alerting.MaintenanceEvents{Store: db, Now: opts.Now, Logger: logger, Wake: bell.Ring}).Run, leaderOnly: true},
		// The ping recorder stops after the HTTP server has drained, so in-flight pings commit.
		{name: "ping recorder", run: pings.Run, untilDrained: true},
		{name: "heartbeat watcher", run: (&alerting.HeartbeatWatcher{Store: db, Now: opts.Now, Logger: logger}).Run, leaderOnly: true},
		{name: "alerter", run: a.alerter.Run, leaderOnly: true},
		{name: "handoff notices", run: (&alerting.HandoffNotices{Store: db, Now: opts.Now, Logger: logger, Wake: bell.Ring}).Run, leaderOnly: true},
		// It closes the agents' connections itself (the HTTP server does not drain hijacked
		// ones) and waits for their handlers, which record through the store.
		{name: "agent hub", run: a.agents.Run},
		// location.offline / location.degraded alerts, one per episode.
		// Leader-only: it raises alerts, from the presence of the agents connected to this
		// node (in a cluster, agents connect to the leader).
		{name: "location watch", run: (&alerting.LocationWatch{Alerter: a.alerter, Board: board, Logger: logger}).Run, leaderOnly: true},
		// Scheduled SLA reports (SPEC §11): render, queue and advance in one write.
		{name: "scheduled reports", run: (&reports.Scheduler{Store: db, Now: opts.Now, Logger: logger, Wake: bell.Ring}).Run, leaderOnly: true},
	}...)
	if node != nil {
		// The rolling-upgrade gate: the leader migrates the cluster's schema once every
		// voter knows the new version (cluster/schema.go).
		a.workers = append(a.workers, worker{name: "schema gate", run: node.RunSchemaGate, leaderOnly: true})
		// Only the leader records agents' results: a node that stops leading sends its
		// agents away, to come back through any node to the new leader.
		a.workers = append(a.workers, worker{name: "agent hub leadership", leaderOnly: true, run: func(ctx context.Context) error {
			<-ctx.Done()
			a.agents.DisconnectAll("this node no longer leads the cluster: connect again")
			return nil
		}})
	}
	if node != nil {
		// Writes other nodes forward to this one while it leads; drained like the API.
		a.workers = append(a.workers, worker{name: "cluster forwarding", run: a.serveForwarded, untilDrained: true})
	}
	return a, nil
}

// storeOptions are the options of serve's store: the logger and retention of cfg, the
// test knobs of opts, and what runs inside write transactions — the alert state machine
// sm, the maintenance rule and subscriber notices rendered with sealer.
func storeOptions(cfg *config.Config, opts Options, sm *alerting.StateMachine, sealer *crypto.Sealer) store.Options {
	return store.Options{
		Now: opts.Now, Logger: opts.Logger, Retention: store.RetentionPolicy{Raw: cfg.RawRetention},
		BeforeAudit: opts.BeforeAudit, NoSync: opts.NoSync, FutureSchemaForTest: opts.FutureSchemaForTest,
		Alerts: sm.StoreHooks(), Maintenance: alerting.MaintenanceActive,
		Subscribers: (&notify.SubscriberNotices{BaseURL: cfg.BaseURL, Opener: sealer, Logger: opts.Logger}).Notice,
	}
}

// newEngine builds the monitoring engine: every probe dials through the egress guard,
// DNS checks without a resolver of their own ask the host's (exempt from the policy).
func newEngine(cfg *config.Config, opts Options, db *store.DB, sealer *crypto.Sealer, secrets *vault.Vault, guard *egress.Guard, userAgent string) *monitor.Engine {
	e := monitor.NewEngine(monitor.EngineConfig{
		Store:       db,
		Opener:      sealer,
		Secrets:     secrets,
		Env:         probeEnv(opts, guard, userAgent),
		Poll:        cfg.SchedulerPollInterval,
		Concurrency: cfg.CheckConcurrency,
		Logger:      opts.Logger,
		Location:    cfg.BuiltinLocation(),
	})
	e.Scheduler.FirstCheckDelay = opts.FirstCheckDelay
	return e
}

// probeEnv is what the probes use: every dial through guard, DNS checks without a
// resolver of their own through the host's (exempt from the policy).
func probeEnv(opts Options, guard *egress.Guard, userAgent string) *monitor.Env {
	return &monitor.Env{
		Dial:               guard.DialContext,
		ResolveIP:          guard.ResolveIP,
		DialSystemResolver: guard.DialSystemResolver,
		SourceAddr:         guard.SourceAddr(),
		UserAgent:          userAgent,
		Now:                wallClock(opts.Now),
		ICMP:               monitor.DetectICMP(),
	}
}

// smtpConfig is the instance SMTP server of cfg; nil when SMTP_HOST is unset.
func smtpConfig(cfg *config.Config) *notify.SMTPConfig {
	if cfg.SMTPHost == "" {
		return nil
	}
	return &notify.SMTPConfig{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername,
		Password: cfg.SMTPPassword, From: cfg.SMTPFrom, TLS: cfg.SMTPTLS, HeloName: notify.HeloNameOf(cfg.BaseURL)}
}

// utcClock is now, or the wall clock in UTC.
func utcClock(now func() time.Time) func() time.Time {
	if now != nil {
		return now
	}
	return func() time.Time { return time.Now().UTC() }
}

// wallClock is now, or time.Now.
func wallClock(now func() time.Time) func() time.Time {
	if now != nil {
		return now
	}
	return time.Now
}
