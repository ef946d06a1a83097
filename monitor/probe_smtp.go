package monitor

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"net/textproto"
	"strings"
)

const (
	// smtpHelloName is the name the probe gives in EHLO. It is not a real
	// host of the appliance; servers only log it.
	smtpHelloName = "alertifypro.local"
	// smtpsPort is submission over implicit TLS (RFC 8314): TLS from the
	// first byte, as IMAP on 993. A STARTTLS probe there would only time out
	// waiting for a greeting the server sends after the handshake.
	smtpsPort = "465"
)

// probeSMTP checks a mail server: a 220 greeting, EHLO answered with 250,
// and with options.starttls the upgrade to TLS (RFC 3207) and EHLO again over
// it. On port 465 the whole session is over TLS from the start and
// starttls does not apply. The session ends with QUIT. Credentials are not
// used: the check is that the server speaks SMTP, not that a mailbox accepts
// a login.
func probeSMTP(ctx context.Context, env *Env, t *Target) Result {
	_, port, _ := net.SplitHostPort(t.Endpoint)
	return smtpCheck(ctx, env, t, port == smtpsPort)
}

// smtpCheck is probeSMTP with the implicit-TLS decision made by the caller,
// so tests can exercise it on a port they are able to bind.
func smtpCheck(ctx context.Context, env *Env, t *Target, implicitTLS bool) Result {
	var opts struct {
		StartTLS bool `json:"starttls"`
	}
	_ = json.Unmarshal(t.Options, &opts) // validated by the API; absent means false
	start := env.Now()
	conn, closeConn, err := protoDial(ctx, env, t)
	if err != nil {
		return failedErr(t, start, env.Now(), err)
	}
	defer closeConn()
	s := &smtpSession{ctx: ctx, env: env, t: t}
	s.use(conn)
	if implicitTLS {
		var tc net.Conn
		if tc, s.cert, err = protoTLS(ctx, env, conn, protoHost(t.Endpoint)); err != nil {
			r := protoFailed(start, env.Now(), "TLS handshake failed: "+protoTLSReason(ctx, env, t, err))
			r.Certificate = s.cert
			return r
		}
		s.use(tc)
		opts.StartTLS = false // already TLS
	}
	msg, err := s.check(conn, opts.StartTLS)
	end := env.Now()
	var r Result
	switch {
	case err != nil:
		r = protoFailedErr(ctx, t, start, end, err)
	case msg != "":
		r = protoFailed(start, end, msg)
	default:
		r = passed(t, start, end)
		s.quit(conn)
	}
	r.Certificate = s.cert
	return r
}

// smtpSession is one probe conversation; r and w switch to the TLS
// connection after STARTTLS.
type smtpSession struct {
	ctx  context.Context
	env  *Env
	t    *Target
	r    *textproto.Reader
	w    *textproto.Writer
	cert *Certificate
}

// use reads and writes the session over c from now on.
func (s *smtpSession) use(c net.Conn) {
	s.r = newProtoReader(c)
	s.w = textproto.NewWriter(bufio.NewWriter(c))
}

// check runs the conversation up to the last EHLO. It returns the reason the
// server failed the check, or a transport error; both empty when it passed.
func (s *smtpSession) check(conn net.Conn, starttls bool) (string, error) {
	code, lines, err := readProtoReply(s.r)
	if err != nil && code == 0 {
		return "", err
	}
	if code != 220 {
		return "unexpected greeting: " + protoQuote(lines[0]), nil
	}
	if err != nil {
		return "", err
	}
	ext, msg, err := s.ehlo()
	if msg != "" || err != nil || !starttls {
		return msg, err
	}
	if !smtpHasExtension(ext, "STARTTLS") {
		return "STARTTLS not offered", nil
	}
	if code, lines, err = s.cmd("STARTTLS"); err != nil {
		return "", err
	}
	if code != 220 {
		return "STARTTLS failed: " + protoQuote(lines[0]), nil
	}
	// Whatever the server sent after its 220 is dropped with the plain reader:
	// nothing from before the handshake may be read as if it came over TLS.
	tc, cert, err := protoTLS(s.ctx, s.env, conn, protoHost(s.t.Endpoint))
	s.cert = cert
	if err != nil {
		return "STARTTLS failed: " + protoTLSReason(s.ctx, s.env, s.t, err), nil
	}
	s.use(tc)
	_, msg, err = s.ehlo()
	return msg, err
}

// ehlo greets the server and returns the extension lines of its 250 reply.
func (s *smtpSession) ehlo() (ext []string, msg string, err error) {
	code, lines, err := s.cmd("EHLO " + smtpHelloName)
	switch {
	case err != nil:
		return nil, "", err
	case code != 250:
		return nil, "EHLO rejected: " + protoQuote(lines[0]), nil
	}
	return lines[1:], "", nil
}

// cmd sends one command line and reads the reply.
func (s *smtpSession) cmd(line string) (int, []string, error) {
	if err := s.w.PrintfLine("%s", line); err != nil {
		return 0, nil, err
	}
	return readProtoReply(s.r)
}

// quit says goodbye after a passed check, waiting briefly for the 221 so the
// server logs a clean QUIT rather than a dropped connection.
func (s *smtpSession) quit(conn net.Conn) {
	protoGoodbye(s.ctx, conn)
	_, _, _ = s.cmd("QUIT")
}

// smtpHasExtension reports whether an EHLO reply's extension lines ("250-SIZE
// 1000", "250 STARTTLS") announce keyword.
func smtpHasExtension(ext []string, keyword string) bool {
	for _, line := range ext {
		if len(line) < 4 {
			continue
		}
		if f := strings.Fields(line[4:]); len(f) > 0 && strings.EqualFold(f[0], keyword) {
			return true
		}
	}
	return false
}
