package app

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/store"
)

// testConfig is a valid configuration on 127.0.0.1 with fixed secrets and the cheapest
// bcrypt cost.
func testConfig(dataDir string) *config.Config {
	return &config.Config{
		ListenAddr: "127.0.0.1", Port: 3001, DataDir: dataDir, JWTTTL: time.Hour, BcryptCost: 4,
		BaseURL: "http://127.0.0.1:3001", RegistrationMode: "open", EgressPolicy: "private",
		SchedulerPollInterval: time.Second, CheckConcurrency: 4, RawRetention: 168 * time.Hour,
		SMTPPort: 587, SMTPTLS: "none", LogLevel: "error", LogFormat: "text",
		JWTKey:             []byte("app-test-jwt-secret-app-test-jwt-secret-0"),
		EncryptionKeyBytes: bytes.Repeat([]byte{9}, 32),
	}
}

// serveWorkers is every worker of the server serve runs, in Run's order.
var serveWorkers = []string{"engine", "janitor", "history purger", "outbox sender", "audit streams", "maintenance events",
	"ping recorder", "heartbeat watcher", "alerter", "handoff notices", "agent hub", "location watch", "scheduled reports", "http server"}

func TestNewWiresEveryWorker(t *testing.T) {
	a, err := New(testConfig(t.TempDir()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if got := a.Workers(); !slices.Equal(got, serveWorkers) {
		t.Fatalf("workers = %q, want %q", got, serveWorkers)
	}
	b, err := New(testConfig(t.TempDir()), Options{NoEngine: true})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if got := b.Workers(); !slices.Equal(got, serveWorkers[1:]) {
		t.Fatalf("workers without the engine = %q, want %q", got, serveWorkers[1:])
	}
}

// A wrong ENCRYPTION_KEY is refused after the store opened: New must close it again, or
// the file's lock would keep the next start (with the right key) out.
func TestNewClosesTheStoreWhenItFails(t *testing.T) {
	dir := t.TempDir()
	a, err := New(testConfig(dir), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	wrong := testConfig(dir)
	wrong.EncryptionKeyBytes = bytes.Repeat([]byte{1}, 32)
	if _, err := New(wrong, Options{}); err == nil {
		t.Fatal("New with another ENCRYPTION_KEY succeeded")
	}
	done := make(chan error, 1)
	go func() {
		a, err := New(testConfig(dir), Options{})
		if err == nil {
			err = a.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("New after a refused start: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("New after a refused start hangs: the refused one kept the file")
	}
}

// Run serves until its context ends and then drains: a request in flight when shutdown
// begins (a registration held inside its transaction) still commits and gets its answer
// before Run returns, and the store is still open for it.
func TestRunDrainsRequestsInFlight(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	a, err := New(testConfig(t.TempDir()), Options{NoEngine: true, BeforeAudit: func(_ string, e *store.AuditEntry) error {
		if e.Event == "auth.registered" {
			close(entered)
			<-release
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var releaseOnce sync.Once
	releaseAll := func() { releaseOnce.Do(func() { close(release) }) }
	defer releaseAll() // before Close, which waits for the held transaction
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	ran := make(chan error, 1)
	go func() { ran <- a.Run(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	if resp, err := http.Get(base + "/api/v1/health"); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("health: %v %v", resp, err)
	}
	answered := make(chan int, 1)
	go func() {
		resp, err := http.Post(base+"/api/v1/auth/register", "application/json",
			strings.NewReader(`{"email":"ada@example.com","password":"correct horse battery","full_name":"Ada"}`))
		if err != nil {
			answered <- -1
			return
		}
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	<-entered
	cancel()
	select {
	case err := <-ran:
		t.Fatalf("Run returned (%v) while a request was in flight", err)
	case <-time.After(300 * time.Millisecond):
	}
	releaseAll()
	if code := <-answered; code != http.StatusCreated {
		t.Fatalf("the request in flight got %d, want 201", code)
	}
	if err := <-ran; err != nil {
		t.Fatalf("Run = %v", err)
	}
	if _, err := a.DB().UserByEmail("ada@example.com"); err != nil {
		t.Fatalf("the drained registration is not stored: %v", err)
	}
	if resp, err := http.Get(base + "/api/v1/health"); err == nil {
		resp.Body.Close()
		t.Fatal("the server still answers after Run returned")
	}
}
