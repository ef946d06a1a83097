package crypto

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Layout of a sealed value: version byte | 12-byte nonce | ciphertext+tag.
const (
	sealVersion   byte = 1
	keySize            = 32 // AES-256
	nonceSize          = 12 // GCM standard nonce
	tagSize            = 16 // GCM tag
	sealOverhead       = 1 + nonceSize + tagSize
	keyCheckLabel      = "alertifypro key check v1"
)

var (
	// ErrKeySize reports an encryption key that is not exactly 32 bytes, or
	// a key string that does not decode to 32 bytes.
	ErrKeySize = errors.New("encryption key must be exactly 32 bytes")
	// ErrDecrypt reports a sealed value that cannot be opened: tampered,
	// truncated, of an unknown version, sealed under another key, or bound
	// to another organization or record. No plaintext is ever returned then.
	ErrDecrypt = errors.New("cannot decrypt sealed value")
)

// base64Encodings are the encodings ParseKey accepts besides hex.
var base64Encodings = []*base64.Encoding{
	base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding,
}

// ParseKey decodes an ENCRYPTION_KEY value: 64 hex characters, or standard or
// URL-safe base64 (padded or not), that must decode to exactly 32 bytes.
// Surrounding white space (a newline from a secrets file) is ignored. Any other
// value gives an error wrapping ErrKeySize; the message never repeats the key.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("%w: the key is empty", ErrKeySize)
	}
	if len(s) == 2*keySize {
		if key, err := hex.DecodeString(s); err == nil {
			return key, nil
		}
	}
	decodedLen := -1
	for _, enc := range base64Encodings {
		key, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		if len(key) == keySize {
			return key, nil
		}
		decodedLen = len(key)
	}
	if decodedLen >= 0 {
		return nil, fmt.Errorf("%w: the base64 value decodes to %d bytes (generate one with `openssl rand -hex 32`)", ErrKeySize, decodedLen)
	}
	return nil, fmt.Errorf("%w: give 64 hex characters or base64 of 32 bytes (generate one with `openssl rand -hex 32`)", ErrKeySize)
}

// Sealer encrypts and authenticates small secrets (probe and notification
// credentials) with AES-256-GCM under the instance's encryption key.
type Sealer struct {
	aead     cipher.AEAD
	keyCheck []byte
}

// NewSealer returns a Sealer for a 32-byte key (see ParseKey). Any other
// length gives an error wrapping ErrKeySize.
func NewSealer(key []byte) (*Sealer, error) {
	if len(key) != keySize {
		return nil, fmt.Errorf("%w: got %d bytes", ErrKeySize, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("creating AES cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("creating GCM: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(keyCheckLabel))
	return &Sealer{aead: aead, keyCheck: mac.Sum(nil)}, nil
}

// Seal encrypts plaintext bound to orgID and recordID, with a fresh random
// nonce, and returns version | nonce | ciphertext. The binding means a sealed
// value copied to another organization or record fails to open.
func (s *Sealer) Seal(plaintext []byte, orgID, recordID string) ([]byte, error) {
	out := make([]byte, 1+nonceSize, sealOverhead+len(plaintext))
	out[0] = sealVersion
	nonce := out[1 : 1+nonceSize]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("reading nonce: %w", err)
	}
	return s.aead.Seal(out, nonce, plaintext, associatedData(orgID, recordID)), nil
}

// Open authenticates and decrypts a value made by Seal for the same orgID and
// recordID. Every failure is ErrDecrypt (possibly wrapped with the reason).
func (s *Sealer) Open(sealed []byte, orgID, recordID string) ([]byte, error) {
	if len(sealed) < sealOverhead {
		return nil, fmt.Errorf("%w: %d bytes is too short", ErrDecrypt, len(sealed))
	}
	if sealed[0] != sealVersion {
		return nil, fmt.Errorf("%w: unknown version %d", ErrDecrypt, sealed[0])
	}
	nonce, ciphertext := sealed[1:1+nonceSize], sealed[1+nonceSize:]
	plaintext, err := s.aead.Open(nil, nonce, ciphertext, associatedData(orgID, recordID))
	if err != nil {
		return nil, ErrDecrypt
	}
	return plaintext, nil
}

// KeyCheck returns HMAC-SHA256(key, "alertifypro key check v1"). The store
// keeps it so that starting with a different ENCRYPTION_KEY is detected and
// refused instead of making every sealed credential unreadable. It reveals
// nothing useful about the key.
func (s *Sealer) KeyCheck() []byte {
	return append([]byte(nil), s.keyCheck...)
}

// associatedData binds a ciphertext to its organization and record. IDs are
// UUIDs, so they cannot contain the separators and the encoding is unambiguous.
func associatedData(orgID, recordID string) []byte {
	return []byte("org:" + orgID + "|rec:" + recordID)
}
