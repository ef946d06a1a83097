package monitor

import (
	"context"
	"encoding/binary"
	"net"
	"testing"
	"time"
)

// mysqlDocGreeting is the Protocol::HandshakeV10 example from the MySQL
// protocol documentation: server 5.5.2-m2, connection id 11, auth plugin
// data, capabilities 0xf7ff, charset 8, status 2.
var mysqlDocGreeting = []byte{
	0x36, 0x00, 0x00, 0x00, 0x0a, 0x35, 0x2e, 0x35, 0x2e, 0x32, 0x2d, 0x6d, 0x32, 0x00, 0x0b, 0x00,
	0x00, 0x00, 0x64, 0x76, 0x48, 0x40, 0x49, 0x2d, 0x43, 0x4a, 0x00, 0xff, 0xf7, 0x08, 0x02, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2a, 0x34, 0x64,
	0x7c, 0x63, 0x5a, 0x77, 0x6b, 0x34, 0x5e, 0x5d, 0x3a, 0x00,
}

// mysqlPacket frames payload as packet seq.
func mysqlPacket(seq byte, payload []byte) []byte {
	n := len(payload)
	return append([]byte{byte(n), byte(n >> 8), byte(n >> 16), seq}, payload...)
}

// mysqlERR is an ERR packet as a server sends it before the handshake.
func mysqlERR(code uint16, sqlState, msg string) []byte {
	p := binary.LittleEndian.AppendUint16([]byte{0xff}, code)
	if sqlState != "" {
		p = append(append(p, '#'), sqlState...)
	}
	return mysqlPacket(0, append(p, msg...))
}

// mariaDBGreeting is a MariaDB 10.11 style greeting (the "5.5.5-" prefix
// MariaDB keeps for old clients, a 20-byte scramble, mysql_native_password).
func mariaDBGreeting() []byte {
	p := []byte{10}
	p = append(append(p, "5.5.5-10.11.6-MariaDB-0+deb12u1"...), 0)
	p = binary.LittleEndian.AppendUint32(p, 42)
	p = append(p, "abcdefgh"...)
	p = append(p, 0, 0xfe, 0xf7, 0x2d, 0x02, 0x00, 0xff, 0x81, 21)
	p = append(p, make([]byte, 6)...)
	p = append(p, 0x1d, 0, 0, 0)
	p = append(append(p, "ijklmnopqrst"...), 0)
	p = append(append(p, "mysql_native_password"...), 0)
	return mysqlPacket(0, p)
}

func TestProbeMySQL(t *testing.T) {
	runWireCases(t, probeMySQL, "MYSQL", []wireCase{
		{name: "protocol docs greeting", serve: wireSend(mysqlDocGreeting), status: StatusGreen},
		{name: "MariaDB greeting", serve: wireSend(mariaDBGreeting()), status: StatusGreen},
		{name: "slow greeting", serve: wireSlow(80*time.Millisecond, wireSend(mysqlDocGreeting)),
			threshold: 50 * time.Millisecond, status: StatusYellow, err: "slow response: *"},
		{name: "host not allowed",
			serve:  wireSend(mysqlERR(1130, "", "Host '192.0.2.7' is not allowed to connect to this MySQL server")),
			status: StatusRed, err: "server refused: Host '192.0.2.7' is not allowed to connect to this MySQL server (error 1130)"},
		{name: "too many connections, with SQL state", serve: wireSend(mysqlERR(1040, "08004", "Too many connections")),
			status: StatusRed, err: "server refused: Too many connections (error 1040)"},
		{name: "ERR without message", serve: wireSend(mysqlERR(1129, "", "")),
			status: StatusRed, err: "server refused: error 1129"},
		{name: "SSH banner", serve: wireSend([]byte("SSH-2.0-OpenSSH_9.6\r\n")),
			status: StatusRed, err: "not a MySQL server: unexpected handshake"},
		{name: "short text then close", serve: func(c net.Conn) { c.Write([]byte("hi\n")) },
			status: StatusRed, err: "not a MySQL server: unexpected handshake"},
		{name: "truncated packet then close", serve: func(c net.Conn) { c.Write(mysqlDocGreeting[:20]) },
			status: StatusRed, err: "not a MySQL server: unexpected handshake"},
		{name: "protocol 9", serve: wireSend(mysqlPacket(0, append([]byte{9}, "3.20.32\x00abcdefgh\x00"...))),
			status: StatusRed, err: "not a MySQL server: unexpected handshake"},
		{name: "wrong sequence id", serve: wireSend(append([]byte{0x36, 0, 0, 1}, mysqlDocGreeting[4:]...)),
			status: StatusRed, err: "not a MySQL server: unexpected handshake"},
		{name: "version without NUL", serve: wireSend(mysqlPacket(0, []byte{10, '8', '.', '0'})),
			status: StatusRed, err: "not a MySQL server: unexpected handshake"},
		{name: "closes at once", serve: func(net.Conn) {},
			status: StatusRed, err: "connection closed by the server"},
		{name: "silent server", serve: silentConn, timeout: 100 * time.Millisecond,
			status: StatusRed, err: "timeout after 100ms"},
		{name: "closed port", status: StatusRed, err: "connection refused"},
		{name: "egress refused", refused: true, status: StatusRed,
			err: "egress policy refused 10.0.0.1: private address (EGRESS_POLICY=public)"},
	})
}

// TestProbeMySQLSendsNothing: the probe must not write (no login attempt).
func TestProbeMySQLSendsNothing(t *testing.T) {
	got := make(chan int, 1)
	runWireCases(t, probeMySQL, "MYSQL", []wireCase{{name: "greeting", status: StatusGreen,
		serve: func(c net.Conn) {
			c.Write(mysqlDocGreeting)
			buf := make([]byte, 64)
			n, _ := c.Read(buf) // returns when the probe closes
			got <- n
		}}})
	if n := <-got; n != 0 {
		t.Errorf("probe sent %d bytes; it must only read the greeting", n)
	}
}

// TestProbeMySQLCancelled: a cancelled check (no deadline) ends at once.
func TestProbeMySQLCancelled(t *testing.T) {
	addr := loopbackServer(t, silentConn)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	r := probeMySQL(ctx, loopbackEnv(t), &Target{CheckType: "MYSQL", Endpoint: addr, Timeout: time.Minute})
	if r.Status != StatusRed || r.Error != "check cancelled" || !r.Connected {
		t.Errorf("got %+v, want RED check cancelled", r)
	}
	if r.ResponseTime > time.Second {
		t.Errorf("took %v after cancellation", r.ResponseTime)
	}
}
