package config

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

const (
	testJWTSecret = "0123456789abcdef0123456789abcdef-test"                            // 37 bytes
	testKeyHex    = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" // bytes 0..31
)

// cleanEnv unsets every variable Load reads (t.Setenv restores them afterwards), so a
// variable set on the machine running the tests cannot change their outcome.
func cleanEnv(t *testing.T) {
	t.Helper()
	names := slices.Clone(fileVars)
	for _, v := range append(structVars(t), structVars(t, &AgentConfig{})...) {
		names = append(names, v.name)
	}
	for _, name := range names {
		t.Setenv(name, "")
		os.Unsetenv(name)
	}
}

// testEnv is cleanEnv plus a fresh DATA_DIR, which it returns.
func testEnv(t *testing.T) string {
	t.Helper()
	cleanEnv(t)
	dir := filepath.Join(t.TempDir(), "data")
	t.Setenv("DATA_DIR", dir)
	return dir
}

func mustLoad(t *testing.T) *Config {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestLoadDefaults(t *testing.T) {
	cleanEnv(t)
	t.Chdir(t.TempDir()) // DATA_DIR's default ./data lands here

	c := mustLoad(t)
	checks := []struct {
		name      string
		got, want any
	}{
		{"Port", c.Port, 3001},
		{"ListenAddr", c.ListenAddr, ""},
		{"DataDir", c.DataDir, "./data"},
		{"JWTTTL", c.JWTTTL, 72 * time.Hour},
		{"BcryptCost", c.BcryptCost, 10},
		{"BaseURL", c.BaseURL, "http://localhost:3001"},
		{"RegistrationMode", c.RegistrationMode, RegistrationFirstUser},
		{"LocationName", c.LocationName, "local"},
		{"ProbeSourceAddr", c.ProbeSourceAddr, ""},
		{"EgressPolicy", c.EgressPolicy, EgressPrivate},
		{"EgressAllowCIDRs", len(c.EgressAllowCIDRs), 0},
		{"EgressDenyCIDRs", len(c.EgressDenyCIDRs), 0},
		{"SchedulerPollInterval", c.SchedulerPollInterval, 10 * time.Second},
		{"CheckConcurrency", c.CheckConcurrency, 512},
		{"RawRetention", c.RawRetention, 168 * time.Hour},
		{"SMTPHost", c.SMTPHost, ""},
		{"SMTPPort", c.SMTPPort, 587},
		{"SMTPFrom", c.SMTPFrom, ""},
		{"SMTPTLS", c.SMTPTLS, SMTPTLSStartTLS},
		{"TrustedProxies", len(c.TrustedProxies), 0},
		{"MetricsToken", c.MetricsToken, ""},
		{"LogLevel", c.LogLevel, "info"},
		{"LogFormat", c.LogFormat, LogFormatText},
		{"Addr", c.Addr(), ":3001"},
		{"SecretsGenerated", c.SecretsGenerated, true},
		{"len(JWTSecret)", len(c.JWTSecret), 64}, // 48 bytes in unpadded base64
		{"len(EncryptionKey)", len(c.EncryptionKey), 64},
		{"len(EncryptionKeyBytes)", len(c.EncryptionKeyBytes), 32},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	if string(c.JWTKey) != c.JWTSecret {
		t.Error("JWTKey is not the bytes of JWTSecret")
	}
	if _, err := os.Stat(filepath.Join("data", SecretsFileName)); err != nil {
		t.Errorf("default DATA_DIR: %v", err)
	}
}

func TestLoadReadsAndNormalizesEveryVariable(t *testing.T) {
	testEnv(t)
	for name, value := range map[string]string{
		"PORT":                    "8080",
		"LISTEN_ADDR":             "127.0.0.1",
		"JWT_SECRET":              testJWTSecret,
		"ENCRYPTION_KEY":          testKeyHex,
		"JWT_TTL":                 "1h30m",
		"BCRYPT_COST":             "12",
		"BASE_URL":                "https://uptime.example.com/",
		"REGISTRATION_MODE":       "Closed",
		"EGRESS_POLICY":           " PUBLIC ",
		"EGRESS_ALLOW_CIDRS":      "10.0.0.0/8, 192.168.1.7,",
		"EGRESS_DENY_CIDRS":       "fd00::/8,,2001:db8::1",
		"SCHEDULER_POLL_INTERVAL": "2s",
		"CHECK_CONCURRENCY":       "64",
		"RAW_RETENTION":           "48h",
		"SMTP_HOST":               "mail.example.com",
		"SMTP_PORT":               "465",
		"SMTP_USERNAME":           "bot",
		"SMTP_PASSWORD":           "hunter2",
		"SMTP_FROM":               "AlertifyPro <alerts@example.com>",
		"SMTP_TLS":                "TLS",
		"TRUSTED_PROXIES":         "172.16.0.0/12",
		"METRICS_TOKEN":           "scrape-me",
		"LOG_LEVEL":               "DEBUG",
		"LOG_FORMAT":              "Json",
	} {
		t.Setenv(name, value)
	}

	c := mustLoad(t)
	checks := []struct {
		name      string
		got, want any
	}{
		{"Addr", c.Addr(), "127.0.0.1:8080"},
		{"JWTSecret", c.JWTSecret, testJWTSecret},
		{"JWTTTL", c.JWTTTL, 90 * time.Minute},
		{"BcryptCost", c.BcryptCost, 12},
		{"BaseURL", c.BaseURL, "https://uptime.example.com"},
		{"RegistrationMode", c.RegistrationMode, RegistrationClosed},
		{"EgressPolicy", c.EgressPolicy, EgressPublic},
		{"EgressAllowCIDRs", strings.Join(c.EgressAllowCIDRs, " "), "10.0.0.0/8 192.168.1.7/32"},
		{"EgressDenyCIDRs", strings.Join(c.EgressDenyCIDRs, " "), "fd00::/8 2001:db8::1/128"},
		{"SchedulerPollInterval", c.SchedulerPollInterval, 2 * time.Second},
		{"CheckConcurrency", c.CheckConcurrency, 64},
		{"RawRetention", c.RawRetention, 48 * time.Hour},
		{"SMTPHost", c.SMTPHost, "mail.example.com"},
		{"SMTPPort", c.SMTPPort, 465},
		{"SMTPUsername", c.SMTPUsername, "bot"},
		{"SMTPPassword", c.SMTPPassword, "hunter2"},
		{"SMTPFrom", c.SMTPFrom, "AlertifyPro <alerts@example.com>"},
		{"SMTPTLS", c.SMTPTLS, SMTPTLSImplicit},
		{"TrustedProxies", strings.Join(c.TrustedProxies, " "), "172.16.0.0/12"},
		{"MetricsToken", c.MetricsToken, "scrape-me"},
		{"LogLevel", c.LogLevel, "debug"},
		{"LogFormat", c.LogFormat, LogFormatJSON},
		{"SecretsGenerated", c.SecretsGenerated, false},
		{"EncryptionKeyBytes[31]", c.EncryptionKeyBytes[31], byte(31)},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
}

func TestAddr(t *testing.T) {
	for _, tt := range []struct {
		listen string
		port   int
		want   string
	}{
		{"", 3001, ":3001"},
		{"0.0.0.0", 80, "0.0.0.0:80"},
		{"::1", 3001, "[::1]:3001"},
		{"localhost", 9000, "localhost:9000"},
	} {
		c := &Config{ListenAddr: tt.listen, Port: tt.port}
		if got := c.Addr(); got != tt.want {
			t.Errorf("Addr(%q, %d) = %q, want %q", tt.listen, tt.port, got, tt.want)
		}
	}
}

func TestLoggerJSONHonoursLevel(t *testing.T) {
	var buf bytes.Buffer
	log := (&Config{LogLevel: "warn", LogFormat: LogFormatJSON}).Logger(&buf)
	log.Info("hidden")
	log.Warn("shown", "n", 1)

	var rec map[string]any
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatalf("want exactly one JSON record, got %q: %v", buf.String(), err)
	}
	if rec["msg"] != "shown" || rec["level"] != "WARN" || rec["n"] != float64(1) {
		t.Errorf("record = %v", rec)
	}
}

func TestLoggerTextAtDebug(t *testing.T) {
	var buf bytes.Buffer
	log := (&Config{LogLevel: "debug", LogFormat: LogFormatText}).Logger(&buf)
	log.Debug("probe", "id", "x")
	if got := buf.String(); !strings.Contains(got, "level=DEBUG") || !strings.Contains(got, "msg=probe") || !strings.Contains(got, "id=x") {
		t.Errorf("text output = %q", got)
	}
}
