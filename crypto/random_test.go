package crypto_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/crypto"
)

func TestRandomToken(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		tok, err := crypto.RandomToken("ak_", 32)
		if err != nil {
			t.Fatal(err)
		}
		rest, ok := strings.CutPrefix(tok, "ak_")
		if !ok {
			t.Fatalf("token %q lacks its prefix", tok)
		}
		raw, err := base64.RawURLEncoding.Strict().DecodeString(rest)
		if err != nil || len(raw) != 32 {
			t.Fatalf("token body %q: %d bytes, %v; want 32 bytes of unpadded URL-safe base64", rest, len(raw), err)
		}
		if seen[tok] {
			t.Fatal("RandomToken repeated a token")
		}
		seen[tok] = true
	}
	tok, err := crypto.RandomToken("", 16)
	if err != nil || len(tok) != 22 {
		t.Fatalf("RandomToken(\"\", 16) = %q, %v; want 22 characters", tok, err)
	}
}

func TestRandomTokenRefusesWeakLengths(t *testing.T) {
	for _, n := range []int{-1, 0, 8, 15} {
		if tok, err := crypto.RandomToken("x_", n); err == nil {
			t.Errorf("RandomToken(%d) = %q, want an error", n, tok)
		}
	}
}

func TestDigest(t *testing.T) {
	// FIPS 180-2 test vector.
	want, _ := hex.DecodeString("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
	if got := crypto.Digest("abc"); !bytes.Equal(got, want) {
		t.Fatalf("Digest(abc) = %x, want %x", got, want)
	}
}

func TestEqualDigest(t *testing.T) {
	a := crypto.Digest("ak_secret")
	flipped := bytes.Clone(a)
	flipped[31] ^= 1
	tests := []struct {
		name string
		a, b []byte
		want bool
	}{
		{"same digest", a, crypto.Digest("ak_secret"), true},
		{"other token", a, crypto.Digest("ak_other"), false},
		{"one bit differs", a, flipped, false},
		{"prefix only", a, a[:31], false},
		{"nil and nil", nil, nil, false},
		{"empty and empty", []byte{}, []byte{}, false},
		{"equal but not 32 bytes", []byte("short"), []byte("short"), false},
		{"stored digest missing", nil, a, false},
	}
	for _, tt := range tests {
		if got := crypto.EqualDigest(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: EqualDigest = %t, want %t", tt.name, got, tt.want)
		}
	}
}
