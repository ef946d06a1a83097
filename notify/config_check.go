package notify

import (
	"encoding/json"
	"math"
	"net/textproto"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/net/http/httpguts"
)

const (
	maxURLLength    = 2048
	maxFieldLength  = 512
	maxListItems    = 50
	maxHeaders      = 20
	maxHeaderLength = 4096
)

// e164 is an international phone number: "+", country code, subscriber.
var e164 = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// configCheck validates a channel config field by field, collecting every
// problem (field → message) and the cleaned values. Problem messages never
// quote a value: many of them are secrets.
type configCheck struct {
	in       map[string]any
	clean    map[string]any
	problems map[string]string
	used     map[string]bool
}

func newConfigCheck(in map[string]any) *configCheck {
	return &configCheck{in: in, clean: map[string]any{}, problems: map[string]string{}, used: map[string]bool{}}
}

// problem records msg for key unless key already has one.
func (c *configCheck) problem(key, msg string) {
	if _, ok := c.problems[key]; !ok {
		c.problems[key] = msg
	}
}

// value returns key's raw value; a JSON null counts as absent.
func (c *configCheck) value(key string) (any, bool) {
	c.used[key] = true
	v, ok := c.in[key]
	return v, ok && v != nil
}

// str reads a one-line string field, trimmed; absent or empty is "" (and a
// problem when required). A non-empty result is kept in the clean config.
func (c *configCheck) str(key string, required bool, maxLen int) string {
	v, ok := c.value(key)
	if !ok {
		if required {
			c.problem(key, "is required")
		}
		return ""
	}
	s, isStr := v.(string)
	if !isStr {
		c.problem(key, "must be a string")
		return ""
	}
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		c.problem(key, "is required")
	case len(s) > maxLen:
		c.problem(key, "must be at most "+strconv.Itoa(maxLen)+" bytes")
	case strings.ContainsAny(s, "\r\n\x00"):
		c.problem(key, "must be a single line")
	case s != "":
		c.clean[key] = s
		return s
	}
	return ""
}

// token reads a credential: one word of printable characters, so it can sit
// in a header or a URL path without changing its meaning.
func (c *configCheck) token(key string, required bool) string {
	s := c.str(key, required, maxFieldLength)
	if s != "" && strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r >= 0x7f }) >= 0 {
		c.problem(key, "must not contain spaces or control characters")
		delete(c.clean, key)
		return ""
	}
	return s
}

// match reads a string that must match re; want describes the format.
func (c *configCheck) match(key string, required bool, re *regexp.Regexp, want string) string {
	s := c.str(key, required, maxFieldLength)
	if s != "" && !re.MatchString(s) {
		c.problem(key, "must be "+want)
		delete(c.clean, key)
		return ""
	}
	return s
}

// oneOf reads a lower-cased choice among options, def when absent.
func (c *configCheck) oneOf(key, def string, options ...string) string {
	s := strings.ToLower(c.str(key, false, maxFieldLength))
	if s == "" {
		s = def
	}
	for _, o := range options {
		if s == o {
			c.clean[key] = s
			return s
		}
	}
	c.problem(key, "must be one of "+strings.Join(options, ", "))
	delete(c.clean, key)
	return ""
}

// url reads an absolute http(s) URL without userinfo; only https unless
// allowHTTP (self-hosted servers on a LAN). The fragment is dropped.
func (c *configCheck) url(key string, required, allowHTTP bool) string {
	s := c.str(key, required, maxURLLength)
	if s == "" {
		return ""
	}
	delete(c.clean, key)
	u, err := url.Parse(s)
	switch {
	case err != nil || !u.IsAbs() || u.Hostname() == "":
		c.problem(key, "must be an absolute URL")
	case u.User != nil:
		c.problem(key, "must not contain a user name or password")
	case strings.EqualFold(u.Scheme, "https"), allowHTTP && strings.EqualFold(u.Scheme, "http"):
		u.Scheme, u.Fragment, u.RawFragment = strings.ToLower(u.Scheme), "", ""
		c.clean[key] = u.String()
		return u.String()
	case allowHTTP:
		c.problem(key, "must be an http or https URL")
	default:
		c.problem(key, "must be an https URL")
	}
	return ""
}

// list reads a list of one-line strings (a lone string is a list of one).
func (c *configCheck) list(key string, required bool) []string {
	v, _ := c.value(key)
	var items []any
	switch t := v.(type) {
	case nil:
	case string:
		items = []any{t}
	case []string:
		for _, s := range t {
			items = append(items, s)
		}
	case []any:
		items = t
	default:
		c.problem(key, "must be a list of strings")
		return nil
	}
	var out []string
	for _, it := range items {
		s, isStr := it.(string)
		if !isStr || strings.ContainsAny(s, "\r\n\x00") || len(s) > maxFieldLength {
			c.problem(key, "must be a list of strings")
			return nil
		}
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	switch {
	case len(out) == 0 && required:
		c.problem(key, "must list at least one entry")
	case len(out) > maxListItems:
		c.problem(key, "must list at most "+strconv.Itoa(maxListItems)+" entries")
	default:
		return out
	}
	return nil
}

// port reads a TCP port number (JSON number or digits), 0 when absent.
func (c *configCheck) port(key string) int {
	v, ok := c.value(key)
	if !ok {
		return 0
	}
	var f float64
	switch t := v.(type) {
	case float64:
		f = t
	case int:
		f = float64(t)
	case json.Number:
		f, _ = t.Float64()
	case string:
		n, err := strconv.Atoi(strings.TrimSpace(t))
		if err != nil {
			n = -1
		}
		f = float64(n)
	}
	if f < 1 || f > 65535 || f != math.Trunc(f) {
		c.problem(key, "must be a port number from 1 to 65535")
		return 0
	}
	c.clean[key] = int(f)
	return int(f)
}

// reservedHeaders are set by the sender itself and may not be configured.
var reservedHeaders = map[string]bool{"Host": true, "Content-Length": true, "Content-Type": true,
	"Transfer-Encoding": true, "Connection": true, "Te": true, "Upgrade": true, "Trailer": true}

// headers reads an object of extra HTTP header names to values.
func (c *configCheck) headers(key string) map[string]string {
	v, ok := c.value(key)
	if !ok {
		return nil
	}
	m, isMap := v.(map[string]any)
	if !isMap {
		if sm, isStrMap := v.(map[string]string); isStrMap {
			m = map[string]any{}
			for k, s := range sm {
				m[k] = s
			}
		} else {
			c.problem(key, "must be an object of header names to values")
			return nil
		}
	}
	if len(m) > maxHeaders {
		c.problem(key, "must have at most "+strconv.Itoa(maxHeaders)+" headers")
		return nil
	}
	out := map[string]string{}
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	sort.Strings(names) // the first problem reported is the same every time
	for _, name := range names {
		s, isStr := m[name].(string)
		canon := textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name))
		switch {
		case !httpguts.ValidHeaderFieldName(canon):
			c.problem(key, "has an invalid header name")
		case reservedHeaders[canon] || strings.HasPrefix(canon, "X-Alertifypro-"):
			c.problem(key, canon+" is set by AlertifyPro and cannot be configured")
		case !isStr || len(s) > maxHeaderLength || !httpguts.ValidHeaderFieldValue(s):
			c.problem(key, "header "+canon+" must have a one-line string value")
		default:
			out[canon] = strings.TrimSpace(s)
			continue
		}
		return nil
	}
	if len(out) > 0 {
		c.clean[key] = out
	}
	return out
}

// finish reports fields no check read (a typo, or a field of another type)
// and returns the clean config and the problems.
func (c *configCheck) finish() (map[string]any, map[string]string) {
	for key := range c.in {
		if !c.used[key] {
			c.problem(key, "is not a field of this channel type")
		}
	}
	return c.clean, c.problems
}

// cfgString reads a string from a clean config.
func cfgString(cfg map[string]any, key string) string {
	s, _ := cfg[key].(string)
	return s
}
