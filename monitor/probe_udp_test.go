package monitor

import (
	"net"
	"testing"
	"time"
)

// netUDPServer answers every datagram on 127.0.0.1 with reply(datagram)
// after delay; a nil reply means silence. It returns the address.
func netUDPServer(t *testing.T, delay time.Duration, reply func([]byte) []byte) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 65536)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if out := reply(buf[:n]); out != nil {
				time.Sleep(delay)
				_, _ = pc.WriteTo(out, from)
			}
		}
	}()
	return pc.LocalAddr().String()
}

// netClosedUDPAddr is a 127.0.0.1 UDP address nothing listens on.
func netClosedUDPAddr(t *testing.T) string {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	return addr
}

func TestProbeUDP(t *testing.T) {
	echo := func(b []byte) []byte { return append([]byte{}, b...) }
	echoServer := netUDPServer(t, 0, echo)
	slowEcho := netUDPServer(t, 100*time.Millisecond, echo)
	silent := netUDPServer(t, 0, func([]byte) []byte { return nil })

	cases := []struct {
		name, endpoint, options string
		timeout                 time.Duration
		refused                 bool
		status, err             string
	}{
		{name: "text reply", endpoint: echoServer, options: `{"payload":"ping","expect":"pi"}`, status: StatusGreen},
		{name: "hex reply", endpoint: echoServer, options: `{"payload":"hex:0102ff","expect":"hex:0102"}`, status: StatusGreen},
		{name: "empty datagram, any reply", endpoint: echoServer, status: StatusGreen},
		{name: "slow reply", endpoint: slowEcho, options: `{"payload":"ping"}`, status: StatusYellow, err: "slow response: …"},
		{name: "wrong reply", endpoint: echoServer, options: `{"payload":"ping\n","expect":"pong"}`, status: StatusRed,
			err: `expected reply starting with "pong", got "ping"`},
		{name: "wrong hex reply", endpoint: echoServer, options: `{"payload":"hex:0102ff","expect":"hex:ff"}`, status: StatusRed,
			err: `expected reply starting with "hex:ff", got "hex:0102ff"`},
		{name: "no reply", endpoint: silent, options: `{"payload":"ping"}`, timeout: 100 * time.Millisecond, status: StatusRed,
			err: "no UDP reply within 100ms"},
		{name: "closed port", endpoint: netClosedUDPAddr(t), options: `{"payload":"ping"}`, status: StatusRed, err: "connection refused"},
		{name: "egress refused", endpoint: echoServer, refused: true, status: StatusRed, err: refusedErr{}.Error()},
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
			tgt := &Target{CheckType: "UDP", Endpoint: c.endpoint, Timeout: c.timeout, DegradedThreshold: degradedFor(c.err)}
			if c.options != "" {
				tgt.Options = []byte(c.options)
			}
			start := time.Now()
			r := runNetProbe(probeUDP, env, tgt)
			checkNetResult(t, r, c.status, c.err)
			if r.Internal != c.refused || r.StatusCode != 0 {
				t.Errorf("result = %+v, want Internal %v", r, c.refused)
			}
			if time.Since(start) > 10*time.Second {
				t.Errorf("took %v: waited for a timeout it should not have", time.Since(start))
			}
		})
	}
}
