package monitor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
	"time"
)

// maxTCPReply caps what a TCP check reads while looking for its expected
// response: the API keeps expect under 4 KiB, so more is never needed.
const maxTCPReply = 4096

// probeTCP connects to the endpoint. With the send option it then writes
// that text, and with expect it reads until the response is known to start
// with expect (or not), at most 4 KiB, within the check's deadline.
func probeTCP(ctx context.Context, env *Env, t *Target) Result {
	start := env.Now()
	var o struct {
		Send   string `json:"send"`
		Expect string `json:"expect"`
	}
	if len(t.Options) > 0 {
		if err := json.Unmarshal(t.Options, &o); err != nil {
			return netOptionsFailure(start, env.Now(), "invalid options: "+err.Error())
		}
	}
	conn, err := env.Dial(ctx, "tcp", t.Endpoint)
	if err != nil {
		return failedErr(t, start, env.Now(), err)
	}
	defer conn.Close()
	defer netWatchDeadline(ctx, conn)()
	if o.Send != "" {
		if _, err := conn.Write([]byte(o.Send)); err != nil {
			return netConnFailure(ctx, t, start, env.Now(), err)
		}
	}
	if o.Expect != "" {
		got, err := readReplyPrefix(conn, []byte(o.Expect))
		switch {
		case bytes.HasPrefix(got, []byte(o.Expect)):
		case len(got) == 0:
			return netConnFailure(ctx, t, start, env.Now(), err)
		default:
			r := failed(start, env.Now(), "expected response starting with "+netQuote(o.Expect)+
				", got "+netQuote(strings.TrimRight(string(got), "\r\n")))
			r.Resolved, r.Connected = true, true
			return r
		}
	}
	return passed(t, start, env.Now())
}

// readReplyPrefix reads until it holds len(expect) bytes, the bytes read can
// no longer become expect, maxTCPReply bytes arrived, or reading fails.
func readReplyPrefix(conn net.Conn, expect []byte) ([]byte, error) {
	got := make([]byte, 0, min(len(expect), maxTCPReply))
	chunk := make([]byte, maxTCPReply)
	for len(got) < len(expect) && len(got) < maxTCPReply {
		n, err := conn.Read(chunk[:maxTCPReply-len(got)])
		got = append(got, chunk[:n]...)
		if !bytes.HasPrefix(expect, got) && !bytes.HasPrefix(got, expect) {
			return got, nil // a mismatch already: no need to wait for more
		}
		if err != nil {
			return got, err
		}
	}
	return got, nil
}

// netConnFailure is failedErr for a check whose connection was made
// before err: a cancelled check reports its context's reason, a write to a
// connection the server already closed reads as such, and the
// "read tcp 127.0.0.1:…->…:" prefix of a socket error is dropped.
func netConnFailure(ctx context.Context, t *Target, start, end time.Time, err error) Result {
	var opErr *net.OpError
	switch {
	case ctx.Err() != nil:
		err = ctx.Err()
	case errors.Is(err, syscall.EPIPE):
		err = io.EOF // "connection closed by the server"
	case errors.As(err, &opErr) && opErr.Err != nil:
		err = opErr.Err
	}
	r := failedErr(t, start, end, err)
	r.Connected = true
	return r
}

// netWatchDeadline sets conn's deadline to ctx's and makes a cancellation
// of ctx end any blocked read or write at once. Call the returned function
// when done with conn.
func netWatchDeadline(ctx context.Context, conn net.Conn) (stop func()) {
	if d, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(d)
	}
	unwatch := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	return func() { unwatch() }
}

// netOptionsFailure is a RED result caused by our own configuration (options
// the API should have refused), which must not alert.
func netOptionsFailure(start, end time.Time, msg string) Result {
	r := failed(start, end, msg)
	r.Internal = true
	return r
}
