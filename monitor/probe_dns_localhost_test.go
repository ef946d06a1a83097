package monitor

import (
	"context"
	"net"
	"testing"
	"time"
)

// TestDNSLocalhostAnsweredLocally: RFC 6761 §6.3 — "localhost" and every name under it
// resolve to the loopback addresses without asking any resolver, whether the check names
// one or uses the host's: an A question answers 127.0.0.1, AAAA ::1, and any other type
// has no records. The Env's dialers fail the test if anything is dialled.
func TestDNSLocalhostAnsweredLocally(t *testing.T) {
	dialled := func(_ context.Context, network, addr string) (net.Conn, error) {
		t.Errorf("a resolver was asked (%s %s)", network, addr)
		return nil, net.ErrClosed
	}
	env := &Env{Dial: dialled, Now: time.Now, DialSystemResolver: func(ctx context.Context, network string) (net.Conn, error) {
		return dialled(ctx, network, "system resolver")
	}}
	cases := []struct{ host, opts, status, err string }{
		{"localhost", `{"expected":"127.0.0.1"}`, StatusGreen, ""},
		{"localhost.", `{"record_type":"AAAA","expected":"::1"}`, StatusGreen, ""},
		{"db.LocalHost", `{"resolver":"192.0.2.53:53","expected":"127.0.0.1"}`, StatusGreen, ""},
		{"localhost", `{"expected":"10.0.0.1"}`, StatusRed, `expected "10.0.0.1" not among answers [127.0.0.1]`},
		{"localhost", `{"record_type":"MX"}`, StatusRed, "no MX records for localhost"},
	}
	for _, c := range cases {
		tgt := protoTarget("DNS", c.host)
		tgt.Options = []byte(c.opts)
		r := protoRun(probeDNS, env, tgt)
		if r.Status != c.status || r.Error != c.err {
			t.Errorf("%s %s: %s %q, want %s %q", c.host, c.opts, r.Status, r.Error, c.status, c.err)
		}
		if r.Resolved != (c.status == StatusGreen) {
			t.Errorf("%s %s: resolved = %v", c.host, c.opts, r.Resolved)
		}
	}
}
