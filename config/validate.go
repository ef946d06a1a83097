package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
)

// minJWTSecret is the shortest HS256 secret accepted: the SHA-256 block output size, below
// which the key is weaker than the MAC it keys.
const minJWTSecret = 32

// problem is one invalid setting. name is the variable it concerns, so Load can leave out a
// complaint about a value that did not even parse (the parse error already names it).
type problem struct {
	name string
	msg  string
}

func (p problem) Error() string { return p.name + " " + p.msg }

// Validate checks every setting and returns errors.Join of every problem found, one per line,
// each starting with the variable's name; nil when the configuration is usable. It expects the
// normalized values Load produces (lower-case enum values, trimmed CIDR lists).
func (c *Config) Validate() error {
	return joinProblems(c.problems(false))
}

// problems lists what is wrong, in the order of the struct. With secretsPending, an unset
// JWT secret or encryption key is not a problem because Load is about to generate it.
func (c *Config) problems(secretsPending bool) []problem {
	var ps []problem
	add := func(name, format string, args ...any) {
		ps = append(ps, problem{name: name, msg: fmt.Sprintf(format, args...)})
	}

	checkPort(add, "PORT", c.Port)
	if strings.TrimSpace(c.DataDir) == "" {
		add("DATA_DIR", "must not be empty")
	}

	switch {
	case c.JWTSecret == "" && !secretsPending:
		add("JWT_SECRET", "is required: set JWT_SECRET or JWT_SECRET_FILE, or leave both unset to have one generated into DATA_DIR/secrets.env")
	case c.JWTSecret != "" && len(c.JWTSecret) < minJWTSecret:
		add("JWT_SECRET", "%smust be at least %d bytes (got %d)", from(c.jwtSecretFrom), minJWTSecret, len(c.JWTSecret))
	}
	switch {
	case c.EncryptionKey == "" && !secretsPending:
		add("ENCRYPTION_KEY", "is required: set ENCRYPTION_KEY or ENCRYPTION_KEY_FILE, or leave both unset to have one generated into DATA_DIR/secrets.env")
	case c.EncryptionKey != "":
		if _, err := parseKey(c.EncryptionKey); err != nil {
			add("ENCRYPTION_KEY", "%s%v", from(c.encryptionKeyFrom), err)
		}
	}

	if c.JWTTTL <= 0 {
		add("JWT_TTL", "must be a positive duration such as 72h (got %s)", c.JWTTTL)
	}
	if c.BcryptCost < 4 || c.BcryptCost > 14 {
		add("BCRYPT_COST", "must be between 4 and 14 (got %d)", c.BcryptCost)
	}
	if msg := baseURLProblem(c.BaseURL); msg != "" {
		add("BASE_URL", "%s", msg)
	}
	checkEnum(add, "REGISTRATION_MODE", c.RegistrationMode, RegistrationOpen, RegistrationFirstUser, RegistrationClosed)
	checkEnum(add, "DEFAULT_PLAN", c.DefaultPlan, PlanFree, PlanStarter, PlanProfessional, PlanEnterprise)
	if !ValidLocationName(c.LocationName) {
		add("LOCATION_NAME", "must be 2 to 60 characters of a-z, 0-9 and inner dashes, such as local or home-lab (got %q)", c.LocationName)
	}
	checkEnum(add, "EGRESS_POLICY", c.EgressPolicy, EgressPrivate, EgressPublic)
	checkCIDRs(add, "EGRESS_ALLOW_CIDRS", c.EgressAllowCIDRs)
	checkCIDRs(add, "EGRESS_DENY_CIDRS", c.EgressDenyCIDRs)
	checkSourceAddr(add, c.ProbeSourceAddr)

	if c.SchedulerPollInterval < time.Second {
		add("SCHEDULER_POLL_INTERVAL", "must be at least 1s (got %s)", c.SchedulerPollInterval)
	}
	if c.CheckConcurrency < 1 {
		add("CHECK_CONCURRENCY", "must be at least 1 (got %d)", c.CheckConcurrency)
	}
	if c.RawRetention < time.Hour {
		add("RAW_RETENTION", "must be at least 1h (got %s)", c.RawRetention)
	}

	checkPort(add, "SMTP_PORT", c.SMTPPort)
	checkEnum(add, "SMTP_TLS", c.SMTPTLS, SMTPTLSStartTLS, SMTPTLSImplicit, SMTPTLSNone)
	switch {
	case c.SMTPFrom == "" && c.SMTPHost != "":
		add("SMTP_FROM", "is required when SMTP_HOST is set")
	case c.SMTPFrom != "":
		if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
			add("SMTP_FROM", "must be an e-mail address such as \"AlertifyPro <alerts@example.com>\" (got %q)", c.SMTPFrom)
		}
	}

	c.clusterProblems(add)
	checkCIDRs(add, "TRUSTED_PROXIES", c.TrustedProxies)
	checkEnum(add, "LOG_LEVEL", c.LogLevel, "debug", "info", "warn", "error")
	checkEnum(add, "LOG_FORMAT", c.LogFormat, LogFormatText, LogFormatJSON)
	return ps
}

// normalize lower-cases enum values, trims list entries and drops empty ones, turns bare IP
// addresses in CIDR lists into single-address prefixes, and strips BASE_URL's trailing slash.
func (c *Config) normalize() {
	for _, s := range []*string{&c.RegistrationMode, &c.DefaultPlan, &c.LocationName, &c.EgressPolicy, &c.SMTPTLS, &c.LogLevel, &c.LogFormat} {
		*s = strings.ToLower(strings.TrimSpace(*s))
	}
	c.BaseURL = strings.TrimRight(strings.TrimSpace(c.BaseURL), "/")
	c.EgressAllowCIDRs = normalizeCIDRs(c.EgressAllowCIDRs)
	c.EgressDenyCIDRs = normalizeCIDRs(c.EgressDenyCIDRs)
	c.TrustedProxies = normalizeCIDRs(c.TrustedProxies)
	c.ProbeSourceAddr = strings.TrimSpace(c.ProbeSourceAddr)
	c.normalizeCluster()
}

func normalizeCIDRs(list []string) []string {
	var out []string
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue // "a,,b" and a trailing comma are slips, not addresses
		}
		if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
			s = netip.PrefixFrom(a, a.BitLen()).String()
		}
		out = append(out, s)
	}
	return out
}

type addFunc func(name, format string, args ...any)

func checkPort(add addFunc, name string, port int) {
	if port < 1 || port > 65535 {
		add(name, "must be between 1 and 65535 (got %d)", port)
	}
}

func checkEnum(add addFunc, name, value string, allowed ...string) {
	if !slices.Contains(allowed, value) {
		add(name, "must be one of %s (got %q)", strings.Join(allowed, ", "), value)
	}
}

func checkCIDRs(add addFunc, name string, list []string) {
	for _, s := range list {
		if _, err := netip.ParsePrefix(s); err != nil {
			add(name, "has an invalid CIDR %q (want an address or a prefix such as 10.0.0.0/8)", s)
		}
	}
}

// checkSourceAddr checks PROBE_SOURCE_ADDR: empty, or one IP address of this host (the
// kernel says whether it is one only when a check binds to it).
func checkSourceAddr(add addFunc, s string) {
	if s == "" {
		return
	}
	if a, err := netip.ParseAddr(s); err != nil || a.Zone() != "" || a.IsUnspecified() || a.IsMulticast() {
		add("PROBE_SOURCE_ADDR", "must be one unicast IP address of this host, such as 192.0.2.10 (got %q)", s)
	}
}

// ValidLocationName reports whether s is a probe location name (SPEC §8): a slug of 2–60
// characters of a–z, 0–9 and inner dashes, as services and results name locations.
func ValidLocationName(s string) bool {
	if len(s) < 2 || len(s) > 60 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// baseURLProblem explains what is wrong with BASE_URL, or returns "". Links are built by
// appending paths, so a query, fragment or credentials would end up in every link.
func baseURLProblem(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Sprintf("must be an absolute http:// or https:// URL (got %q)", s)
	}
	shown := u.Redacted() // never echo a password into the logs
	switch {
	case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return fmt.Sprintf("must be an absolute http:// or https:// URL (got %q)", shown)
	case u.User != nil:
		return fmt.Sprintf("must not contain credentials (got %q)", shown)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return fmt.Sprintf("must not have a query or a fragment (got %q)", shown)
	}
	return ""
}

// from names where a secret came from when it was not the variable itself.
func from(source string) string {
	if source == "" {
		return ""
	}
	return "(from " + source + ") "
}

func joinProblems(ps []problem) error {
	if len(ps) == 0 {
		return nil
	}
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errors.Join(errs...)
}
