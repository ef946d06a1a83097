package config

import (
	"bytes"
	"encoding/base64"
	"os"
	"strings"
	"testing"
)

// badValue is a value that must be refused, and the variable the message must start with.
type badValue struct{ name, value string }

var badValues = []badValue{
	{"PORT", "0"},
	{"DATA_DIR", " "},
	{"JWT_SECRET", "too-short"},
	{"ENCRYPTION_KEY", "not-a-key"},
	{"JWT_TTL", "-1h"},
	{"BCRYPT_COST", "3"},
	{"BASE_URL", "ftp://example.com"},
	{"REGISTRATION_MODE", "invite-only"},
	{"DEFAULT_PLAN", "gold"},
	{"LOCATION_NAME", "eu west"},
	{"EGRESS_POLICY", "none"},
	{"EGRESS_ALLOW_CIDRS", "10.0.0.0/8,10.0.0.0/33"},
	{"EGRESS_DENY_CIDRS", "not-a-cidr"},
	{"PROBE_SOURCE_ADDR", "10.0.0.0/8"},
	{"SCHEDULER_POLL_INTERVAL", "500ms"},
	{"CHECK_CONCURRENCY", "0"},
	{"RAW_RETENTION", "30m"},
	{"SMTP_PORT", "70000"},
	{"SMTP_TLS", "ssl"},
	{"SMTP_FROM", "not an address"},
	{"TRUSTED_PROXIES", "1.2.3.4/40"},
	{"LOG_LEVEL", "trace"},
	{"LOG_FORMAT", "xml"},
}

// validEnv sets both secrets, so nothing is generated, on top of testEnv.
func validEnv(t *testing.T) string {
	t.Helper()
	dir := testEnv(t)
	t.Setenv("JWT_SECRET", testJWTSecret)
	t.Setenv("ENCRYPTION_KEY", testKeyHex)
	return dir
}

// problemLines loads, expects an error, and returns its problem lines (the heading dropped).
func problemLines(t *testing.T) []string {
	t.Helper()
	c, err := Load()
	if err == nil {
		t.Fatalf("Load succeeded (%+v), want an error", c)
	}
	lines := strings.Split(err.Error(), "\n")
	if lines[0] != "invalid configuration:" {
		t.Fatalf("error does not start with the heading: %q", err)
	}
	return lines[1:]
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	validEnv(t)
	for _, b := range badValues {
		t.Setenv(b.name, b.value)
	}
	lines := problemLines(t)
	if len(lines) != len(badValues) {
		t.Errorf("got %d problems, want %d:\n%s", len(lines), len(badValues), strings.Join(lines, "\n"))
	}
	for i, b := range badValues {
		if i < len(lines) && !strings.HasPrefix(lines[i], b.name+" ") {
			t.Errorf("problem %d = %q, want it to start with %s", i, lines[i], b.name)
		}
	}
}

func TestLoadRefusesEachInvalidValue(t *testing.T) {
	more := []badValue{
		{"PORT", "65536"},
		{"BCRYPT_COST", "15"},
		{"JWT_TTL", "0s"},
		{"ENCRYPTION_KEY", base64.StdEncoding.EncodeToString(make([]byte, 16))},
		{"ENCRYPTION_KEY", strings.Repeat("g", 64)},
		{"BASE_URL", "localhost:3001"},
		{"BASE_URL", "https://"},
		{"BASE_URL", "https://example.com/?x=1"},
		{"BASE_URL", "https://example.com/#top"},
		{"EGRESS_ALLOW_CIDRS", "fe80::1%eth0"},
		{"LOCATION_NAME", "-local"},
		{"LOCATION_NAME", "x"},
		{"PROBE_SOURCE_ADDR", "0.0.0.0"},
		{"PROBE_SOURCE_ADDR", "example.com"},
	}
	for _, b := range append(badValues, more...) {
		t.Run(b.name+"="+b.value, func(t *testing.T) {
			dir := validEnv(t)
			t.Setenv(b.name, b.value)
			lines := problemLines(t)
			if len(lines) != 1 || !strings.HasPrefix(lines[0], b.name+" ") {
				t.Errorf("problems = %q, want exactly one about %s", lines, b.name)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("DATA_DIR was created for an invalid configuration (stat: %v)", err)
			}
		})
	}
}

func TestLoadNeverEchoesCredentials(t *testing.T) {
	validEnv(t)
	t.Setenv("BASE_URL", "https://admin:s3cret@example.com")
	lines := problemLines(t)
	if len(lines) != 1 || strings.Contains(lines[0], "s3cret") {
		t.Errorf("problems = %q, want one that hides the password", lines)
	}
}

func TestLoadWantsSMTPFromWithSMTPHost(t *testing.T) {
	validEnv(t)
	t.Setenv("SMTP_HOST", "mail.example.com")
	lines := problemLines(t)
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "SMTP_FROM is required") {
		t.Errorf("problems = %q", lines)
	}
}

func TestLoadReportsEveryUnparsableValue(t *testing.T) {
	dir := testEnv(t) // no secrets: a configuration that does not parse must not generate any
	bad := []badValue{
		{"PORT", "abc"},
		{"JWT_TTL", "3days"},
		{"BCRYPT_COST", "99"}, // parses, but is out of range: reported in the same message
		{"CHECK_CONCURRENCY", "many"},
		{"SMTP_PORT", ""},
		{"LOG_LEVEL", "loud"},
	}
	for _, b := range bad {
		t.Setenv(b.name, b.value)
	}
	lines := problemLines(t)
	if len(lines) != len(bad) {
		t.Errorf("got %d problems, want %d (an unparsable value is reported once):\n%s", len(lines), len(bad), strings.Join(lines, "\n"))
	}
	// Parse errors come first, then the checks of the values that parsed.
	for _, b := range bad {
		n := 0
		for _, line := range lines {
			if strings.HasPrefix(line, b.name+" ") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d problems about %s, want 1", n, b.name)
		}
	}
	if !strings.Contains(lines[0], `"abc"`) || !strings.Contains(lines[1], "duration") {
		t.Errorf("parse errors should say what was given and what is wanted: %q", lines[:2])
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("DATA_DIR was created for an invalid configuration (stat: %v)", err)
	}
}

func TestValidateZeroConfig(t *testing.T) {
	err := (&Config{}).Validate()
	if err == nil {
		t.Fatal("zero Config validated")
	}
	for _, want := range []string{"PORT ", "DATA_DIR ", "JWT_SECRET is required", "ENCRYPTION_KEY is required", "BASE_URL ", "LOG_FORMAT "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestParseKey(t *testing.T) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = byte(i)
	}
	good := []string{
		testKeyHex,
		strings.ToUpper(testKeyHex),
		base64.StdEncoding.EncodeToString(key),
		base64.RawStdEncoding.EncodeToString(key),
		base64.URLEncoding.EncodeToString(key),
		base64.RawURLEncoding.EncodeToString(key),
	}
	for _, s := range good {
		got, err := parseKey(s)
		if err != nil || !bytes.Equal(got, key) {
			t.Errorf("parseKey(%q) = %x, %v; want the key", s, got, err)
		}
	}
	bad := []string{
		"",
		testKeyHex[:62],
		testKeyHex + "00",
		base64.StdEncoding.EncodeToString(key[:31]),
		base64.StdEncoding.EncodeToString(append(key, 0)),
		"not base64 at all!",
	}
	for _, s := range bad {
		if got, err := parseKey(s); err == nil {
			t.Errorf("parseKey(%q) = %x, want an error", s, got)
		}
	}
}

func FuzzParseKey(f *testing.F) {
	f.Add(testKeyHex)
	f.Add(base64.StdEncoding.EncodeToString(make([]byte, 32)))
	f.Add("zz")
	f.Fuzz(func(t *testing.T, s string) {
		key, err := parseKey(s)
		if (err == nil) != (len(key) == keySize) {
			t.Fatalf("parseKey(%q) = %d bytes, %v", s, len(key), err)
		}
	})
}
