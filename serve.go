package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/internal/app"
	"github.com/alertifypro/alertifypro/store"
)

// serve runs the server until ctx is cancelled: config → app.New → listen → Run, which
// drains everything in order before the store closes.
func serve(ctx context.Context, stderr io.Writer) error {
	return serveWith(ctx, stderr, app.Options{})
}

// serveWith is serve with opts adjusting the application (its logger and version are
// serve's): the durability test runs the real server with NoSync as its negative control.
func serveWith(ctx context.Context, stderr io.Writer, opts app.Options) error {
	cfg, err := config.Load()
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	logger := cfg.Logger(stderr)
	if cfg.SecretsGenerated {
		logger.Warn("JWT_SECRET and/or ENCRYPTION_KEY were not set: generated them into " +
			filepath.Join(cfg.DataDir, config.SecretsFileName) + " (mode 0600). Back this file up with the database.")
	}
	opts.Logger, opts.Version = logger, version
	a, err := app.New(cfg, opts)
	if errors.Is(err, store.ErrDamaged) {
		// One line that says what to do: the file is refused as it is, never repaired.
		return fmt.Errorf("%w; refusing to start: restore the newest backup over it (server stopped), "+
			"or run `alertifypro check` for the full report", err)
	} else if err != nil {
		return err
	}
	defer a.Close()
	ln, err := net.Listen("tcp", cfg.Addr())
	if err != nil {
		return err
	}
	logger.Info("AlertifyPro listening", "addr", ln.Addr().String(), "version", version,
		"base_url", cfg.BaseURL, "data_dir", cfg.DataDir)
	return a.Run(ctx, ln)
}
