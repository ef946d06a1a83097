package uitest

import (
	"slices"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/internal/app"
)

// The browser tests test serve: their server is the application serve builds from its
// configuration, with every worker serve runs — the janitor, history purger, heartbeat
// watcher and maintenance events included — whether or not a test lets checks run.
func TestHarnessRunsEveryWorkerServeRuns(t *testing.T) {
	// serve's configuration: the environment, here DATA_DIR alone (secrets are generated
	// as on a first start); serve passes no test options.
	t.Setenv("DATA_DIR", t.TempDir())
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	served, err := app.New(cfg, app.Options{Version: "serve"})
	if err != nil {
		t.Fatal(err)
	}
	defer served.Close()
	want := served.Workers()
	if len(want) < 9 {
		t.Fatalf("serve runs %q: fewer workers than the appliance has", want)
	}
	for _, opt := range []serverOptions{{}, {Engine: true, FirstCheckDelay: time.Second}} {
		srv := startServer(t, opt)
		if got := srv.App.Workers(); !slices.Equal(got, want) {
			t.Errorf("browser harness (Engine %v) runs %q, serve runs %q", opt.Engine, got, want)
		}
	}
}
