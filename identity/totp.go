package identity

import (
	"crypto/subtle"
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP parameters: the ones every authenticator app understands (RFC 6238 defaults).
const (
	TOTPPeriod = 30 * time.Second
	totpDigits = otp.DigitsSix
	// totpSkew is how many periods before and after now a code is accepted, for clocks
	// a little apart.
	totpSkew = 1
)

// TOTPEnrolment is a freshly generated authenticator-app secret and how to show it.
type TOTPEnrolment struct {
	Secret     string // base32, as typed into an app by hand
	OTPAuthURL string // otpauth://totp/... as scanned from the QR code
	QRSVG      string // the URL as a QR code, an SVG document
}

// NewTOTP generates a random secret for account, labelled with issuer in the app.
func NewTOTP(issuer, account string) (*TOTPEnrolment, error) {
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: issuer, AccountName: account, Period: uint(TOTPPeriod / time.Second),
		Digits: totpDigits, Algorithm: otp.AlgorithmSHA1, SecretSize: 20,
	})
	if err != nil {
		return nil, fmt.Errorf("generating TOTP secret: %w", err)
	}
	svg, err := QRCodeSVG(key.URL())
	if err != nil {
		return nil, err
	}
	return &TOTPEnrolment{Secret: key.Secret(), OTPAuthURL: key.URL(), QRSVG: svg}, nil
}

// TOTPStep is the RFC 6238 time step of t.
func TOTPStep(t time.Time) int64 { return t.Unix() / int64(TOTPPeriod/time.Second) }

// CheckTOTP looks for the step within the skew of now whose code is code and that is later
// than lastStep (an earlier or equal step is a replay of a code already accepted), and
// returns it. Codes are compared in constant time. ok is false when none matches.
func CheckTOTP(secret, code string, now time.Time, lastStep int64) (step int64, ok bool) {
	if len(code) != int(totpDigits) {
		return 0, false
	}
	cur := TOTPStep(now)
	for s := cur - totpSkew; s <= cur+totpSkew; s++ {
		want, err := TOTPCode(secret, s)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && s > lastStep {
			return s, true
		}
	}
	return 0, false
}

// TOTPReplayed reports whether code is the code of a step within the skew of now that is
// not later than lastStep: a code that was accepted once already.
func TOTPReplayed(secret, code string, now time.Time, lastStep int64) bool {
	cur := TOTPStep(now)
	for s := cur - totpSkew; s <= cur+totpSkew && s <= lastStep; s++ {
		want, err := TOTPCode(secret, s)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return true
		}
	}
	return false
}

// TOTPCode is the code of secret for time step step.
func TOTPCode(secret string, step int64) (string, error) {
	return totp.GenerateCodeCustom(secret, time.Unix(step*int64(TOTPPeriod/time.Second), 0), totp.ValidateOpts{
		Period: uint(TOTPPeriod / time.Second), Digits: totpDigits, Algorithm: otp.AlgorithmSHA1,
	})
}
