package monitor

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"log"
	"net"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// smtpTestBackend is a go-smtp backend that accepts nothing (the probe never
// sends mail) and can be slow to answer EHLO, or refuse it.
type smtpTestBackend struct {
	delay  time.Duration
	refuse bool
}

func (b smtpTestBackend) NewSession(*smtp.Conn) (smtp.Session, error) {
	time.Sleep(b.delay) // go-smtp opens the session on EHLO
	if b.refuse {
		return nil, errors.New("not today")
	}
	return smtpTestSession{}, nil
}

type smtpTestSession struct{}

func (smtpTestSession) Reset()                               {}
func (smtpTestSession) Logout() error                        { return nil }
func (smtpTestSession) Mail(string, *smtp.MailOptions) error { return errors.New("no mail") }
func (smtpTestSession) Rcpt(string, *smtp.RcptOptions) error { return errors.New("no mail") }
func (smtpTestSession) Data(io.Reader) error                 { return errors.New("no mail") }

// smtpTestServer starts a real go-smtp server on 127.0.0.1; with a TLS
// config it offers STARTTLS.
func smtpTestServer(t *testing.T, be smtpTestBackend, tlsConfig *tls.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return smtpServe(t, be, tlsConfig, ln)
}

// smtpsTestServer starts a go-smtp server speaking TLS from the first byte.
func smtpsTestServer(t *testing.T, tlsConfig *tls.Config) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return smtpServe(t, smtpTestBackend{}, nil, tls.NewListener(ln, tlsConfig))
}

func smtpServe(t *testing.T, be smtpTestBackend, tlsConfig *tls.Config, ln net.Listener) string {
	s := smtp.NewServer(be)
	s.Domain = "localhost"
	s.TLSConfig = tlsConfig
	s.ReadTimeout = 5 * time.Second
	s.ErrorLog = log.New(io.Discard, "", 0) // the probe's early hang-ups are expected
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Serve(ln) }()
	t.Cleanup(func() { s.Close(); <-done })
	return ln.Addr().String()
}

func TestProbeSMTP(t *testing.T) {
	now := time.Now()
	goodTLS, goodPool := protoCert(t, now.Add(-time.Hour), now.Add(30*24*time.Hour))
	ehloOK := map[string]string{"EHLO": "250-localhost\r\n250-STARTTLS\r\n250 8BITMIME\r\n", "QUIT": "221 bye\r\n"}
	cases := []struct {
		name     string
		addr     func(t *testing.T) string
		starttls bool
		implicit bool // TLS from the first byte (port 465)
		roots    *x509.CertPool
		env      func(t *testing.T) *Env
		want     protoWant
		cert     bool
	}{
		{name: "plain GREEN", addr: func(t *testing.T) string { return smtpTestServer(t, smtpTestBackend{}, nil) },
			want: protoWant{status: StatusGreen}},
		{name: "STARTTLS GREEN with certificate", starttls: true, roots: goodPool, cert: true,
			addr: func(t *testing.T) string { return smtpTestServer(t, smtpTestBackend{}, goodTLS) },
			want: protoWant{status: StatusGreen}},
		{name: "implicit TLS GREEN", implicit: true, roots: goodPool, cert: true,
			addr: func(t *testing.T) string { return smtpsTestServer(t, goodTLS) },
			want: protoWant{status: StatusGreen}},
		{name: "implicit TLS to a plain server", implicit: true,
			addr: func(t *testing.T) string { return smtpTestServer(t, smtpTestBackend{}, nil) },
			want: protoWant{status: StatusRed, err: "TLS handshake failed: first record does not look like a TLS handshake", connected: true}},
		{name: "multi-line greeting", addr: func(t *testing.T) string {
			return loopbackServer(t, protoScript(0, "220-mail.test ESMTP\r\n220-no UCE\r\n220 ready\r\n", ehloOK))
		}, want: protoWant{status: StatusGreen}},
		{name: "slow EHLO is YELLOW",
			addr: func(t *testing.T) string {
				return smtpTestServer(t, smtpTestBackend{delay: 80 * time.Millisecond}, nil)
			},
			want: protoWant{status: StatusYellow}},
		{name: "bad greeting", addr: func(t *testing.T) string { return loopbackServer(t, protoScript(0, "554 no service\r\n", nil)) },
			want: protoWant{status: StatusRed, err: `unexpected greeting: "554 no service"`, connected: true}},
		{name: "not SMTP at all", addr: func(t *testing.T) string { return loopbackServer(t, protoScript(0, "SSH-2.0-OpenSSH_9.6\r\n", nil)) },
			want: protoWant{status: StatusRed, err: `unexpected greeting: "SSH-2.0-OpenSSH_9.6"`, connected: true}},
		{name: "EHLO rejected", addr: func(t *testing.T) string { return smtpTestServer(t, smtpTestBackend{refuse: true}, nil) },
			want: protoWant{status: StatusRed, err: `EHLO rejected: "451 4.0.0 not today"`, connected: true}},
		{name: "STARTTLS not offered", starttls: true,
			addr: func(t *testing.T) string { return smtpTestServer(t, smtpTestBackend{}, nil) },
			want: protoWant{status: StatusRed, err: "STARTTLS not offered", connected: true}},
		{name: "STARTTLS refused", starttls: true, addr: func(t *testing.T) string {
			return loopbackServer(t, protoScript(0, "220 mail.test\r\n", map[string]string{
				"EHLO": ehloOK["EHLO"], "STARTTLS": "454 4.7.0 TLS not available\r\n"}))
		}, want: protoWant{status: StatusRed, err: `STARTTLS failed: "454 4.7.0 TLS not available"`, connected: true}},
		{name: "STARTTLS untrusted certificate", starttls: true, cert: true,
			addr: func(t *testing.T) string { return smtpTestServer(t, smtpTestBackend{}, goodTLS) },
			want: protoWant{status: StatusRed, err: "STARTTLS failed: certificate signed by unknown authority", connected: true}},
		{name: "refused port", addr: closedLoopbackAddr,
			want: protoWant{status: StatusRed, err: "connection refused"}},
		{name: "silent server times out", addr: func(t *testing.T) string { return loopbackServer(t, silentConn) },
			want: protoWant{status: StatusRed, err: "timeout after 300ms", connected: true}},
		{name: "egress refused", addr: func(*testing.T) string { return "10.0.0.1:25" }, env: refusingEnv,
			want: protoWant{status: StatusRed, err: refusedErr{}.Error(), internal: true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := loopbackEnv(t)
			if c.env != nil {
				env = c.env(t)
			}
			env.RootCAs = c.roots
			tgt := protoTargetFor("SMTP", c.addr(t), c.want)
			if c.starttls {
				tgt.Options = []byte(`{"starttls":true}`)
			}
			r := protoRun(func(ctx context.Context, env *Env, t *Target) Result {
				return smtpCheck(ctx, env, t, c.implicit)
			}, env, tgt)
			protoCheck(t, r, c.want)
			if c.cert != (r.Certificate != nil) {
				t.Fatalf("certificate = %+v, want one: %v", r.Certificate, c.cert)
			}
			if c.cert && (r.Certificate.Subject != "probe test" || r.Certificate.DaysUntilExpiry != 29) {
				t.Errorf("certificate = %+v", r.Certificate)
			}
		})
	}
}

// TestSMTPTLSByPort: probeSMTP starts with a TLS handshake on port 465 only.
// The test cannot bind 465, so its dialer takes the connection for
// 127.0.0.1:465 to a TLS server on another loopback port.
func TestSMTPTLSByPort(t *testing.T) {
	now := time.Now()
	cfg, pool := protoCert(t, now.Add(-time.Hour), now.Add(24*time.Hour))
	r := protoRun(probeSMTP, loopbackEnv(t), protoTarget("SMTP", smtpTestServer(t, smtpTestBackend{}, cfg)))
	protoCheck(t, r, protoWant{status: StatusGreen})
	if r.Certificate != nil {
		t.Errorf("plain port without starttls: certificate %+v", r.Certificate)
	}

	tlsAddr := smtpsTestServer(t, cfg)
	env := loopbackEnv(t)
	env.RootCAs = pool
	dial := env.Dial
	env.Dial = func(ctx context.Context, network, address string) (net.Conn, error) {
		if address != "127.0.0.1:465" {
			t.Errorf("dialled %s", address)
		}
		return dial(ctx, network, tlsAddr)
	}
	tgt := protoTarget("SMTP", "127.0.0.1:465")
	tgt.Options = []byte(`{"starttls":true}`) // ignored: already TLS
	r = protoRun(probeSMTP, env, tgt)
	protoCheck(t, r, protoWant{status: StatusGreen})
	if r.Certificate == nil {
		t.Error("port 465: no certificate, so no TLS")
	}
}
