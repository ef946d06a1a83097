package monitor

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// netReplier answers each line read with reply, after delay.
func netReplier(delay time.Duration, reply string) func(net.Conn) {
	return func(c net.Conn) {
		r := bufio.NewReader(c)
		for {
			if _, err := r.ReadString('\n'); err != nil {
				return
			}
			time.Sleep(delay)
			if _, err := io.WriteString(c, reply); err != nil {
				return
			}
		}
	}
}

// runNetProbe runs p as the scheduler does: with a context carrying
// tgt.Timeout (2 s when unset).
func runNetProbe(p Probe, env *Env, tgt *Target) Result {
	if tgt.Timeout == 0 {
		tgt.Timeout = 2 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), tgt.Timeout)
	defer cancel()
	return p(ctx, env, tgt)
}

// checkNetResult compares a result's status and error; an expected error
// ending in "…" is a prefix.
func checkNetResult(t *testing.T, r Result, status, err string) {
	t.Helper()
	match := r.Error == err
	if prefix, ok := strings.CutSuffix(err, "…"); ok {
		match = strings.HasPrefix(r.Error, prefix)
	}
	if r.Status != status || !match {
		t.Errorf("result = %s %q, want %s %q", r.Status, r.Error, status, err)
	}
}

func TestProbeTCP(t *testing.T) {
	pong := loopbackServer(t, netReplier(0, "+PONG\r\n"))
	slowPong := loopbackServer(t, netReplier(100*time.Millisecond, "+PONG\r\n"))
	errReply := loopbackServer(t, netReplier(0, "-ERR unknown command 'PING'\r\n"))
	split := loopbackServer(t, func(c net.Conn) {
		_, _ = io.WriteString(c, "220 ")
		time.Sleep(20 * time.Millisecond)
		_, _ = io.WriteString(c, "mail.example ESMTP\r\n")
		silentConn(c)
	})
	flood := loopbackServer(t, func(c net.Conn) { _, _ = io.WriteString(c, strings.Repeat("x", 5000)) })
	hangUp := loopbackServer(t, func(c net.Conn) {})
	reset := loopbackServer(t, func(c net.Conn) {
		_, _ = bufio.NewReader(c).ReadString('\n')
		_ = c.(*net.TCPConn).SetLinger(0) // close with RST
	})
	silent := loopbackServer(t, silentConn)

	ping := `{"send":"PING\r\n","expect":"+PONG"}`
	cases := []struct {
		name, endpoint, options string
		timeout                 time.Duration
		refused                 bool
		status, err             string
		connected               bool
	}{
		{name: "connect only", endpoint: silent, status: StatusGreen, connected: true},
		{name: "send and expect", endpoint: pong, options: ping, status: StatusGreen, connected: true},
		{name: "greeting in two segments", endpoint: split, options: `{"expect":"220 mail.example"}`, status: StatusGreen, connected: true},
		{name: "slow reply", endpoint: slowPong, options: ping, status: StatusYellow, err: "slow response: …", connected: true},
		{name: "wrong reply", endpoint: errReply, options: `{"send":"PING\r\n","expect":"+OK"}`, status: StatusRed,
			err: `expected response starting with "+OK", got "-ERR unknown command 'PING'"`, connected: true},
		{name: "long wrong reply is quoted short", endpoint: flood, options: `{"expect":"+OK"}`, status: StatusRed,
			err: `expected response starting with "+OK", got "` + strings.Repeat("x", 60) + `…"`, connected: true},
		{name: "closed before replying", endpoint: hangUp, options: `{"expect":"+OK"}`, status: StatusRed,
			err: "connection closed by the server", connected: true},
		{name: "reset", endpoint: reset, options: ping, status: StatusRed, err: "connection reset by peer", connected: true},
		{name: "no reply", endpoint: silent, options: ping, timeout: 100 * time.Millisecond, status: StatusRed,
			err: "timeout after 100ms", connected: true},
		{name: "closed port", endpoint: closedLoopbackAddr(t), status: StatusRed, err: "connection refused"},
		{name: "egress refused", endpoint: pong, refused: true, status: StatusRed, err: refusedErr{}.Error()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := loopbackEnv(t)
			if c.refused {
				env = refusingEnv(t)
			}
			// Every case answers at once or at its own short timeout; the others get a
			// timeout no loaded machine reaches, and waiting it out shows in the bound below.
			if c.timeout == 0 {
				c.timeout = 30 * time.Second
			}
			tgt := &Target{CheckType: "TCP", Endpoint: c.endpoint, Timeout: c.timeout, DegradedThreshold: degradedFor(c.err)}
			if c.options != "" {
				tgt.Options = []byte(c.options)
			}
			start := time.Now()
			r := runNetProbe(probeTCP, env, tgt)
			checkNetResult(t, r, c.status, c.err)
			if r.Connected != c.connected || r.Internal != c.refused || r.StatusCode != 0 || r.Certificate != nil {
				t.Errorf("result = %+v, want Connected %v, Internal %v", r, c.connected, c.refused)
			}
			if time.Since(start) > 10*time.Second {
				t.Errorf("took %v: waited for a timeout it should not have", time.Since(start))
			}
		})
	}
}
