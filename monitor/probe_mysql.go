package monitor

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"
)

// MySQL and MariaDB speak first: on connect the server sends its initial
// handshake packet (protocol version 10), or an ERR packet when it will not
// take the client at all ("Host ... is not allowed to connect", "Too many
// connections"). The probe reads that one packet and closes without sending
// anything, so it never authenticates (auth, if configured, is not used) and
// the server only logs an aborted connection. MariaDB and every MySQL since
// 3.21 use protocol 10; older greetings are reported as not MySQL.

// mysqlMaxGreeting caps the greeting packet: a real one is about 80 bytes
// (version string, scramble, capabilities, auth plugin name).
const mysqlMaxGreeting = 4096

// errNotMySQL is the wording of a greeting that is not MySQL's.
const errNotMySQL = "not a MySQL server: unexpected handshake"

// probeMySQL checks that the endpoint greets like a MySQL/MariaDB server.
func probeMySQL(ctx context.Context, env *Env, t *Target) Result {
	start := env.Now()
	conn, err := dialWire(ctx, env, t)
	if err != nil {
		return failedErr(t, start, env.Now(), err)
	}
	defer conn.Close()

	// Packet header: 3-byte little-endian payload length, 1-byte sequence id
	// (0 for the server's first packet).
	var hdr [4]byte
	if err := readWire(conn, hdr[:], false); err != nil {
		return mysqlReadFailed(ctx, env, t, start, err)
	}
	n := int(hdr[0]) | int(hdr[1])<<8 | int(hdr[2])<<16
	if n == 0 || n > mysqlMaxGreeting || hdr[3] != 0 {
		// Text protocols land here too: "SSH-" or "HTTP" read as a length is
		// megabytes long, so the probe answers without waiting for more.
		return wireFailed(start, env.Now(), errNotMySQL)
	}
	payload := make([]byte, n)
	if err := readWire(conn, payload, true); err != nil {
		return mysqlReadFailed(ctx, env, t, start, err)
	}
	end := env.Now()
	if payload[0] == 0xff {
		return wireFailed(start, end, mysqlRefusal(payload))
	}
	if !mysqlHandshakeV10(payload) {
		return wireFailed(start, end, errNotMySQL)
	}
	return passed(t, start, end)
}

// mysqlReadFailed words a failed read of the greeting.
func mysqlReadFailed(ctx context.Context, env *Env, t *Target, start time.Time, err error) Result {
	if errors.Is(err, errGarbage) {
		return wireFailed(start, env.Now(), errNotMySQL)
	}
	return wireFailedErr(ctx, t, start, env.Now(), err)
}

// mysqlHandshakeV10 reports whether p is a protocol-10 initial handshake:
// version byte 10, a NUL-terminated printable server version, then at least
// the 4-byte connection id, 8 bytes of scramble and the 0x00 filler that
// every server since 4.1 sends before its capability flags.
func mysqlHandshakeV10(p []byte) bool {
	if len(p) < 2 || p[0] != 10 {
		return false
	}
	end := bytes.IndexByte(p[1:], 0)
	if end <= 0 || end > 250 {
		return false
	}
	for _, c := range p[1 : 1+end] {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	rest := p[1+end+1:]
	return len(rest) >= 4+8+1 && rest[12] == 0
}

// mysqlRefusal words an ERR packet: 0xff, a 2-byte error code, optionally
// '#' and a 5-character SQL state, then the message.
func mysqlRefusal(p []byte) string {
	if len(p) < 3 {
		return errNotMySQL
	}
	code := binary.LittleEndian.Uint16(p[1:3])
	msg := p[3:]
	if len(msg) >= 6 && msg[0] == '#' {
		msg = msg[6:]
	}
	text := serverText(msg, 120)
	if text == "" {
		return fmt.Sprintf("server refused: error %d", code)
	}
	return fmt.Sprintf("server refused: %s (error %d)", text, code)
}
