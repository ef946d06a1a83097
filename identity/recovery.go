package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"strings"
)

// RecoveryCodeCount is how many recovery codes an enrolment hands out (SPEC §10).
const RecoveryCodeCount = 10

// recoveryAlphabet leaves out 0/O and 1/I/L, which people misread when they copy a
// code from paper.
const recoveryAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// recoveryCodeLen is the characters of a code (two groups of five): about 50 bits, far
// beyond what five attempts per quarter hour can guess.
const recoveryCodeLen = 10

// NewRecoveryCodes returns RecoveryCodeCount fresh codes ("ABCDE-FGHJK") and their
// digests, in the same order; only the digests are kept.
func NewRecoveryCodes() (codes []string, digests [][]byte, err error) {
	for range RecoveryCodeCount {
		raw := make([]byte, recoveryCodeLen)
		if _, err := rand.Read(raw); err != nil {
			return nil, nil, err
		}
		var b strings.Builder
		for i, v := range raw {
			if i == recoveryCodeLen/2 {
				b.WriteByte('-')
			}
			// 256 is not a multiple of 31: the bias (under 1 in 8 per character) costs
			// well under a bit of the code's strength.
			b.WriteByte(recoveryAlphabet[int(v)%len(recoveryAlphabet)])
		}
		codes = append(codes, b.String())
		digests = append(digests, RecoveryCodeDigest(b.String()))
	}
	return codes, digests, nil
}

// RecoveryCodeDigest is the digest a recovery code is kept and compared as. Case, spaces
// and dashes do not matter, so a code typed as read from paper still matches.
func RecoveryCodeDigest(code string) []byte {
	norm := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte("alertifypro recovery code|" + norm))
	return sum[:]
}

// MatchRecoveryCode returns the index in digests of code's digest, comparing each in
// constant time (every digest is compared, matched or not), or -1.
func MatchRecoveryCode(digests [][]byte, code string) int {
	d, found := RecoveryCodeDigest(code), -1
	for i, cand := range digests {
		if subtle.ConstantTimeCompare(cand, d) == 1 && found < 0 {
			found = i
		}
	}
	return found
}
