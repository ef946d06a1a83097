package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// fakeClock is the outbox's clock in tests: time moves only when the test says so.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// reply is what a receiver answers to its n-th request (1-based).
type reply func(n int) (status int, header map[string]string, body string)

// receiver is a real HTTP endpoint on loopback that counts what it gets, by delivery id.
type receiver struct {
	URL      string
	mu       sync.Mutex
	hits     int
	accepted map[string]int // delivery id → 2xx answers given
	ids      []string       // X-AlertifyPro-Delivery of every request, in order
}

func newReceiver(t *testing.T, answer reply) *receiver {
	r := &receiver{accepted: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		id := req.Header.Get("X-AlertifyPro-Delivery")
		r.mu.Lock()
		r.hits++
		n := r.hits
		r.ids = append(r.ids, id)
		r.mu.Unlock()
		status, header, body := answer(n)
		if status/100 == 2 {
			r.mu.Lock()
			r.accepted[id]++
			r.mu.Unlock()
		}
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

func (r *receiver) Hits() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.hits
}

func (r *receiver) Accepted(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.accepted[id]
}

// postSender is the test Sender: it POSTs the notification as JSON with the delivery id
// header and classifies the answer the way the contract asks channel senders to.
type postSender struct{ url string }

func (p postSender) Send(ctx context.Context, n *Notification) (Attempt, error) {
	body, err := json.Marshal(n)
	if err != nil {
		return Attempt{Permanent: true}, &DeliveryError{Attempt: Attempt{Permanent: true}, Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return Attempt{}, &DeliveryError{Attempt: Attempt{Permanent: true}, Err: err}
	}
	req.Header.Set("X-AlertifyPro-Delivery", n.ID)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return Attempt{}, &DeliveryError{Err: err}
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	att := Attempt{StatusCode: resp.StatusCode, Response: string(raw[:min(len(raw), 500)])}
	if resp.StatusCode/100 == 2 {
		return att, nil
	}
	if secs, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil {
		att.RetryAfter = time.Duration(secs) * time.Second
	}
	switch resp.StatusCode {
	case 401, 403, 404, 410, 422:
		att.Permanent = true
	}
	return att, &DeliveryError{Attempt: att, Err: fmt.Errorf("HTTP %d", resp.StatusCode)}
}

// outboxEnv is a real store in a temporary directory with one organization.
type outboxEnv struct {
	path  string
	db    *store.DB
	orgID string
	clock *fakeClock
}

func newOutboxEnv(t *testing.T) *outboxEnv {
	env := &outboxEnv{path: filepath.Join(t.TempDir(), "alertifypro.db"), clock: newFakeClock()}
	env.reopen(t)
	org := &store.Organization{Name: "Ada's Organization"}
	err := env.db.Register(&store.User{Email: "ada@example.com", FullName: "Ada", PasswordHash: "$2a$10$hash"}, org, &store.Membership{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	env.orgID = org.ID
	return env
}

// outboxStoreOptions is opts for the outbox tests, which record no results and change no
// heartbeats, alerts or incidents: the store's alert decisions do nothing, no window is
// ever in maintenance and no subscriber hears anything (alerting and internal/app pass
// the real ones; this package cannot import alerting).
func outboxStoreOptions(opts store.Options) store.Options {
	opts.Alerts = store.AlertHooks{
		Result:    func(*store.AlertTx, *store.ResultEvent) error { return nil },
		Heartbeat: func(*store.AlertTx, *store.HeartbeatTransition) error { return nil },
		Closed:    func(*store.AlertTx, *store.Alert) error { return nil },
	}
	opts.Maintenance = func(*store.MaintenanceWindow, time.Time) bool { return false }
	opts.Subscribers = func(*store.SubscriberNotice, *store.Subscriber) (*store.OutboxEntry, error) { return nil, nil }
	return opts
}

// reopen opens the database file (again), as a restarted appliance does.
func (env *outboxEnv) reopen(t *testing.T) {
	db, err := store.Open(env.path, outboxStoreOptions(store.Options{Now: env.clock.Now}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if env.db == db { // the file as the test left it (earlier handles are closed)
			if err := db.Check(); err != nil {
				t.Errorf("bbolt check: %v", err)
			}
		}
		_ = db.Close() // closing twice is harmless
	})
	env.db = db
}

// sender returns an OutboxSender delivering every entry to url, with jitter fixed at the
// top of its range (so backoffs are exact: 5s, 10s, 20s, ...).
func (env *outboxEnv) sender(url string) *OutboxSender {
	return &OutboxSender{
		Store:          env.db,
		Resolve:        func(*store.OutboxEntry) (Sender, error) { return postSender{url}, nil },
		Now:            env.clock.Now,
		AttemptTimeout: 5 * time.Second,
		BaseBackoff:    5 * time.Second,
		MaxBackoff:     time.Minute,
		jitter:         func() float64 { return 1 },
	}
}

// enqueue queues an "alert.fired" notification for channel target.
func (env *outboxEnv) enqueue(t *testing.T, target string) *store.OutboxEntry {
	t.Helper()
	raw, _ := json.Marshal(Notification{Event: "alert.fired", Title: "API down", OrgID: env.orgID})
	e := &store.OutboxEntry{Kind: store.OutboxKindChannel, TargetID: target, Event: "alert.fired", Notification: raw}
	if err := env.db.Enqueue(env.orgID, e); err != nil {
		t.Fatal(err)
	}
	return e
}

// pass runs one DeliverDue and returns how many entries it attempted.
func pass(t *testing.T, s *OutboxSender) int {
	t.Helper()
	n, err := s.DeliverDue(t.Context())
	if err != nil {
		t.Fatalf("DeliverDue: %v", err)
	}
	return n
}

// queued returns the entry id as it waits in the outbox, or nil.
func (env *outboxEnv) queued(t *testing.T, id string) *store.OutboxEntry {
	t.Helper()
	due, err := env.db.DueOutbox(env.clock.Now().Add(1000*time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for i := range due {
		if due[i].ID == id {
			return &due[i]
		}
	}
	return nil
}

// always answers every request the same way.
func always(status int, body string) reply {
	return func(int) (int, map[string]string, string) { return status, nil, body }
}
