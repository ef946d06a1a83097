package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/agent"
	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/internal/app"
	"github.com/alertifypro/alertifypro/monitor"
	"github.com/alertifypro/alertifypro/store"
)

// The agent tests run the real `alertifypro agent` — this test binary re-executed as
// subcommandCmd("agent") — against the real server (internal/app) on 127.0.0.1, and loopback
// targets that note every request with the address it came from (each agent binds its
// own PROBE_SOURCE_ADDR: 127.0.0.2, 127.0.0.3, ...).

// logBuffer collects a process's JSON log lines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// entries are the JSON log lines whose msg is msg.
func (l *logBuffer) entries(msg string) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(l.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e map[string]any
		if json.Unmarshal(sc.Bytes(), &e) == nil && e["msg"] == msg {
			out = append(out, e)
		}
	}
	return out
}

// agentProc is one running agent process.
type agentProc struct {
	t    *testing.T
	cmd  *exec.Cmd
	logs *logBuffer
	done chan error
}

// startAgent runs an agent named name for the server at url with token, its checks
// leaving from source; env adds variables.
func startAgent(t *testing.T, url, token, name, source string, env ...string) *agentProc {
	t.Helper()
	cmd := subcommandCmd("agent")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"AGENT_SERVER_URL=" + url, "AGENT_TOKEN=" + token, "AGENT_NAME=" + name, "PROBE_SOURCE_ADDR=" + source,
		"LOG_FORMAT=json", "LOG_LEVEL=debug", "EGRESS_POLICY=private"}, env...)
	p := &agentProc{t: t, cmd: cmd, logs: &logBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("agent %s log:\n%s", name, tail(p.logs.String(), 4000))
		}
	})
	return p
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// kill ends the agent with SIGKILL and waits for it.
func (p *agentProc) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// terminate sends SIGTERM and returns the exit error (nil for status 0) within limit.
func (p *agentProc) terminate(limit time.Duration) error {
	p.t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		return err
	case <-time.After(limit):
		p.t.Fatalf("agent still running %s after SIGTERM", limit)
		return nil
	}
}

// waitLog waits for a log line with msg whose fields match; it returns when it appeared.
func (p *agentProc) waitLog(timeout time.Duration, msg string, match func(map[string]any) bool) time.Time {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		for _, e := range p.logs.entries(msg) {
			if match == nil || match(e) {
				return time.Now()
			}
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no %q in the agent's log within %s", msg, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitCount waits until the agent has logged msg n times.
func (p *agentProc) waitCount(timeout time.Duration, msg string, n int) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for len(p.logs.entries(msg)) < n {
		if time.Now().After(deadline) {
			p.t.Fatalf("%q logged %d times within %s, want %d", msg, len(p.logs.entries(msg)), timeout, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// target is a loopback HTTP server that notes every request: path, source address, time.
type target struct {
	srv  *httptest.Server
	mu   sync.Mutex
	hits []targetHit
}

type targetHit struct {
	path, from, auth string
	at               time.Time
}

func newTarget(t *testing.T) *target {
	tg := &target{}
	tg.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		tg.mu.Lock()
		tg.hits = append(tg.hits, targetHit{path: r.URL.Path, from: host, auth: r.Header.Get("Authorization"), at: time.Now()})
		tg.mu.Unlock()
	}))
	t.Cleanup(tg.srv.Close)
	return tg
}

// all returns a copy of every hit so far.
func (tg *target) all() []targetHit {
	tg.mu.Lock()
	defer tg.mu.Unlock()
	return append([]targetHit(nil), tg.hits...)
}

// keepingSink wraps the server's own agent sink in these tests: it keeps a copy of every
// result the server recorded (not the repeats it recognized).
type keepingSink struct {
	inner   agent.ResultSink
	mu      sync.Mutex
	results []agent.Checked
}

func (k *keepingSink) Record(ctx context.Context, loc *store.Location, id string, batch store.AgentBatch, results []agent.Checked) (bool, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	dup, err := k.inner.Record(ctx, loc, id, batch, results)
	if err == nil && !dup {
		k.results = append(k.results, results...)
	}
	return dup, err
}

// count is how many results the server has recorded (cheaper than all under load).
func (k *keepingSink) count() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.results)
}

func (k *keepingSink) all() []agent.Checked {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]agent.Checked(nil), k.results...)
}

// agentServer is the real server on a fixed loopback address, restartable on the same
// address and data directory.
type agentServer struct {
	t      *testing.T
	cfg    *config.Config
	addr   string
	sink   *keepingSink
	logs   *logBuffer
	app    *app.App
	sealer *crypto.Sealer
	cancel context.CancelFunc
	done   chan error
}

func newAgentServer(t *testing.T) *agentServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	cfg := &config.Config{
		ListenAddr: "127.0.0.1", Port: addr.Port, DataDir: t.TempDir(), JWTTTL: time.Hour, BcryptCost: 4,
		BaseURL: "http://" + addr.String(), RegistrationMode: "open", EgressPolicy: "private",
		SchedulerPollInterval: time.Second, CheckConcurrency: 4, RawRetention: 168 * time.Hour,
		SMTPPort: 587, SMTPTLS: "none", LogLevel: "debug", LogFormat: "json", LocationName: "local",
		JWTKey:             bytes.Repeat([]byte("agent-test-jwt-secret-"), 2),
		EncryptionKeyBytes: bytes.Repeat([]byte{5}, 32),
	}
	sealer, err := crypto.NewSealer(cfg.EncryptionKeyBytes)
	if err != nil {
		t.Fatal(err)
	}
	s := &agentServer{t: t, cfg: cfg, addr: addr.String(), sink: &keepingSink{}, logs: &logBuffer{}, sealer: sealer}
	s.startOn(ln)
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			t.Logf("server log:\n%s", tail(s.logs.String(), 4000))
		}
	})
	return s
}

// url is the server's base URL.
func (s *agentServer) url() string { return "http://" + s.addr }

// startOn builds the application and serves on ln.
func (s *agentServer) startOn(ln net.Listener) {
	s.t.Helper()
	a, err := app.New(s.cfg, app.Options{Logger: slog.New(slog.NewJSONHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Version: "test", NoEngine: true, WrapAgentSink: func(inner agent.ResultSink) agent.ResultSink {
			s.sink.mu.Lock()
			s.sink.inner = inner // a restart's new store
			s.sink.mu.Unlock()
			return s.sink
		}})
	if err != nil {
		s.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.app, s.cancel, s.done = a, cancel, make(chan error, 1)
	go func() { s.done <- a.Run(ctx, ln) }()
}

// stop shuts the server down (its agents lose the connection); stopping twice is harmless.
func (s *agentServer) stop() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	if err := <-s.done; err != nil {
		s.t.Errorf("server: %v", err)
	}
	if err := s.app.Close(); err != nil {
		s.t.Error(err)
	}
	s.cancel = nil
}

// restart starts the server again on the same address and data.
func (s *agentServer) restart() {
	s.t.Helper()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatal(err)
	}
	s.startOn(ln)
}

// org registers an owner with an enterprise organization and returns the organization's
// ID and a session token for the API.
func (s *agentServer) org(name string) (orgID, token string) {
	s.t.Helper()
	u := &store.User{Email: name + "@example.com", FullName: name, PasswordHash: "x"}
	o := &store.Organization{Name: name, PlanType: "enterprise", MaxServices: -1, Settings: store.DefaultOrgSettings()}
	if err := s.app.DB().Register(u, o, &store.Membership{Role: "owner"}, nil); err != nil {
		s.t.Fatal(err)
	}
	tok, err := crypto.NewTokenIssuer(s.cfg.JWTKey, time.Hour, nil).Issue(u.ID, o.ID, u.Email, u.TokenVersion)
	if err != nil {
		s.t.Fatal(err)
	}
	return o.ID, tok
}

// service creates an HTTP service of orgID checked from the location "home" (every
// organization's name of its test location: another organization's service naming it
// must still never reach this one's agents); auth, when set, is sealed as the API seals it.
func (s *agentServer) service(orgID, name, endpoint string, interval int, auth *monitor.Credentials) *store.Service {
	s.t.Helper()
	svc := &store.Service{ID: store.NewID(), Name: name, CheckType: "HTTP", Endpoint: endpoint, CheckIntervalSeconds: interval,
		TimeoutSeconds: 1, Options: json.RawMessage(`{"method":"GET","expected_status_codes":[200]}`), Locations: []string{"home"}}
	if auth != nil {
		sealed, err := monitor.SealAuth(s.sealer, orgID, svc.ID, auth)
		if err != nil {
			s.t.Fatal(err)
		}
		svc.Auth = sealed
	}
	if err := s.app.DB().CreateService(orgID, svc, nil); err != nil {
		s.t.Fatal(err)
	}
	return svc
}

// api calls the server's API with token and returns the status and body.
func (s *agentServer) api(method, path, token string, body any) (int, []byte) {
	s.t.Helper()
	var r *bytes.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		r = bytes.NewReader(raw)
	} else {
		r = bytes.NewReader(nil)
	}
	req, _ := http.NewRequest(method, s.url()+path, r)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes()
}

// location creates an organization location and a token through the API; it returns the
// location's ID, the token's ID and its secret.
func (s *agentServer) location(token, name string) (locID, tokenID, secret string) {
	s.t.Helper()
	code, body := s.api("POST", "/api/v1/locations", token, map[string]any{"name": name})
	var l struct{ ID string }
	if code != 201 || json.Unmarshal(body, &l) != nil {
		s.t.Fatalf("create location: %d %s", code, body)
	}
	code, body = s.api("POST", "/api/v1/locations/"+l.ID+"/tokens", token, map[string]any{"name": name + " agents"})
	var tk struct{ ID, Token string }
	if code != 201 || json.Unmarshal(body, &tk) != nil {
		s.t.Fatalf("create token: %d %s", code, body)
	}
	return l.ID, tk.ID, tk.Token
}

// hitsBy groups hits by path, each list in time order.
func hitsBy(hits []targetHit) map[string][]targetHit {
	out := map[string][]targetHit{}
	for _, h := range hits {
		out[h.path] = append(out[h.path], h)
	}
	return out
}

// servicePath is the target path of service i.
func servicePath(i int) string { return fmt.Sprintf("/svc/%d", i) }
