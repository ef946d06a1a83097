package api_test

import (
	"context"
	"net"
	"testing"

	"github.com/alertifypro/alertifypro/api"
	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/internal/app"
)

// startApp runs the application serve runs (internal/app) over a fresh DATA_DIR on a
// loopback port and returns it with its base URL; it stops, drains and closes when the
// test ends. The load programs measure the server through it.
func startApp(t *testing.T, opts app.Options) (*app.App, string) {
	t.Helper()
	return startAppWith(t, api.TestConfig(t.TempDir()), opts)
}

// startAppWith is startApp with a configuration of the caller's (its DATA_DIR may hold a
// database seeded beforehand).
func startAppWith(t *testing.T, cfg *config.Config, opts app.Options) (*app.App, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL = "http://" + ln.Addr().String()
	a, err := app.New(cfg, opts)
	if err != nil {
		ln.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
		if err := a.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return a, cfg.BaseURL
}
