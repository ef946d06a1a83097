package config

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"github.com/kelseyhightower/envconfig"
)

// AgentTokenPrefix starts every agent token (SPEC §8), so a token pasted into the wrong
// variable is caught at start-up rather than by a refused connection.
const AgentTokenPrefix = "agt_"

// DefaultLocationName is the built-in location's name when LOCATION_NAME is unset.
const DefaultLocationName = "local"

// BuiltinLocation is the name of the appliance's own probe location: LOCATION_NAME, or its
// default for a Config built by hand (as tests do) without one.
func (c *Config) BuiltinLocation() string {
	if c.LocationName == "" {
		return DefaultLocationName
	}
	return c.LocationName
}

// AgentConfig is the configuration of `alertifypro agent` (SPEC §8): where the server is,
// the token of the location it serves, and the agent's own egress policy, source address,
// concurrency and logging. The variables it shares with the server (EGRESS_*,
// PROBE_SOURCE_ADDR, CHECK_CONCURRENCY, LOG_*) have the server's names, defaults and
// rules, read on the agent's host.
type AgentConfig struct {
	ServerURL string `envconfig:"AGENT_SERVER_URL" desc:"agent: the server's base URL, e.g. https://monitor.example.com (the agent connects out to it); a cluster's nodes' URLs separated by commas"`
	Token     string `envconfig:"AGENT_TOKEN" desc:"agent: the location's agent token (agt_...), shown once when it was created"`
	Name      string `envconfig:"AGENT_NAME" desc:"agent: this agent's name, unique within its location; empty is the host name"`
	Buffer    int    `envconfig:"AGENT_BUFFER" default:"100000" desc:"agent: results kept while the server is unreachable; beyond it the oldest are dropped"`

	EgressPolicy     string   `split_words:"true" default:"private" desc:"addresses checks may reach: private (also private and loopback networks) or public (public unicast only)"`
	EgressAllowCIDRs []string `envconfig:"EGRESS_ALLOW_CIDRS" desc:"comma-separated CIDRs checks may reach in addition to the policy"`
	EgressDenyCIDRs  []string `envconfig:"EGRESS_DENY_CIDRS" desc:"comma-separated CIDRs checks may never reach"`
	ProbeSourceAddr  string   `split_words:"true" desc:"local IP address outgoing checks bind to; empty lets the system choose"`
	CheckConcurrency int      `split_words:"true" default:"512" desc:"global cap on checks in flight"`
	LogLevel         string   `split_words:"true" default:"info" desc:"log level: debug, info, warn or error"`
	LogFormat        string   `split_words:"true" default:"text" desc:"log format: text or json"`

	// tokenFrom names AGENT_TOKEN_FILE when the token came from it.
	tokenFrom string
}

// minAgentBuffer is the smallest AGENT_BUFFER accepted: below it a short outage would
// already drop results.
const minAgentBuffer = 100

// LoadAgent reads the agent's configuration from the environment (AGENT_TOKEN_FILE supplies
// the token from a file, e.g. a Docker secret) and returns it, or one error listing every
// problem. An empty AGENT_NAME becomes the host name.
func LoadAgent() (*AgentConfig, error) {
	c := &AgentConfig{}
	var errs []error
	var unparsed map[string]bool
	if err := envconfig.Process("", c); err != nil {
		*c = AgentConfig{}
		unparsed, errs = processEachField(c) // every value that does not parse, at once
	}
	if path := os.Getenv("AGENT_TOKEN_FILE"); path != "" {
		if c.Token != "" {
			errs = append(errs, problem{name: "AGENT_TOKEN_FILE", msg: "and AGENT_TOKEN are both set; set only one"})
		} else if data, err := os.ReadFile(path); err != nil {
			errs = append(errs, problem{name: "AGENT_TOKEN_FILE", msg: fmt.Sprintf("cannot be read: %v", err)})
		} else {
			c.Token, c.tokenFrom = strings.TrimSpace(string(data)), "AGENT_TOKEN_FILE "+path
		}
	}
	c.normalize()
	if c.Name == "" {
		host, err := os.Hostname()
		if err != nil {
			errs = append(errs, problem{name: "AGENT_NAME", msg: fmt.Sprintf("is unset and the host name cannot be read: %v", err)})
		}
		c.Name = host
	}
	for _, p := range c.problems() {
		if !unparsed[p.name] {
			errs = append(errs, p)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return c, nil
}

// normalize trims values, lower-cases enums and drops empty list entries, as Config's does.
func (c *AgentConfig) normalize() {
	for _, s := range []*string{&c.EgressPolicy, &c.LogLevel, &c.LogFormat} {
		*s = strings.ToLower(strings.TrimSpace(*s))
	}
	var urls []string
	for _, u := range strings.Split(c.ServerURL, ",") {
		if u = strings.TrimRight(strings.TrimSpace(u), "/"); u != "" {
			urls = append(urls, u)
		}
	}
	c.ServerURL = strings.Join(urls, ",")
	c.Token, c.Name = strings.TrimSpace(c.Token), strings.TrimSpace(c.Name)
	c.ProbeSourceAddr = strings.TrimSpace(c.ProbeSourceAddr)
	c.EgressAllowCIDRs = normalizeCIDRs(c.EgressAllowCIDRs)
	c.EgressDenyCIDRs = normalizeCIDRs(c.EgressDenyCIDRs)
}

// Validate checks every setting, like Config.Validate.
func (c *AgentConfig) Validate() error { return joinProblems(c.problems()) }

func (c *AgentConfig) problems() []problem {
	var ps []problem
	add := func(name, format string, args ...any) {
		ps = append(ps, problem{name: name, msg: fmt.Sprintf(format, args...)})
	}
	// Several URLs (a cluster's nodes) are separated by commas; each must be one.
	for _, u := range strings.Split(c.ServerURL, ",") { // "" is one empty URL: required
		if msg := agentServerURLProblem(u); msg != "" {
			add("AGENT_SERVER_URL", "%s", msg)
		}
	}
	switch {
	case c.Token == "":
		add("AGENT_TOKEN", "is required: set AGENT_TOKEN or AGENT_TOKEN_FILE to a token of the agent's location")
	case !strings.HasPrefix(c.Token, AgentTokenPrefix):
		// Never echo the value: it may be another secret pasted by mistake.
		add("AGENT_TOKEN", "%smust be an agent token, which starts with %q", from(c.tokenFrom), AgentTokenPrefix)
	}
	if c.Name == "" || len(c.Name) > 200 || strings.IndexFunc(c.Name, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		add("AGENT_NAME", "must be 1 to 200 characters on one line (got %q)", c.Name)
	}
	if c.Buffer < minAgentBuffer {
		add("AGENT_BUFFER", "must be at least %d (got %d)", minAgentBuffer, c.Buffer)
	}
	checkEnum(add, "EGRESS_POLICY", c.EgressPolicy, EgressPrivate, EgressPublic)
	checkCIDRs(add, "EGRESS_ALLOW_CIDRS", c.EgressAllowCIDRs)
	checkCIDRs(add, "EGRESS_DENY_CIDRS", c.EgressDenyCIDRs)
	checkSourceAddr(add, c.ProbeSourceAddr)
	if c.CheckConcurrency < 1 {
		add("CHECK_CONCURRENCY", "must be at least 1 (got %d)", c.CheckConcurrency)
	}
	checkEnum(add, "LOG_LEVEL", c.LogLevel, "debug", "info", "warn", "error")
	checkEnum(add, "LOG_FORMAT", c.LogFormat, LogFormatText, LogFormatJSON)
	return ps
}

// Logger builds the agent's logger, as Config.Logger does the server's.
func (c *AgentConfig) Logger(w io.Writer) *slog.Logger {
	return (&Config{LogLevel: c.LogLevel, LogFormat: c.LogFormat}).Logger(w)
}

// agentServerURLProblem explains what is wrong with AGENT_SERVER_URL, or returns "": an
// absolute http(s) or ws(s) URL without credentials, query or fragment.
func agentServerURLProblem(s string) string {
	if s == "" {
		return "is required: the server's base URL, e.g. https://monitor.example.com"
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return fmt.Sprintf("must be an absolute https:// (or http://) URL (got %q)", s)
	}
	shown := u.Redacted()
	switch {
	case u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ws" && u.Scheme != "wss":
		return fmt.Sprintf("must be an absolute https:// (or http://) URL (got %q)", shown)
	case u.User != nil:
		return fmt.Sprintf("must not contain credentials (got %q)", shown)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return fmt.Sprintf("must not have a query or a fragment (got %q)", shown)
	}
	return ""
}
