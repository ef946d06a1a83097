package monitor

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

// Test scaffolding shared by the MySQL, PostgreSQL, MongoDB and gRPC probe
// tests: fake servers on loopback and one table runner.

// wireSend is a server that writes b and then waits for the client to close.
func wireSend(b []byte) func(net.Conn) {
	return func(c net.Conn) {
		c.Write(b)
		io.Copy(io.Discard, c)
	}
}

// wireSlow delays handle by d.
func wireSlow(d time.Duration, handle func(net.Conn)) func(net.Conn) {
	return func(c net.Conn) {
		time.Sleep(d)
		handle(c)
	}
}

// wireCase is one probe check against a fake server.
type wireCase struct {
	name      string
	serve     func(net.Conn) // nil: a closed port
	addr      string         // instead of serve: an address already running
	options   map[string]any
	auth      *Credentials
	timeout   time.Duration // default 2s
	threshold time.Duration // default 1s
	refused   bool          // the egress guard refuses the dial
	roots     *x509.CertPool
	check     func(*testing.T, Result) // more checks on the result
	status    string
	err       string // exact error; a trailing "*" matches a prefix
	orErr     string // other errors accepted, separated by "|" (outcomes that depend on timing)
}

// runWireCases runs each case through probe, checking status and error and
// the result facts that follow from them.
func runWireCases(t *testing.T, probe Probe, checkType string, cases []wireCase) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			addr := c.addr
			if addr == "" && c.serve != nil {
				addr = loopbackServer(t, c.serve)
			} else if addr == "" {
				addr = closedLoopbackAddr(t)
			}
			tgt := &Target{CheckType: checkType, Endpoint: addr, Timeout: c.timeout,
				DegradedThreshold: c.threshold, Auth: c.auth}
			if tgt.Timeout == 0 {
				tgt.Timeout = 2 * time.Second
			}
			if tgt.DegradedThreshold == 0 {
				tgt.DegradedThreshold = time.Second
			}
			if c.options != nil {
				tgt.Options, _ = json.Marshal(c.options)
			}
			env := loopbackEnv(t)
			env.RootCAs = c.roots
			if c.refused {
				env.Dial = func(ctx context.Context, network, address string) (net.Conn, error) {
					return nil, &net.OpError{Op: "dial", Net: network, Err: refusedErr{}}
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), tgt.Timeout)
			defer cancel()
			r := probe(ctx, env, tgt)
			checkWireResult(t, r, c)
			if c.check != nil {
				c.check(t, r)
			}
		})
	}
}

func checkWireResult(t *testing.T, r Result, c wireCase) {
	t.Helper()
	errOK := r.Error == c.err || c.orErr != "" && slices.Contains(strings.Split(c.orErr, "|"), r.Error)
	if prefix, ok := strings.CutSuffix(c.err, "*"); ok {
		errOK = strings.HasPrefix(r.Error, prefix)
	}
	if r.Status != c.status || !errOK {
		t.Fatalf("got %s %q, want %s %q (or %q)", r.Status, r.Error, c.status, c.err, c.orErr)
	}
	if r.Internal != c.refused {
		t.Errorf("Internal = %v, want %v", r.Internal, c.refused)
	}
	if r.StatusCode != 0 {
		t.Errorf("StatusCode = %d, want 0 (HTTP only)", r.StatusCode)
	}
	if r.CheckedAt.IsZero() || r.ResponseTime < 0 {
		t.Errorf("CheckedAt %v, ResponseTime %v", r.CheckedAt, r.ResponseTime)
	}
	if r.Status != StatusRed && (!r.Connected || !r.Resolved) {
		t.Errorf("passed without Connected/Resolved: %+v", r)
	}
	if c.serve == nil && c.addr == "" && r.Connected {
		t.Errorf("Connected = true without a server")
	}
}

func TestServerText(t *testing.T) {
	cases := []struct {
		in   string
		max  int
		want string
	}{
		{"Too many connections", 120, "Too many connections"},
		{" ok\r\n", 120, "ok"},
		{"a\x00b\xffc", 120, "a?b?c"},
		{"abcdef", 3, "abc..."},
		{"", 10, ""},
	}
	for _, c := range cases {
		if got := serverText([]byte(c.in), c.max); got != c.want {
			t.Errorf("serverText(%q, %d) = %q, want %q", c.in, c.max, got, c.want)
		}
	}
}

func TestReadWire(t *testing.T) {
	buf := make([]byte, 4)
	if err := readWire(strings.NewReader(""), buf, false); err != io.EOF {
		t.Errorf("nothing sent: %v, want EOF", err)
	}
	if err := readWire(strings.NewReader(""), buf, true); !errors.Is(err, errGarbage) {
		t.Errorf("nothing more after a start: %v, want errGarbage", err)
	}
	if err := readWire(strings.NewReader("ab"), buf, false); !errors.Is(err, errGarbage) {
		t.Errorf("short: %v, want errGarbage", err)
	}
	if err := readWire(strings.NewReader("abcd"), buf, false); err != nil {
		t.Errorf("full: %v", err)
	}
}
