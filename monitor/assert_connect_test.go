package monitor

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"sync"
	"syscall"
	"testing"
	"time"
)

// stepClock is a clock that moves only when told to.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *stepClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// slowConnectEnv is loopbackEnv on a stopped clock on which every TCP connect takes
// exactly connect: the dialer's Control hook, which runs after the trace's ConnectStart
// and before its ConnectDone, moves the clock. Connect times are exact whatever the
// machine's load, so bounds just below and above them are deterministic.
func slowConnectEnv(t *testing.T, connect time.Duration) *Env {
	clock := &stepClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	d := net.Dialer{Control: func(string, string, syscall.RawConn) error {
		clock.advance(connect)
		return nil
	}}
	env := loopbackEnv(t)
	env.Dial = func(ctx context.Context, network, address string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(address)
		if ip, perr := netip.ParseAddr(host); err != nil || perr != nil || !ip.IsLoopback() {
			t.Errorf("probe dialled %s %s: tests may only reach loopback addresses", network, address)
			return nil, net.UnknownNetworkError("not loopback")
		}
		return d.DialContext(ctx, network, address)
	}
	env.Now = clock.Now
	return env
}

func TestConnectionTimeAssertion(t *testing.T) {
	tcp := loopbackServer(t, silentConn)
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }))
	t.Cleanup(web.Close)
	cases := []struct {
		name, checkType, endpoint, assert string
		wantStatus, wantError             string
	}{
		{"tcp under lt", "TCP", tcp, `{"lt": 500}`, StatusGreen, ""},
		{"tcp over lt", "TCP", tcp, `{"lt": 250}`, StatusRed, "connection time 300 ms, expected < 250 ms"},
		{"tcp at lt", "TCP", tcp, `{"lt": 300}`, StatusRed, "connection time 300 ms, expected < 300 ms"},
		{"tcp at lte", "TCP", tcp, `{"lte": 300}`, StatusGreen, ""},
		{"tcp fractional bound", "TCP", tcp, `{"lt": 299.999}`, StatusRed, "connection time 300 ms, expected < 299.999 ms"},
		{"http under lt", "HTTP", web.URL, `{"lt": 500}`, StatusGreen, ""},
		{"http over lt", "HTTP", web.URL, `{"lt": 250}`, StatusRed, "connection time 300 ms, expected < 250 ms"},
	}
	for _, c := range cases {
		env := slowConnectEnv(t, 300*time.Millisecond)
		tgt := &Target{CheckType: c.checkType, Endpoint: c.endpoint,
			Options: []byte(`{"assert": {"connection_time_ms": ` + c.assert + `}}`)}
		r := runNetProbe(ProbeFor(c.checkType), env, tgt)
		if r.Status != c.wantStatus || r.Error != c.wantError {
			t.Errorf("%s: %s %q, want %s %q", c.name, r.Status, r.Error, c.wantStatus, c.wantError)
		}
		// Connect time is its own figure, exposed with the result's timings.
		if r.Timings.Connect != 300*time.Millisecond {
			t.Errorf("%s: connect timing %v, want 300ms", c.name, r.Timings.Connect)
		}
	}
}

// On the real clock, with nothing slowed down: a generous bound passes (a loopback
// connect is far below 10 s, and the check's 2 s timeout would end it first), and a
// failure of the check itself keeps its own reason.
func TestConnectionTimeAssertionRealClock(t *testing.T) {
	tcp := loopbackServer(t, silentConn)
	opts := []byte(`{"assert": {"connection_time_ms": {"lt": 10000}}}`)
	r := runNetProbe(ProbeFor("TCP"), loopbackEnv(t), &Target{CheckType: "TCP", Endpoint: tcp, Options: opts})
	if r.Status != StatusGreen || r.Timings.Connect <= 0 {
		t.Errorf("generous bound: %s %q, connect %v", r.Status, r.Error, r.Timings.Connect)
	}
	tight := []byte(`{"assert": {"connection_time_ms": {"lt": 0.001}}}`)
	r = runNetProbe(ProbeFor("TCP"), loopbackEnv(t), &Target{CheckType: "TCP", Endpoint: closedLoopbackAddr(t), Options: tight})
	checkNetResult(t, r, StatusRed, "connection refused")
}
