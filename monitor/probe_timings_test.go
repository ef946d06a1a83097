package monitor

import (
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// firstReadDelay holds a server connection's first read for delay: behind
// a TLS listener, that is the ClientHello, so the handshake takes at least
// delay while the TCP connect (done by the kernel before Accept) does not.
type firstReadDelay struct {
	net.Conn
	delay time.Duration
	once  sync.Once
}

func (c *firstReadDelay) Read(p []byte) (int, error) {
	c.once.Do(func() { time.Sleep(c.delay) })
	return c.Conn.Read(p)
}

type slowHandshakeListener struct {
	net.Listener
	delay time.Duration
}

func (l slowHandshakeListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &firstReadDelay{Conn: c, delay: l.delay}, nil
}

// A check's timings split its response time by phase: each phase it went
// through is measured where it happens, and the ones it did not go through
// are zero. The delays are large and the assertions are about which phase
// holds them, not about speed.
func TestCheckTimingsSplitByPhase(t *testing.T) {
	const delay = 300 * time.Millisecond
	ca := newNetTestCA(t)
	cert := ca.valid(t, time.Now().Add(365*24*time.Hour))
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })

	slowTLS := httptest.NewUnstartedServer(ok)
	slowTLS.Listener = slowHandshakeListener{Listener: slowTLS.Listener, delay: delay}
	slowTLS.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	slowTLS.StartTLS()
	defer slowTLS.Close()
	slowAnswer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		io.WriteString(w, "ok")
	}))
	defer slowAnswer.Close()
	ws := httptest.NewServer(http.HandlerFunc(wsEcho))
	defer ws.Close()
	tcp := loopbackServer(t, silentConn)

	type want struct{ connect, tls, firstByte bool } // phases gone through
	cases := []struct {
		name, checkType, endpoint, options string
		want                               want
	}{
		{name: "HTTPS, slow handshake", checkType: "HTTP", endpoint: slowTLS.URL, want: want{true, true, true}},
		{name: "SSL, slow handshake", checkType: "SSL", endpoint: netTLSServer(t, cert, delay), want: want{true, true, false}},
		{name: "HTTP, slow answer", checkType: "HTTP", endpoint: slowAnswer.URL, want: want{true, false, true}},
		{name: "gRPC, slow answer", checkType: "GRPC", endpoint: grpcTestServer(t, true, grpcDelay(delay)),
			want: want{true, false, true}},
		{name: "WebSocket", checkType: "WEBSOCKET", endpoint: wsURL(ws.URL), want: want{true, false, true}},
		{name: "TCP", checkType: "TCP", endpoint: tcp, want: want{true, false, false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := loopbackEnv(t)
			env.RootCAs = ca.pool
			tgt := &Target{CheckType: c.checkType, Endpoint: c.endpoint, Options: []byte(`{}`), Timeout: 5 * time.Second}
			r := protoRun(ProbeFor(c.checkType), env, tgt)
			if r.Status != StatusGreen {
				t.Fatalf("check %s %q", r.Status, r.Error)
			}
			tm := r.Timings
			if tm.DNS != 0 {
				t.Errorf("dns = %v for an IP address, want none", tm.DNS)
			}
			for _, p := range []struct {
				name string
				got  time.Duration
				want bool
			}{{"connect", tm.Connect, c.want.connect}, {"tls", tm.TLS, c.want.tls}, {"first byte", tm.FirstByte, c.want.firstByte}} {
				if (p.got > 0) != p.want {
					t.Errorf("%s = %v, want gone through: %v", p.name, p.got, p.want)
				}
			}
			if sum := tm.DNS + tm.Connect + tm.TLS + tm.FirstByte; sum > r.ResponseTime {
				t.Errorf("phases add up to %v, more than the response time %v", sum, r.ResponseTime)
			}
			// The delay lands in the phase that holds it, and in no other.
			slow := map[string]time.Duration{"HTTPS, slow handshake": tm.TLS, "SSL, slow handshake": tm.TLS,
				"HTTP, slow answer": tm.FirstByte, "gRPC, slow answer": tm.FirstByte}
			if d, ok := slow[c.name]; ok {
				// Most of the delay, not all of it: the server's pause starts when it accepts
				// the connection, and the client's handshake may start a few milliseconds
				// later on a busy machine (279 ms of 300 was seen under -race).
				if d < delay*3/4 {
					t.Errorf("the slow phase took %v, want most of the server's %v", d, delay)
				}
				if tm.Connect >= delay {
					t.Errorf("connect = %v, want well under the %v the server spent after it", tm.Connect, delay)
				}
			}
		})
	}
}
