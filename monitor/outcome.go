package monitor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"time"
)

// passed builds the result of a check that succeeded: GREEN, or YELLOW or RED
// when it took longer than the target's thresholds (gradeResponseTime).
func passed(t *Target, start, end time.Time) Result {
	r := Result{CheckedAt: start, Status: StatusGreen, ResponseTime: end.Sub(start), Resolved: true, Connected: true}
	gradeResponseTime(t, &r)
	return r
}

// failed builds a RED result whose error is msg.
func failed(start, end time.Time, msg string) Result {
	return Result{CheckedAt: start, Status: StatusRed, ResponseTime: end.Sub(start), Error: msg}
}

// failedErr builds a RED result from err, worded by describeError; a refusal
// by the egress policy is marked Internal.
func failedErr(t *Target, start, end time.Time, err error) Result {
	r := failed(start, end, describeError(t, err))
	r.Internal = isRefused(err)
	var dnsErr *net.DNSError
	r.Resolved = !errors.As(err, &dnsErr)
	return r
}

// isRefused reports whether err is a refusal by the egress policy. The guard
// marks its errors with a Refused method, so this package need not import it.
func isRefused(err error) bool {
	var r interface{ Refused() bool }
	return errors.As(err, &r) && r.Refused()
}

// describeError turns a network error into the short reason SPEC §3.7 shows
// ("connection refused", "timeout after 10s", ...). Wording is stable: alert
// messages and tests rely on it.
func describeError(t *Target, err error) string {
	var dnsErr *net.DNSError
	var refused interface {
		error
		Refused() bool
	}
	switch {
	case err == nil:
		return ""
	case errors.As(err, &refused) && refused.Refused():
		return refused.Error()
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), isTimeout(err):
		return "timeout after " + formatTimeout(t.Timeout)
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "DNS lookup failed: no such host " + dnsErr.Name
		}
		return "DNS lookup failed: " + dnsErr.Err
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "host unreachable"
	case errors.Is(err, syscall.ENETUNREACH):
		return "network unreachable"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the server"
	case errors.Is(err, context.Canceled):
		return "check cancelled"
	}
	msg := err.Error()
	// Strip Go's "dial tcp 1.2.3.4:80: " style prefixes: the endpoint is
	// already on the service; the reason is what the reader needs.
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.HasPrefix(msg, "dial ") {
		msg = msg[i+2:]
	}
	return msg
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// formatTimeout prints a timeout the way a person writes it: 10s, 1.5s, 500ms.
func formatTimeout(d time.Duration) string {
	if d <= 0 {
		return "the timeout"
	}
	if d%time.Second == 0 {
		return fmt.Sprintf("%ds", int(d/time.Second))
	}
	return d.String()
}
