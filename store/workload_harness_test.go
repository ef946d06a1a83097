package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/egress"
	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// workload is the appliance's store as serve opens it — the alert state machine, the
// maintenance rule, subscriber notices opened with a real key — with the workers that
// write to it (alerter, outbox sender delivering to a receiver on loopback, heartbeat
// watcher, maintenance events, janitor) on a clock the test moves. Every write set is
// captured encoded, as a Raft log entry carries it, and at checkpoints the test keeps a
// logical dump of the database to compare replicas with.
type workload struct {
	t       *testing.T
	dir     string
	db      *store.DB
	opts    store.Options
	now     time.Time
	sealer  *crypto.Sealer
	alerter *alerting.Alerter
	sender  *notify.OutboxSender
	hooks   *httptest.Server
	mu      sync.Mutex
	flaky   int // answers /flaky has given (the first two are 503)
	sets    [][]byte
	marks   []checkpoint
	// repl is the cluster of a clustered workload (newClusteredWorkload): db is its
	// leader; nil for a single node.
	repl *loopReplicator
}

// checkpoint is what the database held after its first sets writes.
type checkpoint struct {
	name string
	sets int
	dump []string
}

func newWorkload(t *testing.T) *workload {
	t.Helper()
	return newWorkloadWith(t, false)
}

// newWorkloadWith is newWorkload; with clustered, db is the leader of a loopReplicator
// whose follower applies the same entries.
func newWorkloadWith(t *testing.T, clustered bool) *workload {
	t.Helper()
	w := &workload{t: t, dir: t.TempDir(), now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	var err error
	if w.sealer, err = crypto.NewSealer([]byte("0123456789abcdef0123456789abcdef")); err != nil {
		t.Fatal(err)
	}
	w.hooks = httptest.NewServer(http.HandlerFunc(w.receive)) // 127.0.0.1
	t.Cleanup(w.hooks.Close)
	logger := slog.New(slog.DiscardHandler)
	sm := alerting.NewStateMachine(alerting.Config{BaseURL: "https://status.example", AckKey: []byte("ack key"),
		Now: w.clock, Logger: logger})
	w.opts = store.Options{Now: w.clock, Logger: logger, NoSync: true,
		Alerts: sm.StoreHooks(), Maintenance: alerting.MaintenanceActive,
		Subscribers: (&notify.SubscriberNotices{BaseURL: "https://status.example", Opener: w.sealer, Logger: logger}).Notice}
	opts := w.opts
	opts.Capture = func(ws *store.WriteSet) error {
		raw, err := ws.MarshalBinary()
		w.sets = append(w.sets, raw)
		return err
	}
	if clustered {
		w.repl = &loopReplicator{}
		opts.Replicator = w.repl
	}
	if w.db, err = store.Open(filepath.Join(w.dir, "alertifypro.db"), opts); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.db.Close() })
	if clustered {
		follower, err := store.Open(filepath.Join(w.dir, "follower.db"), w.opts)
		w.must(err)
		t.Cleanup(func() { follower.Close() })
		w.must(follower.CheckEncryptionKey(w.sealer.KeyCheck()))
		w.repl.nodes = []*store.DB{w.db, follower}
	}
	w.alerter = alerting.NewAlerter(w.db, sm)
	policy, err := egress.ParsePolicy(egress.ModePrivate, nil, nil) // the receiver is on loopback
	if err != nil {
		t.Fatal(err)
	}
	dest := &notify.Destinations{Store: w.db, Opener: w.sealer, Deps: notify.NewDeps(egress.New(policy), nil, "AlertifyPro/test")}
	w.sender = &notify.OutboxSender{Store: w.db, Resolve: dest.Resolve, Now: w.clock, Logger: logger,
		OnDelivered: dest.OnDelivered, OnPermanent: dest.OnPermanent,
		AttemptTimeout: 5 * time.Second, MaxAttempts: 3, BaseBackoff: time.Second, MaxBackoff: time.Minute}
	return w
}

func (w *workload) clock() time.Time { return w.now }

// advance moves the clock.
func (w *workload) advance(d time.Duration) { w.now = w.now.Add(d) }

// receive answers deliveries: /ok accepts, /gone is gone for good (dead letters), /flaky
// fails twice with 503 (retries) and then accepts.
func (w *workload) receive(rw http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/gone":
		rw.WriteHeader(http.StatusGone)
	case "/flaky":
		w.mu.Lock()
		w.flaky++
		n := w.flaky
		w.mu.Unlock()
		if n <= 2 {
			rw.WriteHeader(http.StatusServiceUnavailable)
		}
	}
}

// url is the receiver's URL for path.
func (w *workload) url(path string) string { return w.hooks.URL + path }

// must fails the test on err.
func (w *workload) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

// seal seals v (JSON) for record of orgID, as the API seals secrets before storing them.
func (w *workload) seal(orgID, record string, v any) []byte {
	w.t.Helper()
	raw, err := json.Marshal(v)
	w.must(err)
	sealed, err := w.sealer.Seal(raw, orgID, record)
	w.must(err)
	return sealed
}

// sealRaw seals plain bytes.
func (w *workload) sealRaw(orgID, record, plain string) []byte {
	w.t.Helper()
	sealed, err := w.sealer.Seal([]byte(plain), orgID, record)
	w.must(err)
	return sealed
}

// deliver runs the outbox sender until nothing it can send is due; retries wait for the
// clock, which the test moves.
func (w *workload) deliver() int {
	w.t.Helper()
	total := 0
	for range 20 {
		n, err := w.sender.DeliverDue(context.Background())
		w.must(err)
		if total += n; n == 0 {
			break
		}
	}
	return total
}

// audit is a Change with one audit entry, as the API records.
func audit(event, typ, id string) *store.Change {
	return &store.Change{Audit: []*store.AuditEntry{{Event: event, Resource: store.AuditResource{Type: typ, ID: id}}}}
}

// mark keeps a checkpoint: everything the database holds after the sets so far.
func (w *workload) mark(name string) {
	w.t.Helper()
	dump, err := store.LogicalDumpForTest(w.db)
	w.must(err)
	w.marks = append(w.marks, checkpoint{name: name, sets: len(w.sets), dump: dump})
}

// replay applies the captured sets, decoded and passed through edit, in order to an empty
// replica, and returns the first difference from a checkpoint (nil: it matched them all).
func (w *workload) replay(name string, edit func(*store.WriteSet) *store.WriteSet) error {
	w.t.Helper()
	opts := w.opts
	replica, err := store.OpenReplicaForTest(filepath.Join(w.dir, name+".db"), opts)
	w.must(err)
	defer replica.Close()
	next := 0
	for i, raw := range w.sets {
		var ws store.WriteSet
		w.must(ws.UnmarshalBinary(raw))
		if err := replica.ApplyWriteSet(edit(&ws)); err != nil {
			return fmt.Errorf("set %d: %w", i, err)
		}
		for next < len(w.marks) && w.marks[next].sets == i+1 {
			got, err := store.LogicalDumpForTest(replica)
			w.must(err)
			if diff := store.DumpDiffForTest(w.marks[next].dump, got); diff != nil {
				return fmt.Errorf("at checkpoint %q:\n  %s", w.marks[next].name, strings.Join(diff, "\n  "))
			}
			next++
		}
	}
	return nil
}

// touched returns the names of the buckets the captured sets put keys into or deleted
// keys from, counted.
func (w *workload) touched() map[string]int {
	w.t.Helper()
	out := map[string]int{}
	for _, raw := range w.sets {
		var ws store.WriteSet
		w.must(ws.UnmarshalBinary(raw))
		for _, m := range ws.Mutations() {
			if n := len(m.Bucket); n > 0 && (m.Kind == store.MutationPut || m.Kind == store.MutationDelete) {
				out[string(m.Bucket[n-1])]++
			}
		}
	}
	return out
}
