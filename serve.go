package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/sync/errgroup"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/api"
	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/egress"
	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// shutdownGrace is how long in-flight requests get to finish on shutdown.
const shutdownGrace = 15 * time.Second

// serve runs the server until ctx is cancelled: config → store → workers →
// api → listen, then a graceful shutdown in the reverse order.
func serve(ctx context.Context, stderr io.Writer) error {
	return serveWith(ctx, stderr, nil)
}

// serveWith is serve with tune (nil: none) adjusting the store's options before it opens:
// the durability test runs the real server with NoSync as its negative control.
func serveWith(ctx context.Context, stderr io.Writer, tune func(*store.Options)) error {
	cfg, err := config.Load()
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	logger := cfg.Logger(stderr)
	if cfg.SecretsGenerated {
		logger.Warn("JWT_SECRET and/or ENCRYPTION_KEY were not set: generated them into " +
			filepath.Join(cfg.DataDir, config.SecretsFileName) + " (mode 0600). Back this file up with the database.")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create DATA_DIR: %w", err)
	}
	sealer, err := crypto.NewSealer(cfg.EncryptionKeyBytes)
	if err != nil {
		return err
	}
	// The alert state machine runs inside the store's transactions, so it is built first;
	// the outbox sender's doorbell too, which the state machine rings after its commits.
	bell := notify.NewDoorbell()
	sm := alerting.NewStateMachine(alerting.Config{BaseURL: cfg.BaseURL, Logger: logger,
		AckKey: alerting.DeriveAckKey(cfg.JWTKey), Wake: bell.Ring})
	opts := store.Options{Logger: logger, Retention: store.RetentionPolicy{Raw: cfg.RawRetention},
		Alerts: sm.StoreHooks(), Maintenance: alerting.MaintenanceActive,
		Subscribers: (&notify.SubscriberNotices{BaseURL: cfg.BaseURL, Opener: sealer, Logger: logger}).Notice}
	if tune != nil {
		tune(&opts)
	}
	db, err := store.Open(filepath.Join(cfg.DataDir, "alertifypro.db"), opts)
	if errors.Is(err, store.ErrDamaged) {
		// One line that says what to do: the file is refused as it is, never repaired.
		return fmt.Errorf("%w; refusing to start: restore the newest backup over it (server stopped), "+
			"or run `alertifypro check` for the full report", err)
	} else if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckEncryptionKey(sealer.KeyCheck()); err != nil {
		return err
	}
	policy, err := egress.ParsePolicy(cfg.EgressPolicy, cfg.EgressAllowCIDRs, cfg.EgressDenyCIDRs)
	if err != nil {
		return err
	}
	guard := egress.New(policy)
	engine := monitor.NewEngine(monitor.EngineConfig{
		Store:  db,
		Opener: sealer,
		Env: &monitor.Env{
			Dial:      guard.DialContext,
			ResolveIP: guard.ResolveIP,
			// The host's resolver, for DNS checks without one: exempt from the policy.
			DialSystemResolver: guard.DialSystemResolver,
			UserAgent:          "AlertifyPro/" + version,
			Now:                time.Now,
			ICMP:               monitor.DetectICMP(),
		},
		Poll:        cfg.SchedulerPollInterval,
		Concurrency: cfg.CheckConcurrency,
		Logger:      logger,
	})
	purger := store.NewHistoryPurger(db, logger)
	// Every notification delivery, test sends included, goes out through the egress guard.
	var smtp *notify.SMTPConfig
	if cfg.SMTPHost != "" {
		smtp = &notify.SMTPConfig{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername,
			Password: cfg.SMTPPassword, From: cfg.SMTPFrom, TLS: cfg.SMTPTLS}
	}
	notifyDeps := notify.NewDeps(guard, smtp, "AlertifyPro/"+version)
	destinations := &notify.Destinations{Store: db, Opener: sealer, Logger: logger, Deps: notifyDeps}
	outbox := &notify.OutboxSender{Store: db, Resolve: destinations.Resolve, Logger: logger,
		OnDelivered: destinations.OnDelivered, OnPermanent: destinations.OnPermanent, Doorbell: bell}
	// Heartbeat pings are group-committed; the watcher marks missed deadlines.
	pings := alerting.NewPingRecorder(db, logger)
	heartbeats := &alerting.HeartbeatWatcher{Store: db, Logger: logger}
	alerter := alerting.NewAlerter(db, sm)
	gin.SetMode(gin.ReleaseMode) // Gin's default debug mode prints every route at start
	router, err := api.NewRouter(api.Deps{
		Config:    cfg,
		Store:     db,
		Passwords: crypto.NewPasswordHasher(cfg.BcryptCost),
		Tokens:    crypto.NewTokenIssuer(cfg.JWTKey, cfg.JWTTTL, func() time.Time { return time.Now().UTC() }),
		Sealer:    sealer,
		Guard:     guard,
		Engine:    engine,
		Purger:    purger,
		Alerter:   alerter,
		Logger:    logger,
		Version:   version,

		Notify: notifyDeps,
		Pings:  pings,
	})
	if err != nil {
		return fmt.Errorf("build router: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		return err
	}
	srv := api.NewServer(cfg.Addr(), router, logger)
	logger.Info("AlertifyPro listening", "addr", ln.Addr().String(), "version", version,
		"base_url", cfg.BaseURL, "data_dir", cfg.DataDir)

	// Shutdown order: the HTTP server drains first (its check-now calls
	// record through the engine), then the engine stops scheduling, waits
	// for checks in flight and flushes the recorder; the store closes last.
	engineCtx, stopEngine := context.WithCancel(context.WithoutCancel(ctx))
	defer stopEngine()
	engineDone := make(chan error, 1)
	go func() { engineDone <- engine.Run(engineCtx) }()

	g, gctx := errgroup.WithContext(ctx)
	janitor := &store.Janitor{DB: db, Logger: logger}
	g.Go(func() error { return janitor.Run(gctx) })
	g.Go(func() error { return purger.Run(gctx) })
	g.Go(func() error { return outbox.Run(gctx) })
	// maintenance.started / maintenance.ended webhook events, each transition once.
	maintEvents := &alerting.MaintenanceEvents{Store: db, Logger: logger, Wake: outbox.Wake}
	g.Go(func() error { return maintEvents.Run(gctx) })
	// The ping recorder stops after the HTTP server has drained, so in-flight pings commit.
	pingCtx, stopPings := context.WithCancel(context.WithoutCancel(ctx))
	g.Go(func() error { return pings.Run(pingCtx) })
	g.Go(func() error { return heartbeats.Run(gctx) })
	g.Go(func() error { return alerter.Run(gctx) })
	g.Go(func() error {
		if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		logger.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		defer stopPings()
		return srv.Shutdown(sctx)
	})
	err = g.Wait()
	stopEngine()
	if eerr := <-engineDone; err == nil {
		err = eerr
	}
	return err
}
