package alerting

import (
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestAckLinkIsSignedSingleAlertAndExpiring(t *testing.T) {
	clock := &testClock{t: alertEpoch}
	a := NewStateMachine(Config{BaseURL: "https://up.example", AckKey: DeriveAckKey([]byte("jwt secret")), Now: clock.Now})
	link := a.AckURL("org-1", "alert-1", alertEpoch.Add(time.Hour))
	u, err := url.Parse(link)
	if err != nil || u.Path != "/api/v1/alerts/alert-1/ack" || !strings.HasPrefix(link, "https://up.example/") {
		t.Fatalf("AckURL = %q", link)
	}
	token := u.Query().Get("token")
	if org, err := a.VerifyAck("alert-1", token); err != nil || org != "org-1" {
		t.Fatalf("VerifyAck = %q, %v", org, err)
	}
	bad := map[string]string{
		"other alert": "", "tampered": strings.Replace(token, token[:4], "AAAA", 1), "no mac": strings.Split(token, ".")[0],
		"empty": "", "garbage": "x.y",
	}
	for name, tok := range bad {
		id := "alert-1"
		if name == "other alert" {
			id, tok = "alert-2", token
		}
		if _, err := a.VerifyAck(id, tok); !errors.Is(err, ErrInvalidAckToken) {
			t.Errorf("%s: %v, want ErrInvalidAckToken", name, err)
		}
	}
	// Another key (another installation, or the JWT secret itself) does not verify.
	other := NewStateMachine(Config{AckKey: []byte("jwt secret"), Now: clock.Now})
	if _, err := other.VerifyAck("alert-1", token); err == nil {
		t.Error("token verified under another key")
	}
	// A MAC over the same payload without the purpose string is not an ack token.
	payload, _ := b64.DecodeString(strings.Split(token, ".")[0])
	m := hmac.New(sha256.New, DeriveAckKey([]byte("jwt secret")))
	m.Write(payload)
	if _, err := a.VerifyAck("alert-1", strings.Split(token, ".")[0]+"."+b64.EncodeToString(m.Sum(nil))); err == nil {
		t.Error("a MAC without the purpose verified")
	}
	clock.Set(alertEpoch.Add(time.Hour))
	if _, err := a.VerifyAck("alert-1", token); !errors.Is(err, ErrInvalidAckToken) {
		t.Errorf("expired token: %v", err)
	}
}
