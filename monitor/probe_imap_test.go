package monitor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"testing"
	"time"
)

// TestProbeIMAP runs imapCheck, the part of probeIMAP after the TLS decision,
// asking for implicit TLS directly; TestIMAPTLSByPort covers the decision.
func TestProbeIMAP(t *testing.T) {
	now := time.Now()
	goodTLS, goodPool := protoCert(t, now.Add(-time.Hour), now.Add(5*24*time.Hour))
	expiredTLS, expiredPool := protoCert(t, now.Add(-48*time.Hour), now.Add(-12*time.Hour))
	logout := map[string]string{"LOGOUT": "* BYE Logging out\r\na1 OK Logout completed.\r\n"}
	plain := func(delay time.Duration, greeting string) func(t *testing.T) string {
		return func(t *testing.T) string { return loopbackServer(t, protoScript(delay, greeting, logout)) }
	}
	overTLS := func(cfg *tls.Config, greeting string) func(t *testing.T) string {
		return func(t *testing.T) string {
			return loopbackServer(t, func(c net.Conn) { protoScript(0, greeting, logout)(tls.Server(c, cfg)) })
		}
	}
	cases := []struct {
		name  string
		addr  func(t *testing.T) string
		tls   bool
		roots *x509.CertPool
		env   func(t *testing.T) *Env
		want  protoWant
		days  int // certificate's days until expiry; 0 = no certificate expected
	}{
		{name: "GREEN", addr: plain(0, "* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n"), want: protoWant{status: StatusGreen}},
		{name: "PREAUTH", addr: plain(0, "* PREAUTH IMAP4rev1 server logged in as alice\r\n"), want: protoWant{status: StatusGreen}},
		{name: "bare OK, lower case", addr: plain(0, "* ok\r\n"), want: protoWant{status: StatusGreen}},
		{name: "slow greeting is YELLOW", addr: plain(80*time.Millisecond, "* OK ready\r\n"), want: protoWant{status: StatusYellow}},
		{name: "implicit TLS GREEN", addr: overTLS(goodTLS, "* OK IMAPS ready\r\n"), tls: true, roots: goodPool,
			want: protoWant{status: StatusGreen}, days: 4},
		{name: "BYE greeting", addr: plain(0, "* BYE Too many connections from your IP\r\n"),
			want: protoWant{status: StatusRed, err: `unexpected greeting: "* BYE Too many connections from your IP"`, connected: true}},
		{name: "OKAY is not OK", addr: plain(0, "* OKAY\r\n"),
			want: protoWant{status: StatusRed, err: `unexpected greeting: "* OKAY"`, connected: true}},
		{name: "expired certificate", addr: overTLS(expiredTLS, "* OK\r\n"), tls: true, roots: expiredPool, days: -1,
			want: protoWant{status: StatusRed, err: "TLS handshake failed: certificate expired on " +
				now.Add(-12*time.Hour).UTC().Format(time.DateOnly), connected: true}},
		{name: "TLS to a plain server", addr: plain(0, "* OK plain\r\n"), tls: true,
			want: protoWant{status: StatusRed, err: "TLS handshake failed: first record does not look like a TLS handshake", connected: true}},
		{name: "refused port", addr: closedLoopbackAddr, want: protoWant{status: StatusRed, err: "connection refused"}},
		{name: "silent server times out", addr: func(t *testing.T) string { return loopbackServer(t, silentConn) },
			want: protoWant{status: StatusRed, err: "timeout after 300ms", connected: true}},
		{name: "egress refused", addr: func(*testing.T) string { return "10.0.0.1:993" }, env: refusingEnv,
			want: protoWant{status: StatusRed, err: refusedErr{}.Error(), internal: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := loopbackEnv(t)
			if c.env != nil {
				env = c.env(t)
			}
			env.RootCAs = c.roots
			check := func(ctx context.Context, env *Env, t *Target) Result { return imapCheck(ctx, env, t, c.tls) }
			r := protoRun(check, env, protoTargetFor("IMAP", c.addr(t), c.want))
			protoCheck(t, r, c.want)
			switch {
			case c.days == 0 && r.Certificate != nil:
				t.Errorf("certificate %+v on a plain connection", r.Certificate)
			case c.days != 0 && (r.Certificate == nil || r.Certificate.DaysUntilExpiry != c.days):
				t.Errorf("certificate = %+v, want %d days until expiry", r.Certificate, c.days)
			}
		})
	}
}

// TestIMAPTLSByPort: probeIMAP speaks plain text on any port but 993, where it
// starts with a TLS handshake. The test cannot bind 993, so its dialer takes
// the connection for 127.0.0.1:993 to a TLS server on another loopback port.
func TestIMAPTLSByPort(t *testing.T) {
	now := time.Now()
	cfg, pool := protoCert(t, now.Add(-time.Hour), now.Add(24*time.Hour))
	plainAddr := loopbackServer(t, protoScript(0, "* OK ready\r\n", nil))
	r := protoRun(probeIMAP, loopbackEnv(t), protoTarget("IMAP", plainAddr))
	protoCheck(t, r, protoWant{status: StatusGreen})
	if r.Certificate != nil {
		t.Errorf("plain port: certificate %+v", r.Certificate)
	}

	tlsAddr := loopbackServer(t, func(c net.Conn) { protoScript(0, "* OK ready\r\n", nil)(tls.Server(c, cfg)) })
	env := loopbackEnv(t)
	env.RootCAs = pool
	dial := env.Dial
	env.Dial = func(ctx context.Context, network, address string) (net.Conn, error) {
		if address != "127.0.0.1:993" {
			t.Errorf("dialled %s", address)
		}
		return dial(ctx, network, tlsAddr)
	}
	r = protoRun(probeIMAP, env, protoTarget("IMAP", "127.0.0.1:993"))
	protoCheck(t, r, protoWant{status: StatusGreen})
	if r.Certificate == nil {
		t.Error("port 993: no certificate, so no TLS")
	}
}
