package monitor

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// A tiny BSON codec (bsonspec.org), just enough for the MongoDB probe to send
// {hello: 1, $db: "admin"} and read the reply without a driver.
//
// Values decode to Go as: double → float64, string → string, document →
// bsonDoc, array → []any, bool → bool, null → nil, int32 → int32, int64 →
// int64. Every other type (ObjectId, date, timestamp, binary, decimal128, ...)
// decodes to bsonRaw, its bytes kept as they were, so a hello reply full of
// such fields still decodes and re-encodes byte for byte. The decoder is
// strict (exact lengths, bools 0 or 1, array keys "0", "1", ...) because it
// reads bytes from the network.

// bsonElem is one key/value pair of a document.
type bsonElem struct {
	Key   string
	Value any
}

// bsonDoc is a document: its elements in order (BSON order matters, e.g.
// the command name must come first).
type bsonDoc []bsonElem

// bsonRaw is a value of a type this codec does not interpret.
type bsonRaw struct {
	Type byte
	Data []byte
}

// get returns the value of the first element named key.
func (d bsonDoc) get(key string) (any, bool) {
	for _, e := range d {
		if e.Key == key {
			return e.Value, true
		}
	}
	return nil, false
}

// bsonMaxDepth bounds nesting so a hostile reply cannot exhaust the stack.
const bsonMaxDepth = 64

var errBSON = errors.New("malformed BSON")

// appendBSON appends the encoding of d to dst.
func appendBSON(dst []byte, d bsonDoc) ([]byte, error) {
	start := len(dst)
	dst = append(dst, 0, 0, 0, 0) // length, patched below
	for _, e := range d {
		var err error
		if dst, err = appendBSONElem(dst, e.Key, e.Value); err != nil {
			return nil, err
		}
	}
	dst = append(dst, 0)
	if len(dst)-start > math.MaxInt32 {
		return nil, errors.New("bson: document too large")
	}
	binary.LittleEndian.PutUint32(dst[start:], uint32(len(dst)-start))
	return dst, nil
}

// appendBSONElem appends one element: type byte, key as a C string, value.
func appendBSONElem(dst []byte, key string, v any) ([]byte, error) {
	for i := 0; i < len(key); i++ {
		if key[i] == 0 {
			return nil, fmt.Errorf("bson: key %q contains NUL", key)
		}
	}
	typeAt := len(dst)
	dst = append(append(append(dst, 0), key...), 0)
	var typ byte
	switch v := v.(type) {
	case float64:
		typ, dst = 0x01, binary.LittleEndian.AppendUint64(dst, math.Float64bits(v))
	case string:
		typ = 0x02
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(v)+1))
		dst = append(append(dst, v...), 0)
	case bsonDoc:
		var err error
		if dst, err = appendBSON(dst, v); err != nil {
			return nil, err
		}
		typ = 0x03
	case []any:
		arr := make(bsonDoc, len(v))
		for i, x := range v {
			arr[i] = bsonElem{strconv.Itoa(i), x}
		}
		var err error
		if dst, err = appendBSON(dst, arr); err != nil {
			return nil, err
		}
		typ = 0x04
	case bool:
		typ = 0x08
		if v {
			dst = append(dst, 1)
		} else {
			dst = append(dst, 0)
		}
	case nil:
		typ = 0x0a
	case int32:
		typ, dst = 0x10, binary.LittleEndian.AppendUint32(dst, uint32(v))
	case int:
		if v >= math.MinInt32 && v <= math.MaxInt32 {
			typ, dst = 0x10, binary.LittleEndian.AppendUint32(dst, uint32(int32(v)))
		} else {
			typ, dst = 0x12, binary.LittleEndian.AppendUint64(dst, uint64(v))
		}
	case int64:
		typ, dst = 0x12, binary.LittleEndian.AppendUint64(dst, uint64(v))
	case bsonRaw:
		typ, dst = v.Type, append(dst, v.Data...)
	default:
		return nil, fmt.Errorf("bson: cannot encode %T", v)
	}
	dst[typeAt] = typ
	return dst, nil
}
