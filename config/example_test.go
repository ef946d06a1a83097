package config

import (
	"bufio"
	"bytes"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kelseyhightower/envconfig"
)

// envVar is one variable as envconfig reads it.
type envVar struct {
	name, def, desc string
}

// structVars lists the variables of Config (or of the struct spec points to) through
// envconfig's own usage output, so the names are exactly the ones envconfig.Process looks
// up (tags, split_words and all).
func structVars(t *testing.T, spec ...any) []envVar {
	t.Helper()
	var target any = &Config{}
	if len(spec) > 0 {
		target = spec[0]
	}
	var buf bytes.Buffer
	err := envconfig.Usagef("", target, &buf, "{{range .}}{{usage_key .}}\t{{usage_default .}}\t{{usage_description .}}\n{{end}}")
	if err != nil {
		t.Fatal(err)
	}
	var vars []envVar
	for line := range strings.Lines(buf.String()) {
		parts := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
		if len(parts) != 3 {
			t.Fatalf("usage line %q: want 3 tab-separated parts", line)
		}
		vars = append(vars, envVar{parts[0], parts[1], parts[2]})
	}
	return vars
}

// fileVars are read by Load and LoadAgent themselves, outside the structs.
var fileVars = []string{"JWT_SECRET_FILE", "ENCRYPTION_KEY_FILE", "AGENT_TOKEN_FILE"}

// exampleLine matches an active or commented-out assignment: "NAME=value" or "# NAME=value".
var exampleLine = regexp.MustCompile(`^(?:#\s*)?([A-Z][A-Z0-9_]*)=(.*)$`)

func TestExampleEnvListsEveryVariable(t *testing.T) {
	f, err := os.Open("../config.example.env")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	documented := map[string]string{} // name → documented default
	var prev string
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if m := exampleLine.FindStringSubmatch(line); m != nil {
			name := m[1]
			if _, dup := documented[name]; dup {
				t.Errorf("line %d: %s is listed twice", n, name)
			}
			documented[name] = m[2]
			// The description is the comment line right above the variable.
			if !strings.HasPrefix(prev, "# ") || strings.HasPrefix(prev, "##") || exampleLine.MatchString(prev) {
				t.Errorf("line %d: %s is not preceded by a one-line description comment", n, name)
			}
		}
		prev = line
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}

	want := map[string]string{}
	for _, v := range structVars(t) {
		want[v.name] = v.def
	}
	// The agent shares some variables with the server (EGRESS_*, PROBE_SOURCE_ADDR, ...):
	// one line documents both, so their defaults must agree.
	for _, v := range structVars(t, &AgentConfig{}) {
		if def, shared := want[v.name]; shared && def != v.def {
			t.Errorf("%s defaults to %q for the server but %q for the agent", v.name, def, v.def)
		}
		want[v.name] = v.def
	}
	for _, name := range fileVars {
		want[name] = ""
	}
	for name, def := range want {
		got, ok := documented[name]
		switch {
		case !ok:
			t.Errorf("config.example.env does not document %s", name)
		case got != def:
			t.Errorf("config.example.env shows %s=%q, but its default is %q", name, got, def)
		}
	}
	for name := range documented {
		if _, ok := want[name]; !ok {
			t.Errorf("config.example.env documents %s, which the server does not read", name)
		}
	}
}

// TestEnvNames pins the names to SPEC §1.2, so a renamed field or a split_words surprise
// (EGRESS_ALLOW_CID_RS, JWTTTL) fails here rather than in production.
func TestEnvNames(t *testing.T) {
	spec := []string{
		"PORT", "LISTEN_ADDR", "DATA_DIR", "JWT_SECRET", "ENCRYPTION_KEY", "JWT_TTL", "BCRYPT_COST",
		"BASE_URL", "REGISTRATION_MODE", "DEFAULT_PLAN", "EGRESS_POLICY", "EGRESS_ALLOW_CIDRS", "EGRESS_DENY_CIDRS",
		"SCHEDULER_POLL_INTERVAL", "CHECK_CONCURRENCY", "RAW_RETENTION", "SMTP_HOST", "SMTP_PORT",
		"SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_FROM", "SMTP_TLS", "TRUSTED_PROXIES", "METRICS_TOKEN",
		"LOG_LEVEL", "LOG_FORMAT", "LOCATION_NAME",
		"PROBE_SOURCE_ADDR", // SPEC §8: the appliance honours it too
		// SPEC §9, and the snapshot tuning of the cluster's Raft log.
		"CLUSTER_NODE_ID", "CLUSTER_BIND_ADDR", "CLUSTER_ADVERTISE_ADDR", "CLUSTER_PEERS", "CLUSTER_KEY",
		"CLUSTER_SNAPSHOT_INTERVAL", "CLUSTER_SNAPSHOT_THRESHOLD", "CLUSTER_TRAILING_LOGS",
	}
	var got []string
	for _, v := range structVars(t) {
		got = append(got, v.name)
		if v.desc == "" {
			t.Errorf("%s has no desc tag", v.name)
		}
	}
	slices.Sort(spec)
	slices.Sort(got)
	if !slices.Equal(got, spec) {
		t.Errorf("envconfig reads\n%v\nSPEC §1.2 names\n%v", got, spec)
	}
}

// TestAgentEnvNames pins the agent's variables to SPEC §8 (and the server's names for the
// ones they share).
func TestAgentEnvNames(t *testing.T) {
	spec := []string{"AGENT_SERVER_URL", "AGENT_TOKEN", "AGENT_NAME", "AGENT_BUFFER", "EGRESS_POLICY",
		"EGRESS_ALLOW_CIDRS", "EGRESS_DENY_CIDRS", "PROBE_SOURCE_ADDR", "CHECK_CONCURRENCY", "LOG_LEVEL", "LOG_FORMAT"}
	var got []string
	for _, v := range structVars(t, &AgentConfig{}) {
		got = append(got, v.name)
		if v.desc == "" {
			t.Errorf("%s has no desc tag", v.name)
		}
	}
	slices.Sort(spec)
	slices.Sort(got)
	if !slices.Equal(got, spec) {
		t.Errorf("envconfig reads\n%v\nSPEC §8 names\n%v", got, spec)
	}
}
