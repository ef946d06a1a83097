package agent

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/alertifypro/alertifypro/alerting"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/notify"
	"github.com/alertifypro/alertifypro/store"
)

// hubEnv is a real Hub over a real store, served on 127.0.0.1 by a handler that
// authenticates agent tokens as the API's channel route does (the api package's own tests
// cover that route; this package cannot import it).
type hubEnv struct {
	t      *testing.T
	db     *store.DB
	sealer *crypto.Sealer
	hub    *Hub
	sink   *recordingSink
	srv    *httptest.Server
	stop   func()
	// insecure, when set, makes the server see every connection as neither TLS nor
	// loopback.
	insecure bool
}

func newHubEnv(t *testing.T) *hubEnv {
	t.Helper()
	sealer, err := crypto.NewSealer(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(filepath.Join(t.TempDir(), "hub.db"), store.Options{
		Alerts:      alerting.NewStateMachine(alerting.Config{}).StoreHooks(),
		Maintenance: alerting.MaintenanceActive,
		Subscribers: (&notify.SubscriberNotices{Opener: sealer}).Notice,
	})
	if err != nil {
		t.Fatal(err)
	}
	e := &hubEnv{t: t, db: db, sealer: sealer, sink: &recordingSink{inner: &StoreSink{Store: db}}}
	e.startHub()
	e.srv = httptest.NewServer(http.HandlerFunc(e.serve))
	t.Cleanup(func() {
		e.srv.CloseClientConnections()
		e.stop()
		e.srv.Close()
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return e
}

// startHub (re)starts the hub over the env's store, as a server restart does.
func (e *hubEnv) startHub() { e.startHubWith(nil) }

// startHubWith is startHub with adjust changing the hub before it runs.
func (e *hubEnv) startHubWith(adjust func(*Hub)) {
	e.hub = &Hub{Store: e.db, Sink: e.sink, Opener: e.sealer, Version: "test", Logger: testLogger(e.t),
		HandshakeTimeout: time.Second, Poll: 500 * time.Millisecond}
	if adjust != nil {
		adjust(e.hub)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.hub.Run(ctx) }()
	var once sync.Once
	e.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				e.t.Errorf("hub: %v", err)
			}
		})
	}
}

// serve is the channel route: an agent token or 401.
func (e *hubEnv) serve(w http.ResponseWriter, r *http.Request) {
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	digest := crypto.Digest(token)
	tok, loc, err := e.db.AgentTokenByDigest(digest)
	if err != nil {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	e.hub.Serve(w, r, Peer{Token: tok, Digest: digest, Location: loc, Secure: !e.insecure, RemoteAddr: r.RemoteAddr})
}

// testLogger logs to the test's output when -v, else nowhere.
func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// org registers an organization and returns its ID.
func (e *hubEnv) org(name string) string {
	e.t.Helper()
	u := &store.User{Email: name + "@example.com", FullName: name, PasswordHash: "x"}
	o := &store.Organization{Name: name, PlanType: "enterprise", MaxServices: -1}
	if err := e.db.Register(u, o, &store.Membership{}, nil); err != nil {
		e.t.Fatal(err)
	}
	return o.ID
}

// testLocations are the locations the tests' services name: every location name the
// tests create, so a service goes to every location its organization may use.
var testLocations = []string{"home", "bob-lab", "eu-west"}

// service creates an HTTP service of orgID checking endpoint every interval seconds from
// testLocations; auth, when not nil, is sealed as the API seals it.
func (e *hubEnv) service(orgID, name, endpoint string, interval int, auth *monitor.Credentials) *store.Service {
	e.t.Helper()
	s := &store.Service{ID: store.NewID(), Name: name, CheckType: "HTTP", Endpoint: endpoint,
		CheckIntervalSeconds: interval, TimeoutSeconds: 1, Options: json.RawMessage(`{}`), Locations: testLocations}
	if auth != nil {
		sealed, err := monitor.SealAuth(e.sealer, orgID, s.ID, auth)
		if err != nil {
			e.t.Fatal(err)
		}
		s.Auth = sealed
	}
	if err := e.db.CreateService(orgID, s, nil); err != nil {
		e.t.Fatal(err)
	}
	return s
}

// location creates a location (orgID "" for an instance one) and a token for it.
func (e *hubEnv) location(orgID, name string) (*store.Location, string) {
	e.t.Helper()
	l := &store.Location{Name: name, DisplayName: name}
	var err error
	if orgID == "" {
		err = e.db.CreateInstanceLocation(l, "", nil)
	} else {
		err = e.db.CreateLocation(orgID, l, nil)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return l, e.token(l)
}

// token makes another token for l.
func (e *hubEnv) token(l *store.Location) string {
	e.t.Helper()
	secret, err := crypto.RandomToken("agt_", 32)
	if err != nil {
		e.t.Fatal(err)
	}
	tok := &store.AgentToken{Name: "t", Prefix: secret[:12], Digest: crypto.Digest(secret)}
	if l.OrgID == "" {
		err = e.db.CreateInstanceAgentToken(l.ID, tok, "", nil)
	} else {
		err = e.db.CreateAgentToken(l.OrgID, l.ID, tok, nil)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// rawAgent speaks the protocol by hand, so a test sees exactly what the server sends.
type rawAgent struct {
	t    *testing.T
	conn *websocket.Conn
	in   chan *message
	err  chan error
	tcp  *freezableConn
	// assigned is the agent's view of its assignments, built from what it received.
	mu       sync.Mutex
	assigned map[string]Assignment
	partial  []Assignment
	received []Assignment // every upsert ever received, credentials included
	removals []Removal
}

// dial connects with token and sends hello (a fresh instance unless given); it returns the
// agent and the first message (welcome or refused).
func (e *hubEnv) dial(token string, hello Hello) (*rawAgent, *message) {
	e.t.Helper()
	a, first, err := e.tryDial(token, hello)
	if err != nil {
		e.t.Fatal(err)
	}
	return a, first
}

func (e *hubEnv) tryDial(token string, hello Hello) (*rawAgent, *message, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h := http.Header{"Authorization": {"Bearer " + token}}
	tcp := make(chan *freezableConn, 1)
	var d net.Dialer
	client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		fc := &freezableConn{Conn: c, frozen: make(chan struct{}), closed: make(chan struct{})}
		tcp <- fc
		return fc, nil
	}}}
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(e.srv.URL, "http")+ConnectPath,
		&websocket.DialOptions{HTTPHeader: h, HTTPClient: client})
	if err != nil {
		return nil, nil, err
	}
	conn.SetReadLimit(maxServerMessage)
	if hello.Protocol == 0 {
		hello.Protocol = ProtocolVersion
	}
	if hello.Instance == "" {
		hello.Instance = randomInstance()
	}
	if hello.Name == "" {
		hello.Name = "probe"
	}
	if err := writeMessage(ctx, conn, &message{Type: typeHello, Hello: &hello}); err != nil {
		return nil, nil, err
	}
	a := &rawAgent{t: e.t, conn: conn, in: make(chan *message, 1024), err: make(chan error, 1), tcp: <-tcp,
		assigned: map[string]Assignment{}}
	go a.read()
	e.t.Cleanup(func() { conn.CloseNow() })
	return a, a.next(5 * time.Second), nil
}

// randomInstance is a fresh, valid instance ID, as an agent process makes one.
func randomInstance() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (a *rawAgent) read() {
	for {
		m, err := readMessage(context.Background(), a.conn)
		if err != nil {
			a.err <- err
			close(a.in)
			return
		}
		if m.Type == typeAssign {
			a.apply(m.Assign)
		}
		a.in <- m
	}
}

// apply keeps the agent's view of its assignments up to date.
func (a *rawAgent) apply(m *Assign) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.received = append(a.received, m.Upsert...)
	a.removals = append(a.removals, m.Remove...)
	if m.Full {
		a.partial = append(a.partial, m.Upsert...)
		if m.Final {
			a.assigned = map[string]Assignment{}
			for _, x := range a.partial {
				a.assigned[x.ServiceID] = x
			}
			a.partial = nil
		}
		return
	}
	for _, x := range m.Upsert {
		a.assigned[x.ServiceID] = x
	}
	for _, r := range m.Remove {
		delete(a.assigned, r.ServiceID)
	}
}

// freeze makes the agent's connection read nothing more, as a frozen process's would: it
// answers no ping, and the server hears nothing from it.
func (a *rawAgent) freeze() { close(a.tcp.frozen) }

// freezableConn is a TCP connection whose reads and writes can be made to hang.
type freezableConn struct {
	net.Conn
	frozen    chan struct{}
	closed    chan struct{}
	closeOnce sync.Once
}

func (c *freezableConn) Read(p []byte) (int, error) {
	select {
	case <-c.frozen:
		<-c.closed // hang until the connection is closed
		return 0, net.ErrClosed
	default:
		return c.Conn.Read(p)
	}
}

func (c *freezableConn) Close() error {
	c.closeOnce.Do(func() { close(c.closed) })
	return c.Conn.Close()
}

func (c *freezableConn) Write(p []byte) (int, error) {
	select {
	case <-c.frozen:
		return len(p), nil // swallowed: the peer hears nothing
	default:
		return c.Conn.Write(p)
	}
}

// ids is the set of services the agent holds now.
func (a *rawAgent) ids() map[string]bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]bool{}
	for id := range a.assigned {
		out[id] = true
	}
	return out
}

// next returns the next message, or nil when the connection ended or timeout passed.
func (a *rawAgent) next(timeout time.Duration) *message {
	select {
	case m := <-a.in:
		return m
	case <-time.After(timeout):
		return nil
	}
}

// nextOf returns the next message of type typ, skipping others; nil if none in time.
func (a *rawAgent) nextOf(typ string, timeout time.Duration) *message {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		m := a.next(time.Until(deadline))
		if m == nil {
			return nil
		}
		if m.Type == typ {
			return m
		}
	}
	return nil
}

// waitFor polls cond until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > timeout {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// send sends a results batch.
func (a *rawAgent) send(b *Batch) {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := writeMessage(ctx, a.conn, &message{Type: typeResults, Results: b}); err != nil {
		a.t.Fatal(err)
	}
}

// ack sends b and returns the server's ack.
func (a *rawAgent) ack(b *Batch) *Ack {
	a.t.Helper()
	a.send(b)
	m := a.nextOf(typeAck, 5*time.Second)
	if m == nil {
		a.t.Fatalf("no ack for batch %d", b.Seq)
	}
	return m.Ack
}

// closed waits for the connection to end and returns the error it ended with.
func (a *rawAgent) closed(timeout time.Duration) error {
	select {
	case err := <-a.err:
		return err
	case <-time.After(timeout):
		return nil
	}
}

// recordingSink keeps every result the hub hands over.
type recordingSink struct {
	inner   *StoreSink // the server's own sink: the results go into the store
	mu      sync.Mutex
	results []Checked
	fail    bool
}

func (r *recordingSink) Record(ctx context.Context, loc *store.Location, id string, batch store.AgentBatch, results []Checked) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return false, io.ErrUnexpectedEOF
	}
	dup, err := r.inner.Record(ctx, loc, id, batch, results)
	if err == nil && !dup {
		r.results = append(r.results, results...)
	}
	return dup, err
}

func (r *recordingSink) all() []Checked {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Checked(nil), r.results...)
}
