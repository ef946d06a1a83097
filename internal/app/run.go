package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"golang.org/x/sync/errgroup"
)

// shutdownGrace is how long in-flight requests get to finish on shutdown.
const shutdownGrace = 15 * time.Second

// worker is one long-running part of the appliance.
type worker struct {
	name string
	run  func(ctx context.Context) error
	// untilDrained: requests in flight use it, so its context ends only once the HTTP
	// server has drained, not when Run's does.
	untilDrained bool
	// detached: it runs outside the group, so its failure does not stop the others; Run
	// returns it at the end.
	detached bool
	// leaderOnly: on a clustered node it runs only while the node leads the cluster,
	// stopped when leadership is lost and started again on the next term (SPEC §9).
	leaderOnly bool
}

// Run runs every worker and serves on ln until ctx ends or a worker fails, then shuts
// down in order: the HTTP server drains first (its requests record through the engine
// and the ping recorder), then the engine stops scheduling, waits for the checks in
// flight and flushes its recorder, and the ping recorder commits what it holds; the
// other workers stop with ctx. The store stays open for Close, which comes last. Run
// returns the first failure, nil after a clean shutdown.
func (a *App) Run(ctx context.Context, ln net.Listener) error {
	drained, stopDrained := context.WithCancel(context.WithoutCancel(ctx))
	defer stopDrained()
	g, gctx := errgroup.WithContext(ctx)
	var detached []chan error
	for _, w := range a.workers {
		wctx := gctx
		if w.untilDrained {
			wctx = drained
		}
		if w.leaderOnly && a.cluster != nil {
			run := w.run
			w.run = func(ctx context.Context) error { return a.cluster.Leadership().WhileLeading(ctx, run) }
		}
		if w.detached {
			done := make(chan error, 1)
			go func() { done <- w.run(wctx) }()
			detached = append(detached, done)
			continue
		}
		g.Go(func() error { return w.run(wctx) })
	}
	g.Go(func() error {
		if err := a.server.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	})
	g.Go(func() error {
		<-gctx.Done()
		a.log.Info("shutting down")
		sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		defer stopDrained()
		return a.server.Shutdown(sctx)
	})
	err := g.Wait()
	stopDrained()
	for _, done := range detached {
		if derr := <-done; err == nil {
			err = derr
		}
	}
	return err
}
