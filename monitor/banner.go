package monitor

// Plumbing shared by the line-based protocol probes (SMTP, IMAP, FTP, SSH,
// Redis): dial through env with the check's deadline on the connection, read
// lines with a cap, quote server text for error messages, and TLS for the
// mail protocols. Names carry a "proto" prefix so they cannot collide with
// the other probe files of this package.

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"
)

const (
	// protoMaxRead is the most a protocol probe reads from one server: a
	// greeting or an EHLO reply is well under 4 KiB, so a server that keeps
	// talking is cut off instead of filling memory.
	protoMaxRead = 64 << 10
	// protoMaxReplyLines bounds one multi-line SMTP/FTP reply.
	protoMaxReplyLines = 100
	// protoQuoteLen is how much server text an error message quotes.
	protoQuoteLen = 60
)

var errProtoTooLong = errors.New("reply too long")

// protoDial connects to t.Endpoint over TCP through env and bounds every later
// read and write on the connection by ctx: its deadline becomes the
// connection's, and a cancellation expires the connection at once. release
// closes the connection and drops the watch; call it when the check is done.
func protoDial(ctx context.Context, env *Env, t *Target) (conn net.Conn, release func(), err error) {
	conn, err = env.Dial(ctx, "tcp", t.Endpoint)
	if err != nil {
		return nil, nil, err
	}
	stop := protoBind(ctx, t, conn)
	return conn, func() { stop(); _ = conn.Close() }, nil
}

// protoBind makes ctx bound conn: ctx's deadline (or, should a caller pass
// none, the target's timeout) becomes the connection's, and a cancellation
// expires it at once. stop releases the cancellation watch.
func protoBind(ctx context.Context, t *Target, conn net.Conn) (stop func() bool) {
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	} else if t.Timeout > 0 {
		_ = conn.SetDeadline(time.Now().Add(t.Timeout))
	}
	return context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
}

// protoGoodbye bounds the farewell of a passed check (QUIT, LOGOUT) to a
// short wait that never outlasts ctx: its time is not part of the response
// time, and a server slow to say goodbye is no failure.
func protoGoodbye(ctx context.Context, conn net.Conn) {
	deadline := time.Now().Add(500 * time.Millisecond)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if ctx.Err() != nil {
		deadline = time.Unix(1, 0)
	}
	_ = conn.SetDeadline(deadline)
}

// protoCtxErr prefers ctx's own error once ctx is done, so a cancelled check
// says "check cancelled" rather than the timeout its expired connection shows.
func protoCtxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// protoFailed is a RED result for a server that accepted the connection but
// then failed the protocol check.
func protoFailed(start, end time.Time, msg string) Result {
	r := failed(start, end, msg)
	r.Resolved, r.Connected = true, true
	return r
}

// protoFailedErr is protoFailed for a transport error after connecting.
func protoFailedErr(ctx context.Context, t *Target, start, end time.Time, err error) Result {
	r := failedErr(t, start, end, protoCtxErr(ctx, err))
	r.Connected = true
	return r
}

// protoCapReader fails with errProtoTooLong once n bytes have been read.
type protoCapReader struct {
	r io.Reader
	n int
}

func (c *protoCapReader) Read(p []byte) (int, error) {
	if c.n <= 0 {
		return 0, errProtoTooLong
	}
	if len(p) > c.n {
		p = p[:c.n]
	}
	n, err := c.r.Read(p)
	c.n -= n
	return n, err
}

// newProtoReader reads CRLF lines from r, at most protoMaxRead bytes in all.
func newProtoReader(r io.Reader) *textproto.Reader {
	return textproto.NewReader(bufio.NewReader(&protoCapReader{r: r, n: protoMaxRead}))
}

// readProtoReply reads one reply of the SMTP/FTP family: "ddd text", or
// "ddd-text" continued up to a line "ddd text" (RFC 5321 §4.2.1; RFC 959
// §4.2 also allows lines without the code in between). It returns the raw
// lines; code is 0 when the first line is not a reply at all.
func readProtoReply(r *textproto.Reader) (code int, lines []string, err error) {
	first, err := r.ReadLine()
	if err != nil {
		return 0, nil, err
	}
	lines = []string{first}
	code, more := protoReplyCode(first)
	for code != 0 && more {
		if len(lines) >= protoMaxReplyLines {
			return code, lines, errProtoTooLong
		}
		line, err := r.ReadLine()
		if err != nil {
			return code, lines, err
		}
		lines = append(lines, line)
		c, cont := protoReplyCode(line)
		more = c != code || cont
	}
	return code, lines, nil
}

// protoReplyCode parses the code of a reply line ("250-..." → 250, true);
// 0 when the line does not start with a reply code.
func protoReplyCode(line string) (code int, continued bool) {
	if len(line) < 3 || line[0] < '1' || line[0] > '5' ||
		line[1] < '0' || line[1] > '9' || line[2] < '0' || line[2] > '9' {
		return 0, false
	}
	if len(line) > 3 && line[3] != ' ' && line[3] != '-' {
		return 0, false
	}
	code = int(line[0]-'0')*100 + int(line[1]-'0')*10 + int(line[2]-'0')
	return code, len(line) > 3 && line[3] == '-'
}

// protoQuote quotes server text for an error message, cut to protoQuoteLen
// characters so a chatty server cannot flood the result.
func protoQuote(s string) string {
	return fmt.Sprintf("%q", protoShorten(s))
}

// protoShorten cuts s to protoQuoteLen characters, marking the cut.
func protoShorten(s string) string {
	if utf8.RuneCountInString(s) <= protoQuoteLen {
		return s
	}
	n, i := 0, 0
	for i = range s {
		if n == protoQuoteLen {
			break
		}
		n++
	}
	return s[:i] + "…"
}

// protoHost is the host part of a host:port endpoint, the TLS ServerName.
func protoHost(endpoint string) string {
	host, _, err := net.SplitHostPort(endpoint)
	if err != nil {
		return endpoint
	}
	return host
}

// protoTLS runs a TLS client handshake over conn for host, trusting
// env.RootCAs. The certificate is described even when verification failed,
// so an expired or mis-issued certificate still shows on the service.
func protoTLS(ctx context.Context, env *Env, conn net.Conn, host string) (*tls.Conn, *Certificate, error) {
	tc := tls.Client(conn, &tls.Config{ServerName: host, RootCAs: env.RootCAs, MinVersion: tls.VersionTLS12})
	err := handshakeTLS(ctx, tc)
	var verr *tls.CertificateVerificationError
	switch {
	case err == nil:
		var cert *Certificate
		if certs := tc.ConnectionState().PeerCertificates; len(certs) > 0 {
			cert = describeCertificate(certs[0], env.Now())
		}
		return tc, cert, nil
	case errors.As(err, &verr) && len(verr.UnverifiedCertificates) > 0:
		return nil, describeCertificate(verr.UnverifiedCertificates[0], env.Now()), err
	}
	return nil, nil, err
}

// protoTLSReason words a handshake failure: "certificate expired on
// 2026-01-31", or else x509's own sentence without the package prefixes
// ("certificate signed by unknown authority").
func protoTLSReason(ctx context.Context, env *Env, t *Target, err error) string {
	var invalid x509.CertificateInvalidError
	if errors.As(err, &invalid) && invalid.Reason == x509.Expired && invalid.Cert != nil {
		if env.Now().After(invalid.Cert.NotAfter) {
			return "certificate expired on " + invalid.Cert.NotAfter.UTC().Format(time.DateOnly)
		}
		return "certificate not valid before " + invalid.Cert.NotBefore.UTC().Format(time.DateOnly)
	}
	msg := describeError(t, protoCtxErr(ctx, err))
	msg = strings.TrimPrefix(msg, "tls: failed to verify certificate: ")
	msg = strings.TrimPrefix(msg, "x509: ")
	return strings.TrimPrefix(msg, "tls: ")
}
