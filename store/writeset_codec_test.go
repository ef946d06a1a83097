package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"
)

// randomSet records a random write set straight into a recorder: paths up to four deep,
// every kind of mutation, keys and values from empty to a few kilobytes.
func randomSet(rng *rand.Rand) *WriteSet {
	r := newRecorder()
	paths := []uint32{rootPath}
	randBytes := func(max int) []byte {
		b := make([]byte, rng.IntN(max+1))
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		return b
	}
	for range rng.IntN(60) {
		at := paths[rng.IntN(len(paths))]
		if rng.IntN(4) == 0 {
			paths = append(paths, r.child(at, randBytes(12)))
			continue
		}
		switch MutationKind(1 + rng.IntN(6)) {
		case MutationPut:
			r.put(at, randBytes(40), randBytes([]int{0, 16, 4096}[rng.IntN(3)]))
		case MutationDelete:
			r.delete(at, randBytes(40))
		case MutationCreateBucket:
			r.createBucket(at, randBytes(12))
		case MutationDeleteBucket:
			r.deleteBucket(at, randBytes(12))
		case MutationSetSequence:
			r.setSequence(at, rng.Uint64()>>rng.IntN(64))
		case MutationFillPercent:
			r.setFillPercent(at, 0.1+0.9*rng.Float64())
		}
	}
	return &r.set
}

// Encoding and decoding give back the same mutations, and the same bytes again.
func TestWriteSetEncodingRoundTrips(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		ws := randomSet(rng)
		raw, err := ws.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back WriteSet
		if err := back.UnmarshalBinary(raw); err != nil {
			t.Fatalf("set %d: %v", i, err)
		}
		if !reflect.DeepEqual(back.Mutations(), ws.Mutations()) {
			t.Fatalf("set %d: decoded\n%s\nwant\n%s", i, dumpMutations(back.Mutations()), dumpMutations(ws.Mutations()))
		}
		again, err := back.AppendBinary([]byte("prefix"))
		if err != nil || !bytes.Equal(again[6:], raw) || string(again[:6]) != "prefix" {
			t.Fatalf("set %d: re-encoded differently (%v)", i, err)
		}
		// Decoding copies: the input may be reused at once.
		clear(raw)
		if !reflect.DeepEqual(back.Mutations(), ws.Mutations()) {
			t.Fatalf("set %d: the decoded set shares the input's bytes", i)
		}
	}
}

// Whatever the bytes, decoding either refuses them with ErrInvalidWriteSet and leaves the
// set as it was, or gives a set that encodes and decodes to the same mutations.
func FuzzWriteSetUnmarshal(f *testing.F) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 8 {
		raw, _ := randomSet(rng).MarshalBinary()
		f.Add(raw)
	}
	f.Add([]byte{writeSetVersion, 0, 0})
	f.Add([]byte{writeSetVersion, 1, 0, 1, 'a', 1, byte(MutationPut), 1, 1, 'k', 1, 'v'})
	f.Fuzz(func(t *testing.T, data []byte) {
		ws := randomSet(rand.New(rand.NewPCG(5, 6)))
		before := ws.Mutations()
		if err := ws.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, ErrInvalidWriteSet) {
				t.Fatalf("error %v is not ErrInvalidWriteSet", err)
			}
			if !reflect.DeepEqual(ws.Mutations(), before) {
				t.Fatal("a refused input changed the set")
			}
			return
		}
		raw, err := ws.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		var back WriteSet
		if err := back.UnmarshalBinary(raw); err != nil {
			t.Fatalf("re-encoded set refused: %v", err)
		}
		if !reflect.DeepEqual(back.Mutations(), ws.Mutations()) {
			t.Fatal("re-encoded set decodes differently")
		}
	})
}

// Malformed input is refused, each kind of damage on its own.
func TestWriteSetDecodingRefusesMalformedInput(t *testing.T) {
	valid := []byte{writeSetVersion, 1, 0, 1, 'a', 1, byte(MutationPut), 1, 1, 'k', 1, 'v'}
	var ws WriteSet
	if err := ws.UnmarshalBinary(valid); err != nil || ws.Len() != 1 {
		t.Fatalf("the valid sample: %v, %d mutations", err, ws.Len())
	}
	fill := binary.BigEndian.AppendUint64([]byte{writeSetVersion, 0, 1, byte(MutationFillPercent), 0}, math.Float64bits(math.NaN()))
	for name, data := range map[string][]byte{
		"empty":                   {},
		"unknown version":         {2, 0, 0},
		"truncated":               valid[:len(valid)-1],
		"trailing bytes":          append(append([]byte(nil), valid...), 0),
		"a parent not yet listed": {writeSetVersion, 1, 1, 1, 'a', 0},
		"a path not listed":       {writeSetVersion, 0, 1, byte(MutationDelete), 1, 1, 'k'},
		"an unknown kind":         {writeSetVersion, 0, 1, 99, 0},
		"a length past the end":   {writeSetVersion, 0, 1, byte(MutationDelete), 0, 50, 'k'},
		"an overlong number":      {writeSetVersion, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
		"a fill percent of NaN":   fill,
	} {
		if err := ws.UnmarshalBinary(data); !errors.Is(err, ErrInvalidWriteSet) {
			t.Errorf("%s: %v, want ErrInvalidWriteSet", name, err)
		}
	}
	deep := []byte{writeSetVersion, maxPathDepth + 1}
	for id := range maxPathDepth + 1 {
		deep = append(deep, byte(id), 1, 'a')
	}
	deep = append(deep, 0)
	if err := ws.UnmarshalBinary(deep); !errors.Is(err, ErrInvalidWriteSet) {
		t.Errorf("paths %d deep: %v, want ErrInvalidWriteSet", maxPathDepth+1, err)
	}
}

// A count that claims more items than the bytes can hold is refused before anything is
// allocated for it, so a hostile entry costs about its own size, not what it claims.
func TestWriteSetDecodingAllocatesForTheBytesNotTheCounts(t *testing.T) {
	for _, claim := range []uint64{32 << 10, 1 << 20, 1 << 40, math.MaxUint64} { // 32 Ki: all the bytes can hold
		data := binary.AppendUvarint([]byte{writeSetVersion}, claim)
		data = append(data, make([]byte, 64<<10)...) // 64 KiB of zeros after the claim
		var ws WriteSet
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		err := ws.UnmarshalBinary(data)
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrInvalidWriteSet) {
			t.Fatalf("a count of %d in %d bytes: %v", claim, len(data), err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 16*uint64(len(data)) {
			t.Errorf("a count of %d in %d bytes allocated %d bytes", claim, len(data), grew)
		}
	}
}
