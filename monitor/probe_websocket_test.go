package monitor

import (
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// wsEcho is a real coder/websocket server endpoint: it upgrades, then reads
// until the client closes (answering the close frame).
func wsEcho(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	for {
		if _, _, err := c.Read(r.Context()); err != nil {
			return
		}
	}
}

// wsURL turns an httptest URL into its ws(s):// form.
func wsURL(u string) string { return "ws" + strings.TrimPrefix(u, "http") }

func TestProbeWebSocket(t *testing.T) {
	ca := newNetTestCA(t)
	release := make(chan struct{})
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", wsEcho)
	closeStatus := make(chan websocket.StatusCode, 1)
	mux.HandleFunc("/closing", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		_, _, err = c.Read(r.Context())
		closeStatus <- websocket.CloseStatus(err)
	})
	mux.HandleFunc("/private", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Api-Key") != "s3cret" || r.Header.Get("Authorization") != "Bearer tok" ||
			r.Header.Get("User-Agent") != "AlertifyPro/test" {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		wsEcho(w, r)
	})
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>not a socket</html>") })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ws", http.StatusFound) })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) { time.Sleep(100 * time.Millisecond); wsEcho(w, r) })
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/deaf", func(w http.ResponseWriter, r *http.Request) {
		// Upgrades, then never reads: the close frame goes unanswered.
		if c, err := websocket.Accept(w, r, nil); err == nil {
			<-release
			c.CloseNow()
		}
	})
	mux.HandleFunc("/bad-accept", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: wrong\r\n\r\n")
		buf.Flush()
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: frees /deaf before the server closes
	acme := httptest.NewTLSServer(mux)
	t.Cleanup(acme.Close)
	acmePool := x509.NewCertPool()
	acmePool.AddCert(acme.Certificate())
	soon := netHTTPSServer(t, ca.valid(t, time.Now().Add(5*24*time.Hour+time.Hour)), true, mux.ServeHTTP)

	ws := wsURL(srv.URL)
	cases := []struct {
		name, url, options string
		headers            map[string]string
		auth               *Credentials
		roots              *x509.CertPool
		timeout            time.Duration
		status, err        string
		issuer             string // of the certificate; "" for none
		body               string
	}{
		{name: "upgrade", url: ws + "/ws", status: StatusGreen},
		{name: "headers and auth", url: ws + "/private", options: `{"headers":{"X-Api-Key":"********"}}`,
			headers: map[string]string{"X-Api-Key": "s3cret"}, auth: &Credentials{Type: "bearer", Token: "tok"}, status: StatusGreen},
		{name: "missing credential", url: ws + "/private", status: StatusRed,
			err: "websocket upgrade failed: expected status 101, got 403", body: "forbidden\n"},
		{name: "plain page", url: ws + "/page", status: StatusRed,
			err: "websocket upgrade failed: expected status 101, got 200", body: "<html>not a socket</html>"},
		{name: "redirect not followed", url: ws + "/moved", status: StatusRed,
			err: "websocket upgrade failed: expected status 101, got 302", body: "<a href=\"/ws\">Found</a>.\n\n"},
		{name: "bad accept key", url: ws + "/bad-accept", status: StatusRed,
			err: `websocket upgrade failed: WebSocket protocol violation: invalid Sec-WebSocket-Accept "wrong"…`},
		{name: "slow upgrade", url: ws + "/slow", status: StatusYellow, err: "slow response: …"},
		{name: "close frame unanswered", url: ws + "/deaf", timeout: 300 * time.Millisecond, status: StatusGreen},
		{name: "no answer", url: ws + "/hang", timeout: 100 * time.Millisecond, status: StatusRed, err: "timeout after 100ms"},
		{name: "closed port", url: "ws://" + closedLoopbackAddr(t) + "/ws", status: StatusRed, err: "connection refused"},
		{name: "wss", url: wsURL(acme.URL) + "/ws", roots: acmePool, status: StatusGreen, issuer: "Acme Co"},
		{name: "wss over an HTTP/2 server, 5 days left", url: wsURL(soon) + "/ws", roots: ca.pool, status: StatusYellow,
			err: "certificate expires in 5 days", issuer: "AlertifyPro Test CA"},
		{name: "wss untrusted", url: wsURL(soon) + "/ws", roots: acmePool, status: StatusRed,
			err: "TLS certificate invalid: x509: certificate signed by unknown authority", issuer: "AlertifyPro Test CA"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := loopbackEnv(t)
			env.RootCAs = c.roots
			// Only "slow upgrade" tests the degraded threshold; the others get one a loaded
			// machine never reaches, so none turns YELLOW by chance.
			threshold := 5 * time.Second
			if c.name == "slow upgrade" {
				threshold = 50 * time.Millisecond
			}
			tgt := &Target{CheckType: "WEBSOCKET", Endpoint: c.url, Timeout: c.timeout, DegradedThreshold: threshold,
				Headers: c.headers, Auth: c.auth}
			if c.options != "" {
				tgt.Options = []byte(c.options)
			}
			start := time.Now()
			r := runNetProbe(probeWebSocket, env, tgt)
			checkNetResult(t, r, c.status, c.err)
			// Bounded well below the default 10 s timeout: a probe that waits for an
			// unanswered close frame or a hung peer past its own timeout shows here.
			if elapsed := time.Since(start); elapsed > 3*time.Second {
				t.Errorf("took %v", elapsed)
			}
			if issuer := ""; r.Certificate != nil {
				if issuer = r.Certificate.Issuer; issuer != c.issuer {
					t.Errorf("certificate = %+v, want issuer %q", r.Certificate, c.issuer)
				}
			} else if c.issuer != "" {
				t.Errorf("no certificate, want one by %q", c.issuer)
			}
			if string(r.Body) != c.body || r.StatusCode != 0 {
				t.Errorf("body %q, status code %d; want %q and 0", r.Body, r.StatusCode, c.body)
			}
		})
	}
	// The probe ends the session with a normal closure.
	if r := runNetProbe(probeWebSocket, loopbackEnv(t), &Target{Endpoint: ws + "/closing"}); r.Status != StatusGreen {
		t.Errorf("closing: %+v", r)
	}
	select {
	case code := <-closeStatus:
		if code != websocket.StatusNormalClosure {
			t.Errorf("server saw close status %v, want %v", code, websocket.StatusNormalClosure)
		}
	case <-time.After(time.Second):
		t.Error("the server saw no close frame")
	}
	r := runNetProbe(probeWebSocket, refusingEnv(t), &Target{Endpoint: ws + "/ws"})
	if checkNetResult(t, r, StatusRed, refusedErr{}.Error()); !r.Internal {
		t.Errorf("egress refusal = %+v, want Internal", r)
	}
}
