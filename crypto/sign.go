package crypto

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// signaturePrefix names the algorithm in X-AlertifyPro-Signature values.
const signaturePrefix = "sha256="

// SignHMAC returns the webhook signature of body under secret:
// "sha256=" followed by the lower-case hex HMAC-SHA256, as sent in the
// X-AlertifyPro-Signature header.
func SignHMAC(secret, body []byte) string {
	return signaturePrefix + hex.EncodeToString(hmacSHA256(secret, body))
}

// VerifyHMAC reports whether signature is a valid SignHMAC signature of body
// under secret, comparing in constant time. Hex digits are accepted in either
// case. An empty secret never verifies: anyone could compute that signature.
func VerifyHMAC(secret, body []byte, signature string) bool {
	if len(secret) == 0 {
		return false
	}
	hexSum, ok := strings.CutPrefix(signature, signaturePrefix)
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSum)
	if err != nil {
		return false
	}
	return hmac.Equal(got, hmacSHA256(secret, body))
}

func hmacSHA256(secret, body []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return mac.Sum(nil)
}
