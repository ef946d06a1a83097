package monitor

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"testing"
	"time"
)

// loopbackEnv is the Env probe tests use: plain dials that may only reach
// loopback (a test that tries anything else fails loudly), the system
// resolver restricted the same way, and the real clock.
func loopbackEnv(t testing.TB) *Env {
	t.Helper()
	var d net.Dialer
	return &Env{
		Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return nil, err
			}
			if ip, err := netip.ParseAddr(host); err != nil || !ip.IsLoopback() {
				t.Errorf("probe dialled %s %s: tests may only reach loopback addresses", network, address)
				return nil, fmt.Errorf("test dialer: %s is not loopback", address)
			}
			return d.DialContext(ctx, network, address)
		},
		ResolveIP: func(ctx context.Context, host string) (netip.Addr, error) {
			ip, err := netip.ParseAddr(host)
			if err != nil || !ip.IsLoopback() {
				return netip.Addr{}, fmt.Errorf("test resolver: %s is not a loopback literal", host)
			}
			return ip, nil
		},
		UserAgent: "AlertifyPro/test",
		Now:       time.Now,
	}
}

// refusedErr imitates the egress guard's refusal error.
type refusedErr struct{}

func (refusedErr) Error() string {
	return "egress policy refused 10.0.0.1: private address (EGRESS_POLICY=public)"
}
func (refusedErr) Refused() bool { return true }

func TestDescribeError(t *testing.T) {
	tgt := &Target{Timeout: 10 * time.Second}
	cases := []struct {
		err  error
		want string
	}{
		{context.DeadlineExceeded, "timeout after 10s"},
		{&net.DNSError{Err: "no such host", Name: "nope.invalid", IsNotFound: true}, "DNS lookup failed: no such host nope.invalid"},
		{fmt.Errorf("dial: %w", refusedErr{}), "egress policy refused 10.0.0.1: private address (EGRESS_POLICY=public)"},
	}
	for _, c := range cases {
		if got := describeError(tgt, c.err); got != c.want {
			t.Errorf("describeError(%v) = %q, want %q", c.err, got, c.want)
		}
	}
	// A real refused connection on loopback.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = loopbackEnv(t).Dial(context.Background(), "tcp", addr)
	if got := describeError(tgt, err); got != "connection refused" {
		t.Errorf("closed port: %q, want connection refused", got)
	}
	if r := failedErr(tgt, time.Now(), time.Now(), fmt.Errorf("x: %w", refusedErr{})); !r.Internal || r.Status != StatusRed {
		t.Errorf("egress refusal result = %+v, want RED and Internal", r)
	}
}

func TestPassedGrading(t *testing.T) {
	start := time.Now()
	tgt := &Target{DegradedThreshold: time.Second}
	if r := passed(tgt, start, start.Add(200*time.Millisecond)); r.Status != StatusGreen || r.Error != "" {
		t.Errorf("fast = %+v", r)
	}
	if r := passed(tgt, start, start.Add(1500*time.Millisecond)); r.Status != StatusYellow || r.Error != "slow response: 1500 ms (threshold 1000 ms)" {
		t.Errorf("slow = %+v", r)
	}
}
