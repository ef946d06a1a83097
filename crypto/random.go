package crypto

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
)

// minTokenBytes is the least randomness a bearer secret may carry: 128 bits
// cannot be guessed online. API keys use 32 bytes (SPEC §2.3).
const minTokenBytes = 16

// RandomToken returns prefix followed by nBytes random bytes in unpadded
// URL-safe base64, e.g. RandomToken("ak_", 32) for an API key. nBytes below
// 16 is refused. Store only Digest(token), never the token itself.
func RandomToken(prefix string, nBytes int) (string, error) {
	if nBytes < minTokenBytes {
		return "", fmt.Errorf("random token needs at least %d bytes, got %d", minTokenBytes, nBytes)
	}
	b := make([]byte, nBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("reading random bytes: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// Digest returns the SHA-256 of a bearer token, the form in which tokens are
// stored and indexed. A fixed-length digest makes the constant-time comparison
// independent of the presented token's length.
func Digest(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// EqualDigest reports, in constant time, whether a and b are the same
// SHA-256 digest. Anything not 32 bytes long never matches, so an empty or
// missing stored digest cannot equal an empty presented one.
func EqualDigest(a, b []byte) bool {
	return len(a) == sha256.Size && subtle.ConstantTimeCompare(a, b) == 1
}
