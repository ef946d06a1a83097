package api

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/agent"
	"github.com/alertifypro/alertifypro/config"
)

// agentToken makes a location of orgID with a token through the API and returns the
// location ID, the token's ID and its secret.
func agentToken(t *testing.T, e *testEnv, owner *testUser, name string) (locID, tokenID, secret string) {
	t.Helper()
	rec := e.do("POST", "/api/v1/locations", owner.Token, map[string]any{"name": name})
	if rec.Code != 201 {
		t.Fatalf("create location: %d %s", rec.Code, rec.Body.String())
	}
	locID = decode[locationView](t, rec).ID
	rec = e.do("POST", "/api/v1/locations/"+locID+"/tokens", owner.Token, nil)
	if rec.Code != 201 {
		t.Fatalf("create token: %d %s", rec.Code, rec.Body.String())
	}
	v := decode[agentTokenView](t, rec)
	return locID, v.ID, v.Token
}

// An agent token opens the agent channel and nothing else (SPEC §8); the channel takes
// nothing but an agent token.
func TestAgentTokenCallsNoOtherAPI(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	key := authAPIKey(t, e, ada.OrgID, ada.ID, roleOwner)
	_, _, secret := agentToken(t, e, ada, "home")
	for _, r := range []struct{ method, path string }{
		{"GET", "/api/v1/profile"}, {"GET", "/api/v1/services"}, {"POST", "/api/v1/services"}, {"GET", "/api/v1/locations"},
		{"GET", "/api/v1/organization"}, {"GET", "/api/v1/admin/locations"}, {"POST", "/api/v1/auth/logout-all"},
		{"GET", "/api/v1/export"}, {"GET", "/metrics"},
	} {
		rec := e.do(r.method, r.path, secret, nil)
		if rec.Code != http.StatusUnauthorized && rec.Code != http.StatusNotFound {
			t.Errorf("%s %s with an agent token: %d, want 401", r.method, r.path, rec.Code)
		}
		if r.path != "/metrics" && rec.Code != http.StatusUnauthorized {
			t.Errorf("%s %s with an agent token: %d, want 401", r.method, r.path, rec.Code)
		}
	}
	for name, tok := range map[string]string{"no token": "", "a session": ada.Token, "an API key": key,
		"an unknown agent token": "agt_" + strings.Repeat("x", 43)} {
		rec := e.do("GET", agent.ConnectPath, tok, nil)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("channel with %s: %d, want 401", name, rec.Code)
		}
		assertErrorBody(t, rec, "unauthorized")
	}
	// A valid token on a server without a hub: a clear 503, not a hang.
	rec := e.do("GET", agent.ConnectPath, secret, nil)
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("channel without a hub: %d", rec.Code)
	}
}

// The channel works through the whole middleware stack on a real server (compression
// offered by the client must not break the upgrade), and revoking the token through the
// API disconnects the agent within 10 s.
func TestAgentChannelThroughTheRouter(t *testing.T) {
	var hub *agent.Hub
	e := newTestEnvWith(t, func(d *Deps) {
		hub = &agent.Hub{Store: d.Store, Opener: d.Sealer, Version: "test", Sink: &agent.StoreSink{Store: d.Store}}
		d.Agents = hub
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- hub.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	srv := httptest.NewServer(e.router)
	t.Cleanup(srv.Close)
	ada := e.newUser("ada@example.com", "Ada")
	locID, tokenID, secret := agentToken(t, e, ada, "home")

	dctx, dcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer dcancel()
	h := http.Header{"Authorization": {"Bearer " + secret}, "Accept-Encoding": {"gzip, zstd"}}
	conn, _, err := websocket.Dial(dctx, "ws"+strings.TrimPrefix(srv.URL, "http")+agent.ConnectPath, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		t.Fatalf("upgrade through the router: %v", err)
	}
	defer conn.CloseNow()
	hello := `{"type":"hello","hello":{"protocol":1,"version":"test","name":"pi","instance":"0123456789abcdef01234567","secure":true}}`
	if err := conn.Write(dctx, websocket.MessageText, []byte(hello)); err != nil {
		t.Fatal(err)
	}
	var welcome struct {
		Type    string
		Welcome struct {
			Location    string
			Credentials bool
		}
	}
	_, raw, err := conn.Read(dctx)
	if err != nil || json.Unmarshal(raw, &welcome) != nil || welcome.Type != "welcome" || welcome.Welcome.Location != "home" ||
		!welcome.Welcome.Credentials {
		t.Fatalf("welcome = %s, %v (a loopback connection may carry credentials)", raw, err)
	}
	rec := e.do("GET", "/api/v1/locations/"+locID, ada.Token, nil)
	if v := decode[locationView](t, rec); v.Status != "online" || len(v.Agents) != 1 || v.Agents[0].Name != "pi" {
		t.Fatalf("location while connected: %s", rec.Body.String())
	}
	// Read on in the background (pings are answered), until the revocation ends it.
	ended := make(chan error, 1)
	go func() {
		for {
			if _, _, err := conn.Read(context.Background()); err != nil {
				ended <- err
				return
			}
		}
	}()
	start := time.Now()
	if rec := e.do("DELETE", "/api/v1/locations/"+locID+"/tokens/"+tokenID, ada.Token, nil); rec.Code != 204 {
		t.Fatalf("revoke: %d", rec.Code)
	}
	select {
	case <-ended:
		t.Logf("disconnected %s after the revocation", time.Since(start).Round(time.Millisecond))
	case <-time.After(10 * time.Second):
		t.Fatal("the agent is still connected 10 s after its token was revoked")
	}
	// The server notices its end of the connection a moment later.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		rec = e.do("GET", "/api/v1/locations/"+locID, ada.Token, nil)
		v := decode[locationView](t, rec)
		if v.Status == "offline" && len(v.Agents) == 1 && !v.Agents[0].Connected {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("location after the revocation: %s", rec.Body.String())
		}
	}
}

// What the server calls a secure connection: its own TLS; behind a trusted proxy, the
// proxy's X-Forwarded-Proto; otherwise only a loopback peer that forwards for nobody.
func TestAgentChannelSecurity(t *testing.T) {
	b := &base{cfg: &config.Config{TrustedProxies: []string{"10.0.0.0/8"}}}
	h := newAgentChannelHandlers(b)
	cases := []struct {
		name   string
		remote string
		tls    bool
		header map[string]string
		want   bool
	}{
		{"TLS to the server", "203.0.113.9:4000", true, nil, true},
		{"plain from afar", "203.0.113.9:4000", false, nil, false},
		{"plain from loopback", "127.0.0.1:4000", false, nil, true},
		{"a local proxy forwarding plain", "127.0.0.1:4000", false, map[string]string{"X-Forwarded-For": "203.0.113.9"}, false},
		{"a trusted proxy that terminated TLS", "10.1.2.3:4000", false, map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}, true},
		{"a trusted proxy forwarding plain", "10.1.2.3:4000", false, map[string]string{"X-Forwarded-Proto": "http", "X-Forwarded-For": "203.0.113.9"}, false},
		{"an untrusted peer claiming https", "203.0.113.9:4000", false, map[string]string{"X-Forwarded-Proto": "https"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest("GET", agent.ConnectPath, nil)
			req.RemoteAddr = c.remote
			if c.tls {
				req.TLS = &tls.ConnectionState{}
			}
			for k, v := range c.header {
				req.Header.Set(k, v)
			}
			ctx, _ := gin.CreateTestContext(httptest.NewRecorder())
			ctx.Request = req
			if got := h.secure(ctx); got != c.want {
				t.Fatalf("secure = %v, want %v", got, c.want)
			}
		})
	}
}
