package monitor

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
)

// Decoding half of the BSON codec (see bson.go). Input comes from the
// network: every length is checked against what is left before it is used.

// decodeBSON decodes the document at the start of b and returns it with the
// number of bytes it occupies.
func decodeBSON(b []byte) (bsonDoc, int, error) {
	return decodeBSONDepth(b, 0)
}

func decodeBSONDepth(b []byte, depth int) (bsonDoc, int, error) {
	if depth > bsonMaxDepth {
		return nil, 0, errBSON
	}
	if len(b) < 5 {
		return nil, 0, errBSON
	}
	n := int(int32(binary.LittleEndian.Uint32(b)))
	if n < 5 || n > len(b) || b[n-1] != 0 {
		return nil, 0, errBSON
	}
	body := b[4 : n-1]
	var doc bsonDoc
	for len(body) > 0 {
		typ := body[0]
		key, rest, ok := bsonCString(body[1:])
		if !ok {
			return nil, 0, errBSON
		}
		v, size, err := decodeBSONValue(typ, rest, depth)
		if err != nil {
			return nil, 0, err
		}
		doc = append(doc, bsonElem{key, v})
		body = rest[size:]
	}
	return doc, n, nil
}

// decodeBSONValue decodes a value of type typ at the start of b and returns
// it with its size in bytes.
func decodeBSONValue(typ byte, b []byte, depth int) (any, int, error) {
	fixed := func(n int) (any, int, error) {
		if len(b) < n {
			return nil, 0, errBSON
		}
		return bsonRaw{typ, b[:n:n]}, n, nil
	}
	switch typ {
	case 0x01: // double
		if len(b) < 8 {
			return nil, 0, errBSON
		}
		return math.Float64frombits(binary.LittleEndian.Uint64(b)), 8, nil
	case 0x02: // string
		s, n, ok := bsonString(b)
		if !ok {
			return nil, 0, errBSON
		}
		return s, n, nil
	case 0x03: // document
		return decodeBSONDepth(b, depth+1)
	case 0x04: // array: a document keyed "0", "1", ...
		d, n, err := decodeBSONDepth(b, depth+1)
		if err != nil {
			return nil, 0, err
		}
		arr := make([]any, len(d))
		for i, e := range d {
			if e.Key != strconv.Itoa(i) {
				return nil, 0, errBSON
			}
			arr[i] = e.Value
		}
		return arr, n, nil
	case 0x08: // bool
		if len(b) < 1 || b[0] > 1 {
			return nil, 0, errBSON
		}
		return b[0] == 1, 1, nil
	case 0x0a: // null
		return nil, 0, nil
	case 0x10: // int32
		if len(b) < 4 {
			return nil, 0, errBSON
		}
		return int32(binary.LittleEndian.Uint32(b)), 4, nil
	case 0x12: // int64
		if len(b) < 8 {
			return nil, 0, errBSON
		}
		return int64(binary.LittleEndian.Uint64(b)), 8, nil
	case 0x06, 0x7f, 0xff: // undefined, max key, min key
		return bsonRaw{typ, []byte{}}, 0, nil
	case 0x07: // ObjectId
		return fixed(12)
	case 0x09, 0x11: // UTC datetime, timestamp
		return fixed(8)
	case 0x13: // decimal128
		return fixed(16)
	case 0x05: // binary: int32 length, subtype, bytes
		if len(b) < 5 {
			return nil, 0, errBSON
		}
		n := int64(int32(binary.LittleEndian.Uint32(b)))
		if n < 0 || n > int64(len(b)-5) {
			return nil, 0, errBSON
		}
		return fixed(5 + int(n))
	case 0x0b: // regex: pattern and options, two C strings
		i := bytes.IndexByte(b, 0)
		if i < 0 {
			return nil, 0, errBSON
		}
		j := bytes.IndexByte(b[i+1:], 0)
		if j < 0 {
			return nil, 0, errBSON
		}
		return fixed(i + 1 + j + 1)
	case 0x0c: // DBPointer: string, ObjectId
		_, n, ok := bsonString(b)
		if !ok {
			return nil, 0, errBSON
		}
		return fixed(n + 12)
	case 0x0d, 0x0e: // JavaScript code, symbol: strings
		_, n, ok := bsonString(b)
		if !ok {
			return nil, 0, errBSON
		}
		return fixed(n)
	case 0x0f: // code with scope: int32 total length, string, document
		if len(b) < 4 {
			return nil, 0, errBSON
		}
		n := int64(int32(binary.LittleEndian.Uint32(b)))
		if n < 14 || n > int64(len(b)) {
			return nil, 0, errBSON
		}
		return fixed(int(n))
	}
	return nil, 0, errBSON
}

// bsonString reads an int32 length (counting the NUL) and that many bytes
// ending in NUL; it returns the string and the bytes consumed.
func bsonString(b []byte) (string, int, bool) {
	if len(b) < 4 {
		return "", 0, false
	}
	n := int64(int32(binary.LittleEndian.Uint32(b)))
	if n < 1 || n > int64(len(b)-4) || b[4+n-1] != 0 {
		return "", 0, false
	}
	return string(b[4 : 4+n-1]), 4 + int(n), true
}

// bsonCString reads a NUL-terminated string and returns it with what follows.
func bsonCString(b []byte) (string, []byte, bool) {
	i := bytes.IndexByte(b, 0)
	if i < 0 {
		return "", nil, false
	}
	return string(b[:i]), b[i+1:], true
}
