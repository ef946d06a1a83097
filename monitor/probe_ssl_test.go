package monitor

import (
	"net"
	"testing"
	"time"
)

func TestProbeSSL(t *testing.T) {
	ca := newNetTestCA(t)
	now := time.Now()
	expiredAt := now.Add(-23 * time.Hour)
	inAYear := now.Add(365*24*time.Hour + time.Hour)
	year := netTLSServer(t, ca.valid(t, inAYear), 0)
	soon := netTLSServer(t, ca.valid(t, now.Add(5*24*time.Hour+time.Hour)), 0)
	expired := netTLSServer(t, ca.valid(t, expiredAt), 0)
	wrongName := netTLSServer(t, ca.issue(t, now.Add(-time.Hour), inAYear, "other.test", "192.0.2.1"), 0)
	slow := netTLSServer(t, ca.valid(t, inAYear), 100*time.Millisecond)
	plain := loopbackServer(t, func(c net.Conn) { _, _ = c.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n")) })
	silent := loopbackServer(t, func(c net.Conn) { time.Sleep(300 * time.Millisecond) })

	cases := []struct {
		name      string
		endpoint  string
		options   string
		timeout   time.Duration
		untrusted bool // Env.RootCAs does not hold the test CA
		refused   bool // the egress guard refuses
		status    string
		err       string // exact, or a prefix when it ends in "…"
		days      int    // certificate days until expiry; -100: no certificate expected
	}{
		{name: "valid for a year", endpoint: year, status: StatusGreen, days: 365},
		{name: "expires in 5 days", endpoint: soon, status: StatusYellow, err: "certificate expires in 5 days", days: 5},
		{name: "inside a 3 day window only", endpoint: soon, options: `{"ssl_warn_days":3}`, status: StatusGreen, days: 5},
		{name: "expired yesterday", endpoint: expired, status: StatusRed,
			err: "certificate expired on " + expiredAt.UTC().Format(time.DateOnly), days: -1},
		{name: "wrong hostname", endpoint: wrongName, status: StatusRed,
			err: "TLS certificate invalid: x509: certificate is valid for 192.0.2.1, not 127.0.0.1", days: 365},
		{name: "unknown authority", endpoint: year, untrusted: true, status: StatusRed,
			err: "TLS certificate invalid: x509: certificate signed by unknown authority", days: 365},
		{name: "slow handshake", endpoint: slow, status: StatusYellow, err: "slow response: …", days: 365},
		{name: "not TLS", endpoint: plain, status: StatusRed,
			err: "TLS handshake failed: tls: first record does not look like a TLS handshake", days: -100},
		{name: "silent server", endpoint: silent, timeout: 100 * time.Millisecond, status: StatusRed, err: "timeout after 100ms", days: -100},
		{name: "closed port", endpoint: closedLoopbackAddr(t), status: StatusRed, err: "connection refused", days: -100},
		{name: "egress refused", endpoint: year, refused: true, status: StatusRed, err: refusedErr{}.Error(), days: -100},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := loopbackEnv(t)
			if c.refused {
				env = refusingEnv(t)
			}
			env.RootCAs = ca.pool
			if c.untrusted {
				env.RootCAs = newNetTestCA(t).pool
			}
			tgt := &Target{CheckType: "SSL", Endpoint: c.endpoint, Options: []byte(c.options),
				Timeout: c.timeout, DegradedThreshold: degradedFor(c.err)}
			if c.options == "" {
				tgt.Options = nil
			}
			r := runNetProbe(probeSSL, env, tgt)
			checkNetResult(t, r, c.status, c.err)
			if r.Internal != c.refused {
				t.Errorf("Internal = %v, want %v", r.Internal, c.refused)
			}
			if c.days == -100 {
				if r.Certificate != nil {
					t.Errorf("certificate = %+v, want none", r.Certificate)
				}
				return
			}
			if r.Certificate == nil || r.Certificate.DaysUntilExpiry != c.days || r.Certificate.Subject != "localhost" ||
				r.Certificate.Issuer != "AlertifyPro Test CA" {
				t.Errorf("certificate = %+v, want localhost by the test CA, %d days", r.Certificate, c.days)
			}
		})
	}
}

func TestSSLHostPort(t *testing.T) {
	cases := map[string]string{
		"example.com":       "example.com 443",
		"example.com.":      "example.com 443",
		"example.com:8443":  "example.com 8443",
		"192.0.2.1":         "192.0.2.1 443",
		"2001:db8::1":       "2001:db8::1 443",
		"[2001:db8::1]":     "2001:db8::1 443",
		"[2001:db8::1]:993": "2001:db8::1 993",
	}
	for in, want := range cases {
		if host, port := sslHostPort(in); host+" "+port != want {
			t.Errorf("sslHostPort(%q) = %s %s, want %s", in, host, port, want)
		}
	}
}
