package crypto_test

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/alertifypro/alertifypro/crypto"
)

// testKeyHex decodes to bytes that include 0xfb/0xff, so the standard and
// URL-safe base64 forms of the key differ.
const testKeyHex = "fbff00112233445566778899aabbccddeeff0102030405060708090a0b0cfbff"

const (
	orgA = "0190d7a8-0000-7000-8000-00000000000a"
	orgB = "0190d7a8-0000-7000-8000-00000000000b"
	rec1 = "0190d7a8-0000-7000-8000-000000000001"
	rec2 = "0190d7a8-0000-7000-8000-000000000002"
)

func testKey(t testing.TB) []byte {
	t.Helper()
	key, err := hex.DecodeString(testKeyHex)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func newTestSealer(t testing.TB, key []byte) *crypto.Sealer {
	t.Helper()
	s, err := crypto.NewSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealRoundTripAndLayout(t *testing.T) {
	s := newTestSealer(t, testKey(t))
	for _, pt := range [][]byte{nil, []byte("x"), []byte(`{"username":"u","password":"p"}`), bytes.Repeat([]byte{0}, 4096)} {
		sealed, err := s.Seal(pt, orgA, rec1)
		if err != nil {
			t.Fatal(err)
		}
		if want := 1 + 12 + len(pt) + 16; len(sealed) != want {
			t.Errorf("len(sealed) = %d, want %d", len(sealed), want)
		}
		if sealed[0] != 1 {
			t.Errorf("version byte = %d, want 1", sealed[0])
		}
		if len(pt) >= 8 && bytes.Contains(sealed, pt) { // shorter ones may occur by chance in the nonce
			t.Error("sealed value contains the plaintext")
		}
		got, err := s.Open(sealed, orgA, rec1)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if !bytes.Equal(got, pt) {
			t.Fatalf("Open = %q, want %q", got, pt)
		}
	}
}

// The format is plain AES-256-GCM with the documented layout and associated
// data, so it can be opened without this package (and by a future version).
func TestSealFormatIsStandardGCM(t *testing.T) {
	key := testKey(t)
	sealed, err := newTestSealer(t, key).Seal([]byte("secret"), orgA, rec1)
	if err != nil {
		t.Fatal(err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	pt, err := gcm.Open(nil, sealed[1:13], sealed[13:], []byte("org:"+orgA+"|rec:"+rec1))
	if err != nil || string(pt) != "secret" {
		t.Fatalf("standard GCM open = %q, %v", pt, err)
	}
}

func TestSealUsesFreshNonces(t *testing.T) {
	s := newTestSealer(t, testKey(t))
	seen := map[string]bool{}
	for range 1000 {
		sealed, err := s.Seal([]byte("same"), orgA, rec1)
		if err != nil {
			t.Fatal(err)
		}
		nonce := string(sealed[1:13])
		if seen[nonce] {
			t.Fatal("nonce repeated")
		}
		seen[nonce] = true
	}
}

// One sealer serves every request; run it under -race.
func TestSealConcurrentUse(t *testing.T) {
	s := newTestSealer(t, testKey(t))
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			pt := []byte(strings.Repeat("p", i))
			for range 100 {
				sealed, err := s.Seal(pt, orgA, rec1)
				if err != nil {
					t.Error(err)
					return
				}
				if got, err := s.Open(sealed, orgA, rec1); err != nil || !bytes.Equal(got, pt) {
					t.Errorf("Open = %q, %v", got, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestOpenRejects(t *testing.T) {
	key := testKey(t)
	s := newTestSealer(t, key)
	sealed, err := s.Seal([]byte("hunter2-credentials"), orgA, rec1)
	if err != nil {
		t.Fatal(err)
	}
	otherKey := bytes.Clone(key)
	otherKey[0] ^= 1

	check := func(name string, got []byte, err error) {
		t.Helper()
		if !errors.Is(err, crypto.ErrDecrypt) || got != nil {
			t.Errorf("%s: Open = %q, %v; want nil, ErrDecrypt", name, got, err)
		}
	}
	got, err := s.Open(sealed, orgB, rec1)
	check("other organization", got, err)
	got, err = s.Open(sealed, orgA, rec2)
	check("other record", got, err)
	got, err = s.Open(sealed, rec1, orgA)
	check("organization and record swapped", got, err)
	got, err = newTestSealer(t, otherKey).Open(sealed, orgA, rec1)
	check("other key", got, err)
	for _, v := range []byte{0, 2, 255} {
		bad := bytes.Clone(sealed)
		bad[0] = v
		got, err = s.Open(bad, orgA, rec1)
		check("unknown version", got, err)
	}
	for i := range sealed {
		for _, bit := range []byte{0x01, 0x80} {
			bad := bytes.Clone(sealed)
			bad[i] ^= bit
			got, err = s.Open(bad, orgA, rec1)
			check("tampered byte", got, err)
		}
	}
	for n := range len(sealed) {
		got, err = s.Open(sealed[:n], orgA, rec1)
		check("truncated", got, err)
	}
	got, err = s.Open(append(bytes.Clone(sealed), 0), orgA, rec1)
	check("extended", got, err)
}

func TestNewSealerKeySize(t *testing.T) {
	for _, n := range []int{0, 16, 24, 31, 33, 64} {
		if _, err := crypto.NewSealer(make([]byte, n)); !errors.Is(err, crypto.ErrKeySize) {
			t.Errorf("NewSealer(%d bytes) = %v, want ErrKeySize", n, err)
		}
	}
}

func TestKeyCheck(t *testing.T) {
	key := testKey(t)
	s := newTestSealer(t, key)
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte("alertifypro key check v1"))
	want := mac.Sum(nil)
	check := s.KeyCheck()
	if !bytes.Equal(check, want) {
		t.Fatalf("KeyCheck = %x, want %x", check, want)
	}
	if again := newTestSealer(t, bytes.Clone(key)).KeyCheck(); !bytes.Equal(again, want) {
		t.Error("KeyCheck differs between two sealers with the same key")
	}
	check[0] ^= 1 // callers may not corrupt the sealer's copy
	if !bytes.Equal(s.KeyCheck(), want) {
		t.Error("KeyCheck returned the sealer's internal slice")
	}
	otherKey := bytes.Clone(key)
	otherKey[31] ^= 1
	if bytes.Equal(newTestSealer(t, otherKey).KeyCheck(), want) {
		t.Error("different keys give the same KeyCheck")
	}
}

func TestParseKey(t *testing.T) {
	key := testKey(t)
	valid := map[string]string{
		"hex":                   testKeyHex,
		"upper-case hex":        strings.ToUpper(testKeyHex),
		"std base64":            base64.StdEncoding.EncodeToString(key),
		"raw std base64":        base64.RawStdEncoding.EncodeToString(key),
		"url base64":            base64.URLEncoding.EncodeToString(key),
		"raw url base64":        base64.RawURLEncoding.EncodeToString(key),
		"hex with newline":      testKeyHex + "\n",
		"base64 with blanks":    "  " + base64.StdEncoding.EncodeToString(key) + "\r\n",
		"hex from openssl rand": "00000000000000000000000000000000000000000000000000000000000000ff",
	}
	for name, s := range valid {
		got, err := crypto.ParseKey(s)
		if err != nil {
			t.Errorf("%s: ParseKey(%q) = %v", name, s, err)
			continue
		}
		want := key
		if name == "hex from openssl rand" {
			want = append(make([]byte, 31), 0xff)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: ParseKey = %x, want %x", name, got, want)
		}
	}

	invalid := map[string]string{
		"empty":                "",
		"62 hex chars":         testKeyHex[:62],
		"66 hex chars":         testKeyHex + "00",
		"64 chars, not hex":    "g" + testKeyHex[1:],
		"base64 of 31 bytes":   base64.StdEncoding.EncodeToString(key[:31]),
		"base64 of 33 bytes":   base64.StdEncoding.EncodeToString(append(bytes.Clone(key), 0)),
		"base64 of 16 bytes":   base64.StdEncoding.EncodeToString(key[:16]),
		"a passphrase":         "correct horse battery staple correct horse",
		"hex with inner space": testKeyHex[:32] + " " + testKeyHex[32:],
	}
	for name, s := range invalid {
		got, err := crypto.ParseKey(s)
		if !errors.Is(err, crypto.ErrKeySize) || got != nil {
			t.Errorf("%s: ParseKey = %x, %v; want ErrKeySize", name, got, err)
			continue
		}
		if len(s) >= 16 && strings.Contains(err.Error(), strings.TrimSpace(s)) {
			t.Errorf("%s: error message repeats the key: %v", name, err)
		}
	}
	if _, err := crypto.ParseKey(invalid["base64 of 31 bytes"]); !strings.Contains(err.Error(), "decodes to 31 bytes") {
		t.Errorf("error for a short key does not say how long it is: %v", err)
	}
}

func FuzzParseKey(f *testing.F) {
	key, _ := hex.DecodeString(testKeyHex)
	for _, s := range []string{
		testKeyHex, strings.ToUpper(testKeyHex), testKeyHex[:63], "",
		base64.StdEncoding.EncodeToString(key), base64.RawURLEncoding.EncodeToString(key),
		base64.StdEncoding.EncodeToString(key[:31]), "====", " \n", "\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		key, err := crypto.ParseKey(s)
		if err != nil {
			if !errors.Is(err, crypto.ErrKeySize) || key != nil {
				t.Fatalf("ParseKey = %x, %v; want nil, ErrKeySize", key, err)
			}
			// Long input without blanks cannot be a fragment of the fixed
			// message text, so finding it there means the key leaked.
			if trimmed := strings.TrimSpace(s); len(trimmed) >= 16 && !strings.ContainsAny(trimmed, " ") &&
				strings.Contains(err.Error(), trimmed) {
				t.Fatalf("error repeats the input: %v", err)
			}
			return
		}
		if len(key) != 32 {
			t.Fatalf("ParseKey returned %d bytes", len(key))
		}
		// Whatever was accepted must have been one of the documented forms.
		trimmed := strings.TrimSpace(s)
		if h, err := hex.DecodeString(trimmed); err == nil && bytes.Equal(h, key) {
			return
		}
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			if b, err := enc.DecodeString(trimmed); err == nil && bytes.Equal(b, key) {
				return
			}
		}
		t.Fatalf("ParseKey(%q) accepted a value that is neither hex nor base64 of the key", s)
	})
}

// sealVector is a value sealed under testKeyHex by this package. Fixed
// vectors prove that data written earlier still opens, and give the fuzzer
// genuine seals that are the same in every fuzzing worker process.
type sealVector struct{ plaintext, orgID, recordID, sealedHex string }

var sealVectors = []sealVector{
	{"", orgA, rec1, "013764ae0dcef36fc3eacf140325a937bac4d2fa72b837f80391a584fc"},
	{"password", orgA, rec1, "01ee6957d4893d3d277570b2eb858086b6f2e62b06a0070dd691e46413a2b88cc1cc8b016e"},
	{`{"token":"t"}`, orgB, rec2, "01cc5c9e83cdffd5c8dc6b0baf3c416452a5a3fd448325bd2d5f8a5079f85f34504509b0af06c289895c"},
}

func TestOpenFixedVectors(t *testing.T) {
	s := newTestSealer(t, testKey(t))
	for _, v := range sealVectors {
		sealed, err := hex.DecodeString(v.sealedHex)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Open(sealed, v.orgID, v.recordID)
		if err != nil || string(got) != v.plaintext {
			t.Errorf("Open(vector %q) = %q, %v", v.plaintext, got, err)
		}
	}
}

// FuzzSealOpen checks that any plaintext and IDs round-trip, that a sealed
// value never opens for other IDs, and that Open of arbitrary bytes never
// panics and never succeeds unless the bytes are one of the genuine seals.
func FuzzSealOpen(f *testing.F) {
	s := newTestSealer(f, testKey(f))
	genuine := map[string]sealVector{}
	for _, v := range sealVectors {
		sealed, err := hex.DecodeString(v.sealedHex)
		if err != nil {
			f.Fatal(err)
		}
		genuine[string(sealed)] = v
		// Mutations of real seals are the interesting inputs for Open.
		f.Add([]byte(v.plaintext), v.orgID, v.recordID, sealed)
	}
	f.Add([]byte{}, "", "", []byte{})
	f.Add([]byte("x"), "a|rec:b", "c", []byte{1})
	f.Add([]byte{0xff, 0xfe}, "\x00", "\xff", bytes.Repeat([]byte{1}, 29))

	f.Fuzz(func(t *testing.T, plaintext []byte, orgID, recordID string, data []byte) {
		sealed, err := s.Seal(plaintext, orgID, recordID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Open(sealed, orgID, recordID)
		if err != nil || !bytes.Equal(got, plaintext) {
			t.Fatalf("round trip: Open = %q, %v; want %q", got, err, plaintext)
		}
		// "org:"+orgID+"x|rec:"+recordID is one byte longer than the real
		// associated data, so it can never collide with it.
		if _, err := s.Open(sealed, orgID+"x", recordID); !errors.Is(err, crypto.ErrDecrypt) {
			t.Fatalf("opened with another organization: %v", err)
		}
		if _, err := s.Open(sealed, orgID, recordID+"x"); !errors.Is(err, crypto.ErrDecrypt) {
			t.Fatalf("opened with another record: %v", err)
		}

		got, err = s.Open(data, orgID, recordID)
		if err != nil {
			if !errors.Is(err, crypto.ErrDecrypt) || got != nil {
				t.Fatalf("Open(arbitrary) = %q, %v; want nil, ErrDecrypt", got, err)
			}
			return
		}
		v, ok := genuine[string(data)]
		if !ok || v.orgID != orgID || v.recordID != recordID || string(got) != v.plaintext {
			t.Fatalf("Open accepted bytes that are not a genuine seal for these IDs: %x", data)
		}
	})
}

func BenchmarkSeal(b *testing.B) {
	s := newTestSealer(b, testKey(b))
	pt := bytes.Repeat([]byte("c"), 256)
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		if _, err := s.Seal(pt, orgA, rec1); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	s := newTestSealer(b, testKey(b))
	pt := bytes.Repeat([]byte("c"), 256)
	sealed, err := s.Seal(pt, orgA, rec1)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(pt)))
	for b.Loop() {
		if _, err := s.Open(sealed, orgA, rec1); err != nil {
			b.Fatal(err)
		}
	}
}
