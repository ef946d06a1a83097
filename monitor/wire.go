package monitor

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// Helpers shared by the probes that speak a binary protocol by hand over one
// TCP connection (MySQL, PostgreSQL, MongoDB).

// wireConn is a probe's connection, bounded by the check's context.
type wireConn struct {
	net.Conn
	stop func() bool // releases the ctx watcher
}

// dialWire opens a TCP connection to the target through env.Dial and ties it
// to ctx: ctx's deadline becomes the connection deadline, and a cancelled ctx
// closes the connection, so no read or write outlives the check.
func dialWire(ctx context.Context, env *Env, t *Target) (*wireConn, error) {
	conn, err := env.Dial(ctx, "tcp", t.Endpoint)
	if err != nil {
		return nil, err
	}
	if d, ok := ctx.Deadline(); ok {
		if err := conn.SetDeadline(d); err != nil {
			conn.Close()
			return nil, err
		}
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	return &wireConn{Conn: conn, stop: stop}, nil
}

// Close releases the ctx watcher and closes the connection.
func (c *wireConn) Close() error {
	c.stop()
	return c.Conn.Close()
}

// wireErr prefers ctx's error when ctx has ended: a read that failed because
// the watcher closed the connection is a timeout or a cancellation, not
// "use of closed network connection". A write to a connection the server
// has already closed (EPIPE) is worded like a read that found it closed.
func wireErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, syscall.EPIPE) {
		return io.EOF
	}
	return err
}

// wireFailedErr is the RED result of a check whose connection was made but
// whose exchange then failed with err (worded by describeError).
func wireFailedErr(ctx context.Context, t *Target, start, end time.Time, err error) Result {
	r := failedErr(t, start, end, wireErr(ctx, err))
	r.Resolved, r.Connected = true, true
	return r
}

// wireFailed is the RED result of a check whose connection was made but
// whose server answered wrongly (msg says how).
func wireFailed(start, end time.Time, msg string) Result {
	r := failed(start, end, msg)
	r.Resolved, r.Connected = true, true
	return r
}

// readWire reads exactly len(buf) bytes. A peer that sent part of a reply
// and then closed gets errGarbage: that is a wrong protocol, not a closed
// connection. started says bytes of this reply were read before. A peer
// that closes without sending a byte gets io.EOF ("connection closed by the
// server").
func readWire(r io.Reader, buf []byte, started bool) error {
	_, err := io.ReadFull(r, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF && started {
		return errGarbage
	}
	return err
}

// errGarbage marks a reply that is not the protocol the probe speaks.
var errGarbage = errors.New("unexpected reply")

// serverText makes text a server sent safe to show: invalid UTF-8 and control
// characters become '?', surrounding space is trimmed, and it is cut to max
// runes with "...".
func serverText(b []byte, max int) string {
	b = bytes.TrimSpace(b)
	var sb strings.Builder
	n := 0
	for len(b) > 0 && n < max {
		r, size := utf8.DecodeRune(b)
		b = b[size:]
		if r == utf8.RuneError || r < 0x20 || r == 0x7f {
			r = '?'
		}
		sb.WriteRune(r)
		n++
	}
	s := sb.String()
	if len(b) > 0 {
		s += "..."
	}
	return s
}
