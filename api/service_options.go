package api

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// Option limits: probes send and compare small payloads, never files.
const (
	maxOptionText    = 4096     // expect, body_contains, expected, ...
	maxOptionPayload = 64 << 10 // HTTP body, TCP send
	maxUDPPayload    = 8192     // one datagram
	maxBodyRegexLen  = 1024
)

// optionKeys lists the options each check type accepts (SPEC §3.7); types not listed
// accept only {}.
func optionKeys(t string) []string {
	switch t {
	case checkHTTP:
		return []string{"method", "headers", "body", "expected_status", "body_contains", "body_not_contains",
			"body_regex", "json_path", "follow_redirects", "verify_tls", "ssl_warn_days", "assert"}
	case checkTCP:
		return []string{"send", "expect", "assert"}
	case checkUDP:
		return []string{"payload", "expect"}
	case checkPing:
		return []string{"count"}
	case checkDNS:
		return []string{"record_type", "resolver", "expected"}
	case checkWebSocket:
		return []string{"headers"}
	case checkSMTP:
		return []string{"starttls"}
	case checkGRPC:
		return []string{"service", "tls"}
	case checkSSL:
		return []string{"ssl_warn_days"}
	}
	return nil
}

// parsedOptions is a validated options object: the normalized, non-secret values (stored as
// JSON, defaults filled; HTTP/WebSocket header values appear there masked) and
// the header values, which are sealed separately. A header value equal to credentialMask
// means "keep the stored one".
type parsedOptions struct {
	values  map[string]any
	headers map[string]string
}

// optionReader decodes one options object for a check type, recording every problem in f
// under "options.<key>".
type optionReader struct {
	f   fieldErrors
	t   string
	raw map[string]json.RawMessage
	out parsedOptions
	// fields names the options given under an alias: our name → the field the client
	// wrote ("options.assert_status", or "assert_status" at the top of the body).
	fields map[string]string
}

// parseOptions validates raw (nil or null means {}) for check type t. It returns nil when
// the object itself is malformed; otherwise problems are in f and the result is usable only
// when f is empty.
//
// top holds the option aliases given at the top of the body (service_option_aliases.go);
// with replaceStored, raw is the stored options and those replace their values.
func parseOptions(f fieldErrors, t string, raw json.RawMessage, top topOptionAliases, replaceStored bool) *parsedOptions {
	r := &optionReader{f: f, t: t, raw: map[string]json.RawMessage{}, fields: map[string]string{},
		out: parsedOptions{values: map[string]any{}, headers: map[string]string{}}}
	if len(raw) > 0 && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		if err := json.Unmarshal(raw, &r.raw); err != nil || r.raw == nil {
			f.add("options", "must be an object")
			return nil
		}
	}
	r.resolveAliases(top, replaceStored)
	allowed := optionKeys(t)
	for key := range r.raw {
		switch {
		case slices.Contains(allowed, key):
		case key == "assert":
			f.add(r.field(key), assertTypesOnly)
		default:
			f.add(r.field(key), "is not an option of "+t)
		}
	}
	switch t {
	case checkHTTP:
		r.httpOptions()
	case checkWebSocket:
		r.headers()
	case checkTCP:
		r.text("send", maxOptionPayload)
		r.text("expect", maxOptionText)
	case checkUDP:
		r.datagram("payload")
		r.datagram("expect")
	case checkPing:
		r.integer("count", 1, 10, 1)
	case checkDNS:
		r.dnsOptions()
	case checkSMTP:
		r.boolean("starttls", false)
	case checkGRPC:
		r.text("service", 256)
		r.boolean("tls", false)
	case checkSSL:
		r.integer("ssl_warn_days", 1, 365, 30)
	}
	if t == checkHTTP || t == checkTCP {
		r.connectionAssertion() // service_options_assert.go
	}
	return &r.out
}

// get returns the raw value of key; a JSON null counts as absent.
func (r *optionReader) get(key string) (json.RawMessage, bool) {
	v, ok := r.raw[key]
	if !ok || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
		return nil, false
	}
	return v, true
}

// problem records msg for options.<key>.
func (r *optionReader) problem(key, msg string) {
	r.f.add(r.field(key), msg)
}

// text reads an optional string of at most max bytes; empty strings are left out.
func (r *optionReader) text(key string, max int) (string, bool) {
	raw, ok := r.get(key)
	if !ok {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		r.problem(key, "must be a string")
		return "", false
	}
	if len(s) > max {
		r.problem(key, "must be at most "+strconv.Itoa(max)+" bytes")
		return "", false
	}
	if s != "" {
		r.out.values[key] = s
	}
	return s, s != ""
}

// boolean reads an optional boolean, storing def when absent.
func (r *optionReader) boolean(key string, def bool) {
	r.out.values[key] = def
	raw, ok := r.get(key)
	if !ok {
		return
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil {
		r.problem(key, "must be true or false")
		return
	}
	r.out.values[key] = b
}

// keyword reads an optional word, case-insensitive, that must be one of allowed (upper
// case), storing def when absent and the upper-case form when given.
func (r *optionReader) keyword(key, def string, allowed ...string) {
	r.out.values[key] = def
	raw, ok := r.get(key)
	if !ok {
		return
	}
	var s string
	_ = json.Unmarshal(raw, &s) // a non-string reads as "", which no list holds
	if v := strings.ToUpper(strings.TrimSpace(s)); slices.Contains(allowed, v) {
		r.out.values[key] = v
		return
	}
	r.problem(key, "must be one of "+strings.Join(allowed, ", "))
}

// integer reads an optional whole number in [min, max], storing def when absent.
func (r *optionReader) integer(key string, min, max, def int) {
	r.out.values[key] = def
	raw, ok := r.get(key)
	if !ok {
		return
	}
	var n int
	if err := json.Unmarshal(raw, &n); err != nil || n < min || n > max {
		r.problem(key, "must be a whole number from "+strconv.Itoa(min)+" to "+strconv.Itoa(max))
		return
	}
	r.out.values[key] = n
}

// datagram reads a UDP payload or expected reply: text, or "hex:" followed by an even
// number of hex digits (stored lower-case), at most maxUDPPayload bytes once decoded.
func (r *optionReader) datagram(key string) {
	s, ok := r.text(key, 2*maxUDPPayload+4)
	if !ok {
		return
	}
	if len(s) >= 4 && strings.EqualFold(s[:4], "hex:") {
		b, err := hex.DecodeString(s[4:])
		switch {
		case err != nil || len(b) == 0:
			r.problem(key, `must be text or "hex:" followed by an even number of hex digits`)
		case len(b) > maxUDPPayload:
			r.problem(key, "must be at most "+strconv.Itoa(maxUDPPayload)+" bytes")
		default:
			r.out.values[key] = "hex:" + strings.ToLower(s[4:])
		}
		return
	}
	if len(s) > maxUDPPayload {
		r.problem(key, "must be at most "+strconv.Itoa(maxUDPPayload)+" bytes")
	}
}

// dnsOptions reads record_type (default A), resolver (host:port) and expected.
func (r *optionReader) dnsOptions() {
	r.keyword("record_type", "A", "A", "AAAA", "CNAME", "MX", "TXT", "NS")
	if s, ok := r.text("resolver", 300); ok && !validHostPort(s) {
		r.problem("resolver", "must be host:port, e.g. 1.1.1.1:53 or [2606:4700:4700::1111]:53")
	}
	r.text("expected", 255)
}
