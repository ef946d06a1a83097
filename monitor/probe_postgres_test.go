package monitor

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"
)

// pgServer imitates a PostgreSQL server's first step: it reads the 8-byte
// SSLRequest (anything else makes it hang up, as the real server does) and
// writes reply.
func pgServer(reply []byte) func(net.Conn) {
	return func(c net.Conn) {
		req := make([]byte, 8)
		if _, err := io.ReadFull(c, req); err != nil || !bytes.Equal(req, pgSSLRequest) {
			return
		}
		c.Write(reply)
		io.Copy(io.Discard, c)
	}
}

// pgErrorResponse builds an ErrorResponse from field type/value pairs.
func pgErrorResponse(fields ...string) []byte {
	var body []byte
	for i := 0; i+1 < len(fields); i += 2 {
		body = append(append(append(body, fields[i][0]), fields[i+1]...), 0)
	}
	body = append(body, 0)
	msg := binary.BigEndian.AppendUint32([]byte{'E'}, uint32(len(body)+4))
	return append(msg, body...)
}

func TestPgSSLRequest(t *testing.T) {
	want := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, 8), 80877103)
	if !bytes.Equal(pgSSLRequest, want) {
		t.Errorf("pgSSLRequest = % x, want % x", pgSSLRequest, want)
	}
}

func TestProbePostgres(t *testing.T) {
	tooMany := pgErrorResponse("S", "FATAL", "V", "FATAL", "C", "53300", "M", "sorry, too many clients already",
		"F", "proc.c", "L", "359", "R", "InitProcess")
	runWireCases(t, probePostgres, "POSTGRES", []wireCase{
		{name: "no TLS: N", serve: pgServer([]byte("N")), status: StatusGreen},
		{name: "TLS available: S", serve: pgServer([]byte("S")), status: StatusGreen},
		{name: "slow answer", serve: wireSlow(80*time.Millisecond, pgServer([]byte("N"))),
			threshold: 50 * time.Millisecond, status: StatusYellow, err: "slow response: *"},
		{name: "error response", serve: pgServer(tooMany),
			status: StatusRed, err: "server refused: sorry, too many clients already"},
		{name: "error response without message", serve: pgServer(pgErrorResponse("S", "FATAL", "C", "28000")),
			status: StatusRed, err: "server refused: SQLSTATE 28000"},
		{name: "error response, bad length", serve: pgServer([]byte{'E', 0xff, 0xff, 0xff, 0xff}),
			status: StatusRed, err: "not a PostgreSQL server: malformed error response"},
		{name: "error response, field without NUL", serve: pgServer([]byte{'E', 0, 0, 0, 7, 'M', 'h', 'i'}),
			status: StatusRed, err: "not a PostgreSQL server: malformed error response"},
		{name: "error response cut short", serve: func(c net.Conn) {
			io.ReadFull(c, make([]byte, 8)) // read first: unread data would make close send a reset
			c.Write([]byte{'E', 0, 0})
		},
			status: StatusRed, err: "not a PostgreSQL server: malformed error response"},
		{name: "HTTP server", serve: wireSend([]byte("HTTP/1.1 400 Bad Request\r\n\r\n")),
			status: StatusRed, err: "not a PostgreSQL server: unexpected reply 0x48"},
		{name: "MySQL server", serve: wireSend(mysqlDocGreeting),
			status: StatusRed, err: "not a PostgreSQL server: unexpected reply 0x36"},
		{name: "closes at once", serve: func(c net.Conn) { io.ReadFull(c, make([]byte, 8)) },
			status: StatusRed, err: "connection closed by the server"},
		{name: "silent server", serve: silentConn, timeout: 100 * time.Millisecond,
			status: StatusRed, err: "timeout after 100ms"},
		{name: "closed port", status: StatusRed, err: "connection refused"},
		{name: "egress refused", refused: true, status: StatusRed,
			err: "egress policy refused 10.0.0.1: private address (EGRESS_POLICY=public)"},
	})
}
