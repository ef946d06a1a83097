package monitor

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
)

// The MongoDB probe runs the handshake command every driver starts with,
// {hello: 1, $db: "admin"}, in an OP_MSG (opcode 2013) and passes when the
// reply says ok: 1. hello needs no credentials, so the probe never
// authenticates (auth, if configured, is not used). OP_MSG is what MongoDB
// 3.6 and later speak; older servers (which only answer the legacy OP_QUERY)
// close the connection and are reported as such. Servers before 4.4.2 do not
// know "hello" (error 59, CommandNotFound): the probe then asks the older
// name of the same command, isMaster, on the same connection. A server that
// only accepts TLS (net.tls.mode requireTLS) closes the plain connection:
// MONGODB has no TLS option yet.

const (
	mongoOpMsg           = 2013
	mongoHeaderLen       = 16      // messageLength, requestID, responseTo, opCode
	mongoMaxReply        = 1 << 16 // a hello reply is well under 2 KiB even for large replica sets
	mongoCommandNotFound = 59
	mongoChecksumPresent = 1 // OP_MSG flag bit 0: a CRC-32C follows the sections
)

const errNotMongo = "not a MongoDB server"

// probeMongoDB checks that the endpoint answers hello like a MongoDB server.
func probeMongoDB(ctx context.Context, env *Env, t *Target) Result {
	start := env.Now()
	conn, err := dialWire(ctx, env, t)
	if err != nil {
		return failedErr(t, start, env.Now(), err)
	}
	defer conn.Close()

	var reply bsonDoc
	for i, name := range []string{"hello", "isMaster"} {
		reply, err = mongoCommand(conn, int32(i+1), bsonDoc{{name, int32(1)}, {"$db", "admin"}})
		if errors.Is(err, errGarbage) {
			return wireFailed(start, env.Now(), errNotMongo)
		}
		if err != nil {
			return wireFailedErr(ctx, t, start, env.Now(), err)
		}
		if code, _ := reply.get("code"); mongoNumber(code) != mongoCommandNotFound {
			break
		}
	}
	end := env.Now()
	switch ok, found := mongoOK(reply); {
	case !found:
		return wireFailed(start, end, errNotMongo)
	case !ok:
		return wireFailed(start, end, "server refused: "+mongoErrmsg(reply))
	}
	return passed(t, start, end)
}

// mongoCommand sends cmd as an OP_MSG with one kind-0 section and returns the
// reply's kind-0 document. A reply that is not a well-formed OP_MSG answering
// requestID is errGarbage.
func mongoCommand(conn *wireConn, requestID int32, cmd bsonDoc) (bsonDoc, error) {
	msg := make([]byte, mongoHeaderLen, 64)
	binary.LittleEndian.PutUint32(msg[4:], uint32(requestID))
	binary.LittleEndian.PutUint32(msg[12:], mongoOpMsg)
	msg = append(msg, 0, 0, 0, 0, 0) // flagBits 0, section kind 0
	msg, err := appendBSON(msg, cmd)
	if err != nil {
		return nil, err
	}
	binary.LittleEndian.PutUint32(msg, uint32(len(msg)))
	if _, err := conn.Write(msg); err != nil {
		return nil, err
	}

	var hdr [mongoHeaderLen]byte
	if err := readWire(conn, hdr[:], false); err != nil {
		return nil, err
	}
	n := binary.LittleEndian.Uint32(hdr[0:])
	if n < mongoHeaderLen+4+1+5 || n > mongoMaxReply ||
		int32(binary.LittleEndian.Uint32(hdr[8:])) != requestID ||
		binary.LittleEndian.Uint32(hdr[12:]) != mongoOpMsg {
		return nil, errGarbage
	}
	body := make([]byte, n-mongoHeaderLen)
	if err := readWire(conn, body, true); err != nil {
		return nil, err
	}
	return mongoSections(body)
}

// mongoSections parses an OP_MSG body (flagBits, then sections) and returns
// its one kind-0 document; kind-1 document sequences are skipped.
func mongoSections(b []byte) (bsonDoc, error) {
	flags := binary.LittleEndian.Uint32(b)
	b = b[4:]
	if flags&mongoChecksumPresent != 0 {
		if len(b) < 4 {
			return nil, errGarbage
		}
		b = b[:len(b)-4] // the checksum; TCP already guards the bytes
	}
	var body bsonDoc
	for len(b) > 0 {
		kind := b[0]
		b = b[1:]
		switch kind {
		case 0:
			doc, n, err := decodeBSON(b)
			if err != nil || body != nil {
				return nil, errGarbage
			}
			body, b = doc, b[n:]
		case 1: // int32 size (counting itself), identifier, documents
			if len(b) < 4 {
				return nil, errGarbage
			}
			size := int64(binary.LittleEndian.Uint32(b))
			if size < 4 || size > int64(len(b)) {
				return nil, errGarbage
			}
			b = b[size:]
		default:
			return nil, errGarbage
		}
	}
	if body == nil {
		return nil, errGarbage
	}
	return body, nil
}

// mongoOK reads the reply's ok field: found is false when there is none or
// it is not a number or bool.
func mongoOK(reply bsonDoc) (ok, found bool) {
	v, _ := reply.get("ok")
	if b, isBool := v.(bool); isBool {
		return b, true
	}
	n := mongoNumber(v)
	return n == 1, !math.IsNaN(n)
}

// mongoNumber converts a numeric BSON value to float64; NaN if it is not one.
func mongoNumber(v any) float64 {
	switch n := v.(type) {
	case int32:
		return float64(n)
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return math.NaN()
}

// mongoErrmsg words a failed command reply: errmsg, else codeName.
func mongoErrmsg(reply bsonDoc) string {
	for _, key := range []string{"errmsg", "codeName"} {
		if s, _ := reply.get(key); s != nil {
			if text, ok := s.(string); ok && text != "" {
				return serverText([]byte(text), 120)
			}
		}
	}
	return "ok: 0"
}
