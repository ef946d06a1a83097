package monitor

import (
	"bytes"
	"encoding/hex"
	"math"
	"reflect"
	"testing"
)

func TestBSONEncodeKnownBytes(t *testing.T) {
	// Examples from bsonspec.org/faq.html.
	cases := []struct {
		doc  bsonDoc
		want string
	}{
		{bsonDoc{{"hello", "world"}}, "160000000268656c6c6f0006000000776f726c640000"},
		{bsonDoc{{"BSON", []any{"awesome", 5.05, int32(1986)}}},
			"310000000442534f4e002600000002300008000000617765736f6d6500013100333333333333144010320" +
				"0c20700000000"},
		{bsonDoc{}, "0500000000"},
		{bsonDoc{{"t", true}, {"f", false}, {"n", nil}}, "1000000008740001086600000a6e0000"},
	}
	for _, c := range cases {
		got, err := appendBSON(nil, c.doc)
		if err != nil {
			t.Fatalf("encode %v: %v", c.doc, err)
		}
		if hex.EncodeToString(got) != c.want {
			t.Errorf("encode %v = %x, want %s", c.doc, got, c.want)
		}
		back, n, err := decodeBSON(got)
		if err != nil || n != len(got) {
			t.Fatalf("decode %x: %v (n=%d)", got, err, n)
		}
		if len(c.doc) > 0 && !reflect.DeepEqual(back, c.doc) {
			t.Errorf("decode %x = %#v, want %#v", got, back, c.doc)
		}
	}
}

func TestBSONRoundTripAllTypes(t *testing.T) {
	oid := bsonRaw{0x07, bytes.Repeat([]byte{0xab}, 12)}
	doc := bsonDoc{
		{"hello", int32(1)},
		{"d", -2.5}, {"nan", math.NaN()}, {"s", "é\x00x"}, {"big", int64(math.MaxInt64)},
		{"sub", bsonDoc{{"a", []any{int32(1), bsonDoc{{"b", "c"}}, []any{}}}}},
		{"oid", oid},
		{"date", bsonRaw{0x09, []byte{1, 2, 3, 4, 5, 6, 7, 8}}},
		{"ts", bsonRaw{0x11, make([]byte, 8)}},
		{"dec", bsonRaw{0x13, make([]byte, 16)}},
		{"bin", bsonRaw{0x05, []byte{3, 0, 0, 0, 0x04, 'a', 'b', 'c'}}},
		{"re", bsonRaw{0x0b, []byte("^a\x00i\x00")}},
		{"js", bsonRaw{0x0d, []byte{2, 0, 0, 0, 'x', 0}}},
		{"undef", bsonRaw{0x06, []byte{}}}, {"min", bsonRaw{0xff, []byte{}}}, {"max", bsonRaw{0x7f, []byte{}}},
	}
	enc, err := appendBSON([]byte("prefix"), doc)
	if err != nil {
		t.Fatal(err)
	}
	enc = enc[len("prefix"):]
	back, n, err := decodeBSON(append(enc, "trailing"...))
	if err != nil || n != len(enc) {
		t.Fatalf("decode: %v, n=%d want %d", err, n, len(enc))
	}
	again, err := appendBSON(nil, back)
	if err != nil || !bytes.Equal(again, enc) {
		t.Fatalf("re-encode differs: %v\n%x\n%x", err, again, enc)
	}
	if v, _ := back.get("big"); v != int64(math.MaxInt64) {
		t.Errorf("big = %#v", v)
	}
	if v, _ := back.get("oid"); !reflect.DeepEqual(v, oid) {
		t.Errorf("oid = %#v", v)
	}
	if v, ok := back.get("missing"); ok || v != nil {
		t.Errorf("missing = %v, %v", v, ok)
	}
}

func TestBSONEncodeErrors(t *testing.T) {
	for _, d := range []bsonDoc{{{"a\x00b", int32(1)}}, {{"x", struct{}{}}}, {{"a", []any{uint8(1)}}}} {
		if _, err := appendBSON(nil, d); err == nil {
			t.Errorf("encode %#v: no error", d)
		}
	}
}

func TestBSONDecodeRejects(t *testing.T) {
	valid, _ := appendBSON(nil, bsonDoc{{"ok", 1.0}})
	cases := map[string][]byte{
		"empty":              {},
		"short":              {5, 0, 0},
		"length too big":     {6, 0, 0, 0, 0},
		"length negative":    {0xff, 0xff, 0xff, 0xff, 0},
		"no terminator":      {5, 0, 0, 0, 1},
		"truncated double":   {0x0b, 0, 0, 0, 0x01, 'a', 0, 1, 2, 3, 0},
		"key without NUL":    {0x08, 0, 0, 0, 0x10, 'a', 'b', 0},
		"bad bool":           {0x0a, 0, 0, 0, 0x08, 'b', 0, 2, 0, 0},
		"unknown type":       {0x08, 0, 0, 0, 0x20, 0, 0, 0},
		"string length zero": {0x0c, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0},
		"string past end":    {0x0d, 0, 0, 0, 0x02, 0, 0x40, 0, 0, 0, 'a', 0, 0},
		"array bad keys":     {0x14, 0, 0, 0, 0x04, 0, 0x0c, 0, 0, 0, 0x10, '1', 0, 1, 0, 0, 0, 0, 0, 0},
		"truncated valid":    valid[:len(valid)-1],
	}
	for name, b := range cases {
		if d, _, err := decodeBSON(b); err == nil {
			t.Errorf("%s: decoded %#v, want an error", name, d)
		}
	}
	if _, _, err := decodeBSON(nestedBSON(bsonMaxDepth + 2)); err == nil {
		t.Error("nesting past bsonMaxDepth decoded")
	}
	if _, _, err := decodeBSON(nestedBSON(bsonMaxDepth - 1)); err != nil {
		t.Errorf("nesting within bsonMaxDepth: %v", err)
	}
}

// nestedBSON is {"":{"":{...}}} nested depth times.
func nestedBSON(depth int) []byte {
	doc := bsonDoc{}
	for range depth {
		doc = bsonDoc{{"", doc}}
	}
	b, _ := appendBSON(nil, doc)
	return b
}

// FuzzBSONDecode: decoding arbitrary bytes never panics, never claims more
// bytes than it was given, and whatever decodes re-encodes to the same bytes.
func FuzzBSONDecode(f *testing.F) {
	hello, _ := appendBSON(nil, bsonDoc{{"hello", int32(1)}, {"$db", "admin"}})
	f.Add(hello)
	reply, _ := appendBSON(nil, mongoHelloReply(1.0, ""))
	f.Add(reply)
	f.Add([]byte{5, 0, 0, 0, 0})
	f.Add(nestedBSON(10))
	f.Fuzz(func(t *testing.T, b []byte) {
		doc, n, err := decodeBSON(b)
		if err != nil {
			return
		}
		if n < 5 || n > len(b) {
			t.Fatalf("n = %d for %d bytes", n, len(b))
		}
		again, err := appendBSON(nil, doc)
		if err != nil {
			t.Fatalf("re-encode %#v: %v", doc, err)
		}
		if !bytes.Equal(again, b[:n]) {
			t.Fatalf("round trip differs:\n%x\n%x", b[:n], again)
		}
	})
}
