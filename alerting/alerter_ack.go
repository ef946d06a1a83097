package alerting

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ackPurpose is mixed into the MAC of acknowledge tokens, so a MAC made with the same key
// for anything else never verifies as an acknowledge link.
const ackPurpose = "alert-ack"

// ErrInvalidAckToken is VerifyAck's answer to a token that is malformed, forged, for
// another alert, or expired.
var ErrInvalidAckToken = errors.New("alerting: invalid or expired acknowledge link")

var b64 = base64.RawURLEncoding

// DeriveAckKey derives the acknowledge-link key from the JWT secret, so no new secret has
// to be configured, while a MAC made for one purpose can never stand in for the other.
func DeriveAckKey(jwtKey []byte) []byte {
	m := hmac.New(sha256.New, jwtKey)
	m.Write([]byte("alertifypro alert acknowledge links v1"))
	return m.Sum(nil)
}

// AckURL is the signed, single-purpose, expiring one-click acknowledge link of an alert:
// BASE_URL/api/v1/alerts/{id}/ack?token=…, where the token is
// base64url(orgID|alertID|exp-unix) "." base64url(HMAC-SHA256(AckKey, "alert-ack\x00" + payload)).
func (sm *StateMachine) AckURL(orgID, alertID string, exp time.Time) string {
	return sm.cfg.BaseURL + "/api/v1/alerts/" + url.PathEscape(alertID) + "/ack?token=" + sm.ackToken(orgID, alertID, exp)
}

func (sm *StateMachine) ackToken(orgID, alertID string, exp time.Time) string {
	payload := orgID + "|" + alertID + "|" + strconv.FormatInt(exp.Unix(), 10)
	return b64.EncodeToString([]byte(payload)) + "." + b64.EncodeToString(sm.ackMAC(payload))
}

func (sm *StateMachine) ackMAC(payload string) []byte {
	m := hmac.New(sha256.New, sm.cfg.AckKey)
	m.Write([]byte(ackPurpose + "\x00" + payload))
	return m.Sum(nil)
}

// VerifyAck checks an acknowledge token for alertID and returns the organization it was
// issued for. The MAC is compared in constant time before anything in the payload is
// trusted; a token for another alert, or past its expiry, is ErrInvalidAckToken.
func (sm *StateMachine) VerifyAck(alertID, token string) (orgID string, err error) {
	if len(sm.cfg.AckKey) == 0 {
		return "", ErrInvalidAckToken // no key: no link can be genuine
	}
	enc, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 512 {
		return "", ErrInvalidAckToken
	}
	payload, err1 := b64.DecodeString(enc)
	mac, err2 := b64.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, sm.ackMAC(string(payload))) {
		return "", ErrInvalidAckToken
	}
	parts := strings.Split(string(payload), "|")
	if len(parts) != 3 || parts[1] != alertID || parts[0] == "" {
		return "", ErrInvalidAckToken
	}
	exp, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || !sm.now().Before(time.Unix(exp, 0)) {
		return "", ErrInvalidAckToken
	}
	return parts[0], nil
}
