package alerting

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

func TestCertStateAt(t *testing.T) {
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		left time.Duration
		warn int
		want string
	}{
		{15 * 24 * time.Hour, 14, certValid},
		{14 * 24 * time.Hour, 14, certValid}, // exactly the window: not yet inside it
		{14*24*time.Hour - time.Second, 14, certExpiring},
		{time.Second, 14, certExpiring},
		{0, 14, certExpired}, // at valid_to it has expired
		{-time.Hour, 14, certExpired},
	}
	for _, c := range cases {
		cert := &store.Certificate{ValidTo: now.Add(c.left)}
		if got := certStateAt(cert, now, c.warn); got != c.want {
			t.Errorf("%v left, %d warn days: %s, want %s", c.left, c.warn, got, c.want)
		}
	}
}

func TestSSLWarnDays(t *testing.T) {
	cases := map[string]int{
		`{"expected_status":"2xx","ssl_warn_days":14,"verify_tls":true}`: 14,
		`{"ssl_warn_days":7}`:              7,
		`{"ssl_warn_days": 21}`:            21, // not compact: decoded
		`{"method":"GET"}`:                 defaultSSLWarnDays,
		`{"ssl_warn_days":0}`:              defaultSSLWarnDays,
		``:                                 defaultSSLWarnDays,
		`{"body":"x","ssl_warn_days":365}`: 365,
	}
	for opts, want := range cases {
		if got := sslWarnDays(&store.Service{Options: json.RawMessage(opts)}); got != want {
			t.Errorf("%s: %d, want %d", opts, got, want)
		}
	}
}

func TestCertHostname(t *testing.T) {
	for endpoint, want := range map[string]string{
		"https://shop.example.com/health": "shop.example.com",
		"mail.example.com:465":            "mail.example.com",
		"example.com":                     "example.com",
		"wss://[::1]:8443/feed":           "::1",
	} {
		if got := certHostname(endpoint); got != want {
			t.Errorf("%s: %q, want %q", endpoint, got, want)
		}
	}
}
