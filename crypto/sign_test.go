package crypto_test

import (
	"strings"
	"testing"

	"github.com/alertifypro/alertifypro/crypto"
)

func TestSignHMACKnownAnswer(t *testing.T) {
	// RFC 4231, test case 2.
	got := crypto.SignHMAC([]byte("Jefe"), []byte("what do ya want for nothing?"))
	want := "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
	if got != want {
		t.Fatalf("SignHMAC = %s, want %s", got, want)
	}
}

func TestVerifyHMAC(t *testing.T) {
	secret := []byte("whsec_0123456789")
	body := []byte(`{"event":"alert.firing","id":"1"}`)
	sig := crypto.SignHMAC(secret, body)
	hexSum := strings.TrimPrefix(sig, "sha256=")

	if !crypto.VerifyHMAC(secret, body, sig) {
		t.Fatal("VerifyHMAC rejected its own signature")
	}
	if !crypto.VerifyHMAC(secret, body, "sha256="+strings.ToUpper(hexSum)) {
		t.Error("VerifyHMAC rejected upper-case hex")
	}
	otherDigit := "0"
	if hexSum[0] == '0' {
		otherDigit = "1"
	}

	rejects := map[string]struct {
		secret, body []byte
		sig          string
	}{
		"other secret":        {[]byte("whsec_other"), body, sig},
		"other body":          {secret, []byte(`{"event":"alert.resolved","id":"1"}`), sig},
		"body with newline":   {secret, append(body, '\n'), sig},
		"digit changed":       {secret, body, "sha256=" + otherDigit + hexSum[1:]},
		"no prefix":           {secret, body, hexSum},
		"other algorithm":     {secret, body, "sha1=" + hexSum},
		"prefix in capitals":  {secret, body, "SHA256=" + hexSum},
		"truncated":           {secret, body, sig[:len(sig)-2]},
		"odd length":          {secret, body, sig[:len(sig)-1]},
		"not hex":             {secret, body, "sha256=" + strings.Repeat("z", 64)},
		"empty signature":     {secret, body, ""},
		"prefix only":         {secret, body, "sha256="},
		"empty secret":        {nil, body, crypto.SignHMAC(nil, body)},
		"signature with tail": {secret, body, sig + "00"},
	}
	for name, r := range rejects {
		if crypto.VerifyHMAC(r.secret, r.body, r.sig) {
			t.Errorf("%s: VerifyHMAC accepted", name)
		}
	}
}
