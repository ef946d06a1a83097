package monitor

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The few pieces of gRPC the probe needs: message framing, the two health
// messages in protobuf wire format, status codes, and error wording.

// grpcFrame prefixes msg with gRPC's 5-byte header: not compressed, length.
func grpcFrame(msg []byte) []byte {
	n := len(msg)
	return append([]byte{0, byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)}, msg...)
}

// grpcHealthRequest encodes HealthCheckRequest{service}: field 1, wire type
// 2 (length-delimited). The empty service (the server as a whole) is the
// empty message, as proto3 leaves default values out.
func grpcHealthRequest(service string) []byte {
	if service == "" {
		return nil
	}
	b := append([]byte{0x0a}, protoVarint(uint64(len(service)))...)
	return append(b, service...)
}

// protoVarint encodes v as a protobuf varint.
func protoVarint(v uint64) []byte {
	var b []byte
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// readProtoVarint decodes the varint at the start of b and its length.
func readProtoVarint(b []byte) (uint64, int, bool) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return v, i + 1, true
		}
	}
	return 0, 0, false
}

// HealthCheckResponse.status values.
const (
	grpcServing = 1
)

var grpcServingStatusNames = []string{"UNKNOWN", "SERVING", "NOT_SERVING", "SERVICE_UNKNOWN"}

// grpcServingStatusName names a health status ("NOT_SERVING", or the number).
func grpcServingStatusName(s uint64) string {
	if s < uint64(len(grpcServingStatusNames)) {
		return grpcServingStatusNames[s]
	}
	return strconv.FormatUint(s, 10)
}

// grpcHealthStatus decodes HealthCheckResponse: field 1 (varint) is the
// status; unknown fields are skipped; a missing status is 0, UNKNOWN.
func grpcHealthStatus(msg []byte) (uint64, error) {
	var status uint64
	for len(msg) > 0 {
		tag, n, ok := readProtoVarint(msg)
		if !ok {
			return 0, errBadMessage
		}
		msg = msg[n:]
		var size uint64
		switch tag & 7 {
		case 0: // varint
			v, n, ok := readProtoVarint(msg)
			if !ok {
				return 0, errBadMessage
			}
			if tag>>3 == 1 {
				status = v
			}
			size = uint64(n)
		case 1: // fixed64
			size = 8
		case 2: // length-delimited
			l, n, ok := readProtoVarint(msg)
			if !ok {
				return 0, errBadMessage
			}
			msg, size = msg[n:], l
		case 5: // fixed32
			size = 4
		default:
			return 0, errBadMessage
		}
		if size > uint64(len(msg)) {
			return 0, errBadMessage
		}
		msg = msg[size:]
	}
	return status, nil
}

// gRPC status codes (google.golang.org/grpc/codes).
const grpcUnimplemented = 12

var grpcCodeNames = []string{"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED",
	"NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
	"ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"}

// grpcStatus reads grpc-status and grpc-message from the trailers, or from
// the headers of a trailers-only response. ok is false when there is none.
func grpcStatus(resp *http.Response) (code int, msg string, ok bool) {
	src := resp.Trailer
	if src.Get("Grpc-Status") == "" {
		src = resp.Header
	}
	code, err := strconv.Atoi(src.Get("Grpc-Status"))
	if err != nil || code < 0 {
		return 0, "", false
	}
	// grpc-message is percent-encoded; keep it raw if it is not.
	msg = src.Get("Grpc-Message")
	if m, err := url.PathUnescape(msg); err == nil {
		msg = m
	}
	return code, msg, true
}

// grpcErrorText words a non-OK status: "grpc error 5 NOT_FOUND: unknown service".
func grpcErrorText(code int, msg string) string {
	s := "grpc error " + strconv.Itoa(code)
	if code < len(grpcCodeNames) {
		s += " " + grpcCodeNames[code]
	}
	if msg = serverText([]byte(msg), 120); msg != "" {
		s += ": " + msg
	}
	return s
}

var (
	errBadMessage = errors.New("grpc error: malformed response message")
	errNoH2       = errors.New("not a gRPC server: TLS without HTTP/2 (ALPN h2)")
)

// grpcTLSError marks a failed TLS handshake.
type grpcTLSError struct{ err error }

func (e grpcTLSError) Error() string { return e.err.Error() }
func (e grpcTLSError) Unwrap() error { return e.err }

// grpcConnectFailed words a failure to open the HTTP/2 connection.
func grpcConnectFailed(ctx context.Context, t *Target, start, end time.Time, err error) Result {
	var tlsErr grpcTLSError
	switch {
	case errors.Is(err, errNoH2):
		return wireFailed(start, end, errNoH2.Error())
	case errors.As(err, &tlsErr) && ctx.Err() == nil && !isTimeout(err):
		return wireFailed(start, end, "TLS handshake failed: "+tlsReason(t, tlsErr.err))
	}
	return failedErr(t, start, end, wireErr(ctx, err))
}

// grpcExchangeFailed words a failure after the connection was made: network
// trouble as usual; a peer that never spoke HTTP/2 (an HTTP/1 server answers
// the preface with a "400 Bad Request" the HTTP/2 client reads as a huge
// frame, or hangs up before the first request could start) is not gRPC;
// any other HTTP/2 failure is reported as such.
func grpcExchangeFailed(ctx context.Context, t *Target, start, end time.Time, err error) Result {
	msg := err.Error()
	switch {
	case errors.Is(err, errBadMessage):
		return wireFailed(start, end, msg)
	case ctx.Err() != nil || isTimeout(err) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE):
		return wireFailedErr(ctx, t, start, end, err)
	case strings.Contains(msg, "HTTP/1.1 header") || strings.Contains(msg, "could not be established"):
		return wireFailed(start, end, "not a gRPC server: no HTTP/2 answer")
	}
	return wireFailed(start, end, "HTTP/2 error: "+serverText([]byte(strings.TrimPrefix(msg, "http2: ")), 120))
}

// tlsReason is the useful part of a handshake error, without Go's prefixes.
func tlsReason(t *Target, err error) string {
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) {
		return serverText([]byte(strings.TrimPrefix(verr.Err.Error(), "x509: ")), 120)
	}
	return serverText([]byte(describeError(t, err)), 120)
}
