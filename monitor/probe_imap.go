package monitor

import (
	"bufio"
	"context"
	"net"
	"net/textproto"
	"strings"
)

// imapsPort is the port of IMAP over implicit TLS (RFC 8314). The API gives
// IMAP no options, so the port alone decides: 993 is TLS from the first byte,
// any other port is plain text.
const imapsPort = "993"

// probeIMAP checks an IMAP server's greeting, over TLS on port 993.
func probeIMAP(ctx context.Context, env *Env, t *Target) Result {
	_, port, _ := net.SplitHostPort(t.Endpoint)
	return imapCheck(ctx, env, t, port == imapsPort)
}

// imapCheck is probeIMAP with the TLS decision made by the caller, so tests
// can exercise implicit TLS on a port they are able to bind.
//
// The greeting must be "* OK" (RFC 9051 §7.1.1); "* PREAUTH" is accepted
// too, as it is an equally healthy server that trusts the connection. A
// "* BYE" greeting means the server refuses service. After the greeting the
// probe sends LOGOUT. Credentials are not used: the check is that the server
// answers, not that a mailbox accepts a login.
func imapCheck(ctx context.Context, env *Env, t *Target, implicitTLS bool) Result {
	start := env.Now()
	raw, closeConn, err := protoDial(ctx, env, t)
	if err != nil {
		return failedErr(t, start, env.Now(), err)
	}
	defer closeConn()
	conn := raw
	var cert *Certificate
	if implicitTLS {
		tc, c, err := protoTLS(ctx, env, raw, protoHost(t.Endpoint))
		cert = c
		if err != nil {
			r := protoFailed(start, env.Now(), "TLS handshake failed: "+protoTLSReason(ctx, env, t, err))
			r.Certificate = cert
			return r
		}
		conn = tc
	}
	rd := newProtoReader(conn)
	greeting, err := rd.ReadLine()
	end := env.Now()
	var r Result
	switch {
	case err != nil:
		r = protoFailedErr(ctx, t, start, end, err)
	case !imapHealthyGreeting(greeting):
		r = protoFailed(start, end, "unexpected greeting: "+protoQuote(greeting))
	default:
		r = passed(t, start, end)
		imapLogout(ctx, raw, conn, rd)
	}
	r.Certificate = cert
	return r
}

// imapHealthyGreeting reports whether a greeting line is "* OK ..." or
// "* PREAUTH ..." (IMAP keywords are case-insensitive).
func imapHealthyGreeting(line string) bool {
	for _, status := range []string{"* OK", "* PREAUTH"} {
		if len(line) >= len(status) && strings.EqualFold(line[:len(status)], status) &&
			(len(line) == len(status) || line[len(status)] == ' ') {
			return true
		}
	}
	return false
}

// imapLogout ends the session politely: LOGOUT, then the server's "* BYE"
// and tagged OK, read within a short bound.
func imapLogout(ctx context.Context, raw, conn net.Conn, rd *textproto.Reader) {
	protoGoodbye(ctx, raw)
	w := bufio.NewWriter(conn)
	if _, err := w.WriteString("a1 LOGOUT\r\n"); err != nil || w.Flush() != nil {
		return
	}
	for range 4 {
		line, err := rd.ReadLine()
		if err != nil || strings.HasPrefix(line, "a1 ") {
			return
		}
	}
}
