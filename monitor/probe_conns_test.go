package monitor

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// countingListener counts the connections a test server accepts.
type countingListener struct {
	net.Listener
	accepted atomic.Int32
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return c, err
}

// countedServer starts h on 127.0.0.1 (over TLS with HTTP/2 offered when tls
// is set) behind a countingListener.
func countedServer(t *testing.T, h http.Handler, tls bool) (*httptest.Server, *countingListener) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	ln := &countingListener{Listener: srv.Listener}
	srv.Listener = ln
	if tls {
		srv.EnableHTTP2 = true
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, ln
}

// dialRecorder is a loopback Env whose dials are recorded, so a test can
// tell how many connections checks opened and whether any is still open.
type dialRecorder struct {
	mu    sync.Mutex
	conns []net.Conn
}

func recordingEnv(t *testing.T) (*Env, *dialRecorder) {
	env := loopbackEnv(t)
	rec := &dialRecorder{}
	dial := env.Dial
	env.Dial = func(ctx context.Context, network, address string) (net.Conn, error) {
		c, err := dial(ctx, network, address)
		if err == nil {
			rec.mu.Lock()
			rec.conns = append(rec.conns, c)
			rec.mu.Unlock()
		}
		return c, err
	}
	return env, rec
}

// open counts the recorded connections that are not closed yet: setting a
// deadline on a closed connection fails with net.ErrClosed.
func (r *dialRecorder) open() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.conns {
		if err := c.SetDeadline(time.Time{}); !errors.Is(err, net.ErrClosed) {
			n++
		}
	}
	return n
}

func (r *dialRecorder) dialled() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.conns)
}

// N checks of N services on one host open N connections, one each, and
// none is left open when its check returns: checks share no pool.
func TestEveryCheckOpensItsOwnConnection(t *testing.T) {
	const services = 5
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, r.Proto) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusFound) })
	mux.HandleFunc("/ws", wsEcho)

	type server struct {
		url      string
		accepted func() int32
		roots    *x509.CertPool
	}
	httpServer := func(tls bool) func(t *testing.T) server {
		return func(t *testing.T) server {
			srv, ln := countedServer(t, mux, tls)
			var roots *x509.CertPool
			if tls {
				roots = x509.NewCertPool()
				roots.AddCert(srv.Certificate())
			}
			return server{srv.URL, ln.accepted.Load, roots}
		}
	}
	sshServer := func(t *testing.T) server {
		var accepted atomic.Int32
		addr := loopbackServer(t, func(c net.Conn) {
			accepted.Add(1)
			c.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n"))
			io.Copy(io.Discard, c)
		})
		return server{addr, accepted.Load, nil}
	}
	cases := []struct {
		name, checkType, path string
		server                func(t *testing.T) server
		perCheck              int // connections one check opens
		proto                 string
	}{
		{"HTTP", "HTTP", "/ok", httpServer(false), 1, "HTTP/1.1"},
		{"HTTPS over HTTP/2", "HTTP", "/ok", httpServer(true), 1, "HTTP/2.0"},
		// A redirect hop opens a connection of its own, to the same host too.
		{"HTTP redirect", "HTTP", "/moved", httpServer(false), 2, "HTTP/1.1"},
		{"WebSocket", "WEBSOCKET", "/ws", httpServer(false), 1, ""},
		{"SSH", "SSH", "", sshServer, 1, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := c.server(t)
			env, rec := recordingEnv(t)
			env.RootCAs = srv.roots
			endpoint := srv.url + c.path
			if c.checkType == "WEBSOCKET" {
				endpoint = wsURL(endpoint)
			}
			probe := ProbeFor(c.checkType)
			for i := range services {
				tgt := &Target{ServiceID: fmt.Sprintf("svc-%d", i), CheckType: c.checkType, Endpoint: endpoint,
					Options: []byte(`{}`), Timeout: 5 * time.Second}
				ctx, cancel := context.WithTimeout(context.Background(), tgt.Timeout)
				r := probe(ctx, env, tgt)
				cancel()
				if r.Status != StatusGreen {
					t.Fatalf("check %d: %s %q", i, r.Status, r.Error)
				}
				if c.proto != "" && string(r.Body) != c.proto {
					t.Fatalf("check %d: spoke %q, want %s", i, r.Body, c.proto)
				}
				if n := rec.open(); n != 0 {
					t.Errorf("after check %d: %d connections still open", i, n)
				}
			}
			want := int32(services * c.perCheck)
			if got := srv.accepted(); got != want {
				t.Errorf("%d checks of %d services: server accepted %d connections, want %d", services, services, got, want)
			}
			if got := rec.dialled(); got != int(want) {
				t.Errorf("checks dialled %d connections, want %d", got, want)
			}
		})
	}
}

// A listener that stops accepting new connections turns the next check RED,
// however long connections made before stay open and served.
func TestStoppedListenerIsRedWhileOldConnectionsLive(t *testing.T) {
	srv, _ := countedServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}), false)
	env := loopbackEnv(t)
	tgt := &Target{ServiceID: "svc", CheckType: "HTTP", Endpoint: srv.URL + "/", Timeout: 2 * time.Second}
	check := func() Result {
		ctx, cancel := context.WithTimeout(context.Background(), tgt.Timeout)
		defer cancel()
		return ProbeFor("HTTP")(ctx, env, tgt)
	}
	if r := check(); r.Status != StatusGreen {
		t.Fatalf("first check: %s %q", r.Status, r.Error)
	}
	// A connection made earlier (another client's keep-alive) stays open
	// and is still answered after the listener closes.
	old, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	if _, err := io.WriteString(old, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	readOK := func(what string) {
		t.Helper()
		_ = old.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 512)
		n, err := old.Read(buf)
		if err != nil || !strings.HasPrefix(string(buf[:n]), "HTTP/1.1 200") {
			t.Fatalf("%s: old connection answered %q, %v", what, buf[:n], err)
		}
	}
	readOK("before")
	srv.Listener.Close() // stops accepting; the server keeps serving open connections

	r := check()
	if r.Status != StatusRed || r.Error != "connection refused" {
		t.Errorf("check after the listener closed: %s %q, want RED connection refused", r.Status, r.Error)
	}
	if _, err := io.WriteString(old, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	readOK("after") // the old connection really was alive throughout
}
