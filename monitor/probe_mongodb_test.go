package monitor

import (
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"
)

// mongoHelloReply is what MongoDB 7 answers hello with on a standalone
// server (ObjectId, int64 and date fields included), or, when errmsg is set,
// a command failure.
func mongoHelloReply(ok any, errmsg string) bsonDoc {
	if errmsg != "" {
		return bsonDoc{{"ok", ok}, {"errmsg", errmsg}, {"code", int32(91)}, {"codeName", "ShutdownInProgress"}}
	}
	return bsonDoc{
		{"isWritablePrimary", true},
		{"topologyVersion", bsonDoc{
			{"processId", bsonRaw{0x07, []byte{0x66, 0x1d, 0x3e, 0x2a, 0x9b, 0x1c, 0x4f, 0x0e, 0x8d, 0x3a, 0x11, 0x02}}},
			{"counter", int64(0)}}},
		{"maxBsonObjectSize", int32(16777216)}, {"maxMessageSizeBytes", int32(48000000)},
		{"maxWriteBatchSize", int32(100000)},
		{"localTime", bsonRaw{0x09, binary.LittleEndian.AppendUint64(nil, 1767225600000)}},
		{"logicalSessionTimeoutMinutes", int32(30)}, {"connectionId", int32(12)},
		{"minWireVersion", int32(0)}, {"maxWireVersion", int32(21)}, {"readOnly", false},
		{"ok", ok},
	}
}

// mongoMsg frames an OP_MSG: header, flagBits, a kind-0 section with doc,
// then extra (further sections, a checksum).
func mongoMsg(responseTo int32, flags uint32, doc bsonDoc, extra ...byte) []byte {
	b := make([]byte, mongoHeaderLen)
	binary.LittleEndian.PutUint32(b[4:], 7777)
	binary.LittleEndian.PutUint32(b[8:], uint32(responseTo))
	binary.LittleEndian.PutUint32(b[12:], mongoOpMsg)
	b = binary.LittleEndian.AppendUint32(b, flags)
	b, _ = appendBSON(append(b, 0), doc)
	b = append(b, extra...)
	binary.LittleEndian.PutUint32(b, uint32(len(b)))
	return b
}

// mongoServer reads the probe's commands with the probe's own decoder and
// writes answer(command name, requestID) for each (nil: hang up). A request
// that is not a well-formed OP_MSG {<cmd>: 1, $db: "admin"} fails the test.
func mongoServer(t *testing.T, answer func(cmd string, requestID int32) []byte) func(net.Conn) {
	return func(c net.Conn) {
		for {
			hdr := make([]byte, mongoHeaderLen)
			if _, err := io.ReadFull(c, hdr); err != nil {
				return
			}
			n := binary.LittleEndian.Uint32(hdr)
			body := make([]byte, n-mongoHeaderLen)
			if _, err := io.ReadFull(c, body); err != nil || binary.LittleEndian.Uint32(hdr[12:]) != mongoOpMsg {
				t.Errorf("bad request header % x", hdr)
				return
			}
			cmd, err := mongoSections(body)
			db, _ := cmd.get("$db")
			if err != nil || len(cmd) != 2 || cmd[0].Value != int32(1) || db != "admin" ||
				binary.LittleEndian.Uint32(body) != 0 {
				t.Errorf("bad command %#v (%v)", cmd, err)
				return
			}
			reply := answer(cmd[0].Key, int32(binary.LittleEndian.Uint32(hdr[4:])))
			if reply == nil {
				return
			}
			c.Write(reply)
		}
	}
}

// mongoAnswer answers every command with doc.
func mongoAnswer(t *testing.T, doc bsonDoc) func(net.Conn) {
	return mongoServer(t, func(_ string, id int32) []byte { return mongoMsg(id, 0, doc) })
}

func TestProbeMongoDB(t *testing.T) {
	// A MongoDB before 4.4.2: hello is unknown, isMaster works.
	oldServer := mongoServer(t, func(cmd string, id int32) []byte {
		if cmd == "hello" {
			return mongoMsg(id, 0, bsonDoc{{"ok", 0.0}, {"errmsg", "no such command: 'hello'"},
				{"code", int32(59)}, {"codeName", "CommandNotFound"}})
		}
		return mongoMsg(id, 0, bsonDoc{{"ismaster", true}, {"maxWireVersion", int32(8)}, {"ok", 1.0}})
	})
	neither := mongoServer(t, func(cmd string, id int32) []byte {
		return mongoMsg(id, 0, bsonDoc{{"ok", 0.0}, {"errmsg", "no such command: '" + cmd + "'"}, {"code", int32(59)}})
	})
	// A kind-1 section (document sequence "docs" with one {}) and a checksum.
	seq := append([]byte{1, 14, 0, 0, 0}, "docs\x00\x05\x00\x00\x00\x00"...)
	withExtras := mongoServer(t, func(_ string, id int32) []byte {
		return mongoMsg(id, mongoChecksumPresent, mongoHelloReply(1.0, ""), append(seq, 0xde, 0xad, 0xbe, 0xef)...)
	})
	badBSON := mongoServer(t, func(_ string, id int32) []byte {
		b := mongoMsg(id, 0, bsonDoc{{"ok", 1.0}})
		b[len(b)-1] = 7 // no document terminator
		return b
	})
	runWireCases(t, probeMongoDB, "MONGODB", []wireCase{
		{name: "hello ok 1.0", serve: mongoAnswer(t, mongoHelloReply(1.0, "")), status: StatusGreen},
		{name: "hello ok int32", serve: mongoAnswer(t, mongoHelloReply(int32(1), "")), status: StatusGreen},
		{name: "sequence section and checksum", serve: withExtras, status: StatusGreen},
		{name: "before 4.4.2: isMaster", serve: oldServer, status: StatusGreen},
		{name: "slow reply", serve: wireSlow(80*time.Millisecond, mongoAnswer(t, mongoHelloReply(1.0, ""))),
			threshold: 50 * time.Millisecond, status: StatusYellow, err: "slow response: *"},
		{name: "ok 0", serve: mongoAnswer(t, mongoHelloReply(0.0, "The server is in quiesce mode and will shut down")),
			status: StatusRed, err: "server refused: The server is in quiesce mode and will shut down"},
		{name: "ok 0, codeName only", serve: mongoAnswer(t, bsonDoc{{"ok", int32(0)}, {"codeName", "ShutdownInProgress"}}),
			status: StatusRed, err: "server refused: ShutdownInProgress"},
		{name: "ok 0, nothing else", serve: mongoAnswer(t, bsonDoc{{"ok", 0.0}}),
			status: StatusRed, err: "server refused: ok: 0"},
		{name: "neither hello nor isMaster", serve: neither,
			status: StatusRed, err: "server refused: no such command: 'isMaster'"},
		{name: "no ok field", serve: mongoAnswer(t, bsonDoc{{"hello", "world"}}),
			status: StatusRed, err: "not a MongoDB server"},
		{name: "ok is a string", serve: mongoAnswer(t, bsonDoc{{"ok", "1"}}),
			status: StatusRed, err: "not a MongoDB server"},
		{name: "answers another request", serve: mongoServer(t, func(_ string, id int32) []byte {
			return mongoMsg(id+1, 0, mongoHelloReply(1.0, ""))
		}), status: StatusRed, err: "not a MongoDB server"},
		{name: "legacy OP_REPLY", serve: mongoServer(t, func(_ string, id int32) []byte {
			b := mongoMsg(id, 0, mongoHelloReply(1.0, ""))
			binary.LittleEndian.PutUint32(b[12:], 1)
			return b
		}), status: StatusRed, err: "not a MongoDB server"},
		{name: "corrupt BSON", serve: badBSON, status: StatusRed, err: "not a MongoDB server"},
		{name: "HTTP server", serve: wireSend([]byte("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n")),
			status: StatusRed, err: "not a MongoDB server"},
		{name: "hangs up (MongoDB before 3.6)", serve: mongoServer(t, func(string, int32) []byte { return nil }),
			status: StatusRed, err: "connection closed by the server"},
		{name: "silent server", serve: silentConn, timeout: 100 * time.Millisecond,
			status: StatusRed, err: "timeout after 100ms"},
		{name: "closed port", status: StatusRed, err: "connection refused"},
		{name: "egress refused", refused: true, status: StatusRed,
			err: "egress policy refused 10.0.0.1: private address (EGRESS_POLICY=public)"},
	})
}

func TestMongoHelloRequestBytes(t *testing.T) {
	// {hello: 1, $db: "admin"}, counted by hand: length 31, int32 element
	// "hello", string element "$db" (length 6 with its NUL), terminator.
	got, err := appendBSON(nil, bsonDoc{{"hello", int32(1)}, {"$db", "admin"}})
	want := "\x1f\x00\x00\x00\x10hello\x00\x01\x00\x00\x00\x02$db\x00\x06\x00\x00\x00admin\x00\x00"
	if err != nil || string(got) != want {
		t.Errorf("hello = %q (%v), want %q", got, err, want)
	}
}
