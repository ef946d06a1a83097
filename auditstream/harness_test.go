package auditstream

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/egress"
	"github.com/alertifypro/alertifypro/store"
)

// streamEnv is a real store in t.TempDir(), a real sealer and the egress guard under the
// private policy (loopback receivers allowed), as serve builds them.
type streamEnv struct {
	t      *testing.T
	path   string
	db     *store.DB
	sealer *crypto.Sealer
	guard  *egress.Guard
	org    *store.Organization
}

func storeOptions() store.Options {
	return store.Options{
		Alerts: store.AlertHooks{
			Result:    func(*store.AlertTx, *store.ResultEvent) error { return nil },
			Heartbeat: func(*store.AlertTx, *store.HeartbeatTransition) error { return nil },
			Closed:    func(*store.AlertTx, *store.Alert) error { return nil },
		},
		Maintenance: func(*store.MaintenanceWindow, time.Time) bool { return false },
		Subscribers: func(*store.SubscriberNotice, *store.Subscriber) (*store.OutboxEntry, error) { return nil, nil },
	}
}

func newStreamEnv(t *testing.T) *streamEnv {
	t.Helper()
	sealer, err := crypto.NewSealer(bytes.Repeat([]byte{9}, 32))
	if err != nil {
		t.Fatal(err)
	}
	policy, err := egress.ParsePolicy("private", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	env := &streamEnv{t: t, path: filepath.Join(t.TempDir(), "alertifypro.db"), sealer: sealer, guard: egress.New(policy)}
	env.open()
	env.org = &store.Organization{Name: "Ada's Organization", Slug: "ada", PlanType: "free", MaxServices: 5}
	if err := env.db.Register(&store.User{Email: "ada@example.com", FullName: "Ada", PasswordHash: "$2a$10$x"}, env.org,
		&store.Membership{Role: "owner"}, nil); err != nil {
		t.Fatal(err)
	}
	return env
}

// open opens (or reopens, as a restarted appliance does) the database file.
func (env *streamEnv) open() {
	db, err := store.Open(env.path, storeOptions())
	if err != nil {
		env.t.Fatal(err)
	}
	env.t.Cleanup(func() {
		if env.db == db {
			if err := db.Check(); err != nil {
				env.t.Errorf("bbolt check: %v", err)
			}
		}
		_ = db.Close()
	})
	env.db = db
}

// createStream stores a stream with its URL and credentials sealed as the API seals them;
// the creation is audited, so the stream's first event is its own creation.
func (env *streamEnv) createStream(typ, rawURL string, settings, secrets map[string]string) *store.AuditStream {
	env.t.Helper()
	s := &store.AuditStream{ID: store.NewID(), Name: typ + " receiver", Type: typ, Enabled: true, Settings: settings,
		DisplayURL: rawURL, Secrets: map[string][]byte{}}
	var err error
	if rawURL != "" {
		if s.SealedURL, err = env.sealer.Seal([]byte(rawURL), env.org.ID, URLRecord(s.ID)); err != nil {
			env.t.Fatal(err)
		}
	}
	for k, v := range secrets {
		if s.Secrets[k], err = env.sealer.Seal([]byte(v), env.org.ID, SecretRecord(s.ID, k)); err != nil {
			env.t.Fatal(err)
		}
	}
	created := &store.AuditEntry{Event: "audit_stream.created", Actor: store.AuditActor{Type: "user", Email: "ada@example.com"},
		Resource: store.AuditResource{Type: "audit_stream", ID: s.ID, Name: s.Name}}
	if err := env.db.CreateAuditStream(env.org.ID, s, &store.Change{Audit: []*store.AuditEntry{created}}); err != nil {
		env.t.Fatal(err)
	}
	return s
}

// streamer is the worker as serve runs it, with short polls and backoffs.
func (env *streamEnv) streamer(batch int) *Streamer {
	return &Streamer{Store: env.db, Transport: NewTransport(env.guard, env.sealer, nil, "AlertifyPro/test"),
		Poll: 5 * time.Millisecond, BatchSize: batch, BaseBackoff: 5 * time.Millisecond, MaxBackoff: 40 * time.Millisecond}
}

// owed lists the IDs of the entries stream s must deliver, in commit order.
func (env *streamEnv) owed(s *store.AuditStream) []string {
	env.t.Helper()
	entries, _, err := env.db.AuditAfter(env.org.ID, s.State.Cursor, 1_000_000, 1<<30)
	if err != nil {
		env.t.Fatal(err)
	}
	ids := make([]string, len(entries))
	for i, e := range entries {
		ids[i] = e.Entry.ID
	}
	return ids
}

// waitFor polls cond until it holds or 20 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
