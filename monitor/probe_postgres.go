package monitor

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
)

// PostgreSQL waits for the client, so the probe sends the smallest message
// every server version (7.1 onwards) answers without credentials: an
// SSLRequest. The server replies with one byte, 'S' (TLS available) or 'N'
// (not), and either proves a PostgreSQL server is there; the probe then
// closes without starting TLS or a session, so it never authenticates (auth,
// if configured, is not used). A server that refuses the client outright
// answers with an ErrorResponse ('E') instead. PgBouncer, pgpool and other
// proxies that speak the protocol answer the same way and pass, which is what
// a client sees too.

// pgSSLRequest is the SSLRequest message: length 8, request code 80877103.
var pgSSLRequest = []byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}

// pgMaxError caps the ErrorResponse read (a real one is a few hundred bytes).
const pgMaxError = 8192

// probePostgres checks that the endpoint answers an SSLRequest like a
// PostgreSQL server.
func probePostgres(ctx context.Context, env *Env, t *Target) Result {
	start := env.Now()
	conn, err := dialWire(ctx, env, t)
	if err != nil {
		return failedErr(t, start, env.Now(), err)
	}
	defer conn.Close()

	if _, err := conn.Write(pgSSLRequest); err != nil {
		return wireFailedErr(ctx, t, start, env.Now(), err)
	}
	var reply [1]byte
	if err := readWire(conn, reply[:], false); err != nil {
		return wireFailedErr(ctx, t, start, env.Now(), err)
	}
	switch reply[0] {
	case 'S', 'N':
		return passed(t, start, env.Now())
	case 'E':
		msg, err := pgReadError(conn)
		if errors.Is(err, errGarbage) {
			return wireFailed(start, env.Now(), "not a PostgreSQL server: malformed error response")
		}
		if err != nil {
			return wireFailedErr(ctx, t, start, env.Now(), err)
		}
		return wireFailed(start, env.Now(), "server refused: "+msg)
	}
	return wireFailed(start, env.Now(), fmt.Sprintf("not a PostgreSQL server: unexpected reply 0x%02x", reply[0]))
}

// pgReadError reads the rest of an ErrorResponse (after its 'E'): a 4-byte
// length counting itself, then fields of a type byte and a NUL-terminated
// value, ended by a 0 byte. It returns the message field (M), or the SQLSTATE
// code (C) when there is no message.
func pgReadError(conn *wireConn) (string, error) {
	var lenBuf [4]byte
	if err := readWire(conn, lenBuf[:], true); err != nil {
		return "", err
	}
	n := binary.BigEndian.Uint32(lenBuf[:])
	if n < 5 || n > pgMaxError {
		return "", errGarbage
	}
	body := make([]byte, n-4)
	if err := readWire(conn, body, true); err != nil {
		return "", err
	}
	var code string
	for len(body) > 0 && body[0] != 0 {
		typ := body[0]
		end := bytes.IndexByte(body[1:], 0)
		if end < 0 {
			return "", errGarbage
		}
		value := body[1 : 1+end]
		body = body[1+end+1:]
		switch typ {
		case 'M':
			if msg := serverText(value, 120); msg != "" {
				return msg, nil
			}
		case 'C':
			code = serverText(value, 16)
		}
	}
	if code != "" {
		return "SQLSTATE " + code, nil
	}
	return "no message", nil
}
