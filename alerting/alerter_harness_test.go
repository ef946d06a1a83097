package alerting

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// alertEpoch is where the test clock starts.
var alertEpoch = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

// testClock is a settable clock shared by the store and the Alerter.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.t = c.t.Add(d) }
func (c *testClock) Set(t time.Time)     { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// fixture is a real store in t.TempDir() opened with an Alerter's state machine, an
// instance admin (the first account) and a second account whose organization the tests
// use.
type fixture struct {
	t     testing.TB
	path  string
	db    *store.DB
	clock *testClock
	al    *Alerter
	admin *store.User
	user  *store.User
	org   *store.Organization
	wakes atomic.Int32
	cfg   Config
	// board, when set before open (or restart), is the state machine's LocationBoard.
	board *LocationBoard
	// What the store runs inside its transactions goes through these, so a test can watch
	// or break it: evaluate is the Alerter's evaluator, maintenance MaintenanceActive and
	// notices nil (nothing queued for subscribers) unless a test sets its own.
	evaluate    store.AlertEvaluator
	maintenance store.MaintenanceCheck
	notices     store.SubscriberNotifier
}

// storeOptions is opts with every in-transaction function the store requires: sm's alert
// hooks, MaintenanceActive and subscriber notices that queue nothing. The tests of this
// package open their stores through it (or the fixture), as internal/app opens serve's.
func storeOptions(opts store.Options, sm *StateMachine) store.Options {
	opts.Alerts = sm.StoreHooks()
	opts.Maintenance = MaintenanceActive
	opts.Subscribers = func(*store.SubscriberNotice, *store.Subscriber) (*store.OutboxEntry, error) { return nil, nil }
	return opts
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{t: t, path: filepath.Join(t.TempDir(), "alertifypro.db"), clock: &testClock{t: alertEpoch}}
	f.open()
	f.admin, _ = f.register("root@example.com", "Root")
	f.user, f.org = f.register("ops@example.com", "Ops")
	if _, err := f.db.UpdateOrganization(f.org.ID, func(o *store.Organization) error { o.MaxServices = -1; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	return f
}

// open opens the database file with a fresh state machine and its Alerter (what a start
// does).
func (f *fixture) open() {
	f.t.Helper()
	f.cfg = Config{BaseURL: "https://status.example", AckKey: []byte("test ack key"),
		Now: f.clock.Now, Wake: func() { f.wakes.Add(1) }, Locations: f.board}
	sm := NewStateMachine(f.cfg)
	f.evaluate, f.maintenance = sm.evaluate, MaintenanceActive
	opts := storeOptions(store.Options{Now: f.clock.Now}, sm)
	opts.Alerts.Result = func(tx *store.AlertTx, ev *store.ResultEvent) error { return f.evaluate(tx, ev) }
	opts.Maintenance = func(w *store.MaintenanceWindow, at time.Time) bool { return f.maintenance(w, at) }
	opts.Subscribers = func(n *store.SubscriberNotice, s *store.Subscriber) (*store.OutboxEntry, error) {
		if f.notices == nil {
			return nil, nil
		}
		return f.notices(n, s)
	}
	db, err := store.Open(f.path, opts)
	if err != nil {
		f.t.Fatal(err)
	}
	f.db = db
	f.al = NewAlerter(db, sm)
	f.t.Cleanup(func() {
		if f.db == db { // not already closed by restart
			f.checkAndClose()
		}
	})
}

// checkAndClose runs bbolt's consistency check over the file and closes it.
func (f *fixture) checkAndClose() {
	f.t.Helper()
	if err := f.db.Check(); err != nil {
		f.t.Errorf("bbolt check: %v", err)
	}
	if err := f.db.Close(); err != nil {
		f.t.Fatal(err)
	}
}

// restart closes the database and opens it again with a new Alerter.
func (f *fixture) restart() {
	f.t.Helper()
	f.checkAndClose()
	f.open()
}

func (f *fixture) register(email, name string) (*store.User, *store.Organization) {
	f.t.Helper()
	u := &store.User{Email: email, FullName: name, PasswordHash: "x"}
	org := &store.Organization{Name: name}
	if err := f.db.Register(u, org, &store.Membership{}, nil); err != nil {
		f.t.Fatal(err)
	}
	return u, org
}

// service creates a service on endpoint (a distinct host per service by default).
func (f *fixture) service(name string) *store.Service {
	f.t.Helper()
	s := &store.Service{Name: name, Endpoint: "https://" + name + ".example.test/health", CheckType: "HTTP",
		CheckIntervalSeconds: 60, TimeoutSeconds: 10, Status: "PENDING", DegradedThresholdMS: 1000,
		Tags: []string{}, Options: json.RawMessage(`{}`)}
	if err := f.db.CreateService(f.org.ID, s, nil); err != nil {
		f.t.Fatal(err)
	}
	return s
}

// channel creates an enabled webhook channel (severities nil = all).
func (f *fixture) channel(name string, severities ...string) *store.NotificationChannel {
	f.t.Helper()
	ch := &store.NotificationChannel{Name: name, Type: "webhook", Enabled: true, Severities: severities,
		Config: map[string]any{}}
	if err := f.db.CreateChannel(f.org.ID, ch, nil); err != nil {
		f.t.Fatal(err)
	}
	return ch
}

// rule creates an enabled rule on svc (nil: org-wide) failing on RED.
func (f *fixture) rule(name string, svc *store.Service, failures, successes int, mutate ...func(*store.AlertRule)) *store.AlertRule {
	f.t.Helper()
	r := &store.AlertRule{Name: name, Severity: "critical", Enabled: true, NotifyOnRecovery: true,
		Condition: store.AlertCondition{Statuses: []string{"RED"}, ConsecutiveFailures: failures, ConsecutiveSuccesses: successes}}
	if svc != nil {
		r.ServiceID = svc.ID
	}
	for _, m := range mutate {
		m(r)
	}
	if err := f.db.CreateAlertRule(f.org.ID, r, nil); err != nil {
		f.t.Fatal(err)
	}
	return r
}

// check records one result per service at the clock's time, then advances it a minute.
func (f *fixture) check(status string, svcs ...*store.Service) {
	f.t.Helper()
	if err := f.db.RecordResults(f.results(status, svcs...)); err != nil {
		f.t.Fatal(err)
	}
	f.clock.Add(time.Minute)
}

func (f *fixture) results(status string, svcs ...*store.Service) []store.RecordItem {
	items := make([]store.RecordItem, len(svcs))
	for i, s := range svcs {
		r := store.CheckResult{ServiceID: s.ID, CheckedAt: f.clock.Now(), Status: status, ResponseTimeMS: 42, StatusCode: 200}
		if status == store.StatusRed {
			r.StatusCode, r.Error = 503, "expected status 2xx, got 503"
		}
		items[i] = store.RecordItem{OrgID: f.org.ID, Result: r}
	}
	return items
}

// alerts lists the organization's alerts with status ("all", "open", ...).
func (f *fixture) alerts(status string) []store.Alert {
	f.t.Helper()
	out, _, err := f.db.Alerts(f.org.ID, store.AlertFilter{Status: status})
	if err != nil {
		f.t.Fatal(err)
	}
	return out
}

// queued is every outbox entry of every organization, with its notification decoded.
type queuedEntry struct {
	store.OutboxEntry
	N notify.Notification
}

func (f *fixture) outbox() []queuedEntry {
	f.t.Helper()
	entries, err := f.db.DueOutbox(f.clock.Now().Add(24*365*time.Hour), 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	out := make([]queuedEntry, len(entries))
	for i, e := range entries {
		out[i].OutboxEntry = e
		if err := json.Unmarshal(e.Notification, &out[i].N); err != nil {
			f.t.Fatal(err)
		}
	}
	return out
}

// events counts outbox entries by "kind:event".
func countByEvent(entries []queuedEntry) map[string]int {
	m := map[string]int{}
	for _, e := range entries {
		m[fmt.Sprintf("%s:%s", e.Kind, e.Event)]++
	}
	return m
}
