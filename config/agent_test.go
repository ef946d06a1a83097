package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testAgentToken = "agt_0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"

// agentEnv is cleanEnv plus the two variables an agent needs.
func agentEnv(t *testing.T) {
	t.Helper()
	cleanEnv(t)
	t.Setenv("AGENT_SERVER_URL", "https://monitor.example.com/")
	t.Setenv("AGENT_TOKEN", testAgentToken)
}

func TestLoadAgentDefaults(t *testing.T) {
	agentEnv(t)
	c, err := LoadAgent()
	if err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	if c.ServerURL != "https://monitor.example.com" || c.Token != testAgentToken || c.Name != host ||
		c.Buffer != 100000 || c.EgressPolicy != EgressPrivate || c.CheckConcurrency != 512 || c.LogLevel != "info" {
		t.Errorf("defaults = %+v", c)
	}
}

func TestLoadAgentReportsEveryProblemAtOnce(t *testing.T) {
	cleanEnv(t)
	bad := []badValue{
		{"AGENT_SERVER_URL", "ftp://monitor.example.com"},
		{"AGENT_TOKEN", "ak_not-an-agent-token"},
		{"AGENT_BUFFER", "10"},
		{"EGRESS_POLICY", "none"},
		{"PROBE_SOURCE_ADDR", "not-an-address"},
		{"CHECK_CONCURRENCY", "lots"},
		{"LOG_FORMAT", "xml"},
	}
	for _, b := range bad {
		t.Setenv(b.name, b.value)
	}
	_, err := LoadAgent()
	if err == nil {
		t.Fatal("LoadAgent accepted a bad configuration")
	}
	msg := err.Error()
	for _, b := range bad {
		if !strings.Contains(msg, b.name+" ") {
			t.Errorf("the error does not name %s:\n%s", b.name, msg)
		}
	}
	if strings.Contains(msg, "ak_not-an-agent-token") {
		t.Errorf("the error echoes the token: %s", msg)
	}
	if n := strings.Count(msg, "CHECK_CONCURRENCY"); n != 1 {
		t.Errorf("CHECK_CONCURRENCY reported %d times, want once:\n%s", n, msg)
	}
}

func TestLoadAgentNeedsServerAndToken(t *testing.T) {
	cleanEnv(t)
	_, err := LoadAgent()
	if err == nil || !strings.Contains(err.Error(), "AGENT_SERVER_URL is required") || !strings.Contains(err.Error(), "AGENT_TOKEN is required") {
		t.Fatalf("err = %v", err)
	}
}

func TestLoadAgentTokenFile(t *testing.T) {
	agentEnv(t)
	os.Unsetenv("AGENT_TOKEN")
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte(testAgentToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AGENT_TOKEN_FILE", path)
	c, err := LoadAgent()
	if err != nil {
		t.Fatal(err)
	}
	if c.Token != testAgentToken {
		t.Errorf("token = %q", c.Token)
	}
	t.Setenv("AGENT_TOKEN", testAgentToken)
	if _, err := LoadAgent(); err == nil || !strings.Contains(err.Error(), "both set") {
		t.Errorf("both set: err = %v", err)
	}
}

// A cluster's nodes: AGENT_SERVER_URL takes several URLs separated by commas, each
// normalized and each checked.
func TestLoadAgentSeveralServerURLs(t *testing.T) {
	agentEnv(t)
	t.Setenv("AGENT_SERVER_URL", " https://n1.example.com/ , https://n2.example.com,")
	c, err := LoadAgent()
	if err != nil || c.ServerURL != "https://n1.example.com,https://n2.example.com" {
		t.Fatalf("ServerURL = %q, %v", c.ServerURL, err)
	}
	t.Setenv("AGENT_SERVER_URL", "https://n1.example.com,ftp://n2.example.com")
	if _, err := LoadAgent(); err == nil || !strings.Contains(err.Error(), "ftp://n2.example.com") {
		t.Fatalf("a bad second URL: %v", err)
	}
}
