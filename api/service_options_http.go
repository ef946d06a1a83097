package api

import (
	"bytes"
	"encoding/json"
	"net/textproto"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Limits of the HTTP options.
const (
	maxHeaders        = 30
	maxJSONPathChecks = 20
	maxJSONPathLen    = 256
	maxExpectedCodes  = 20
)

// httpOptions reads the HTTP options and fills their defaults: method GET, any 2xx,
// redirects followed, TLS verified, certificate warning 30 days before expiry.
func (r *optionReader) httpOptions() {
	r.keyword("method", "GET", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
	r.headers()
	r.text("body", maxOptionPayload)
	r.expectedStatus()
	r.text("body_contains", maxOptionText)
	r.text("body_not_contains", maxOptionText)
	if s, ok := r.text("body_regex", maxBodyRegexLen); ok {
		if _, err := regexp.Compile(s); err != nil {
			r.problem("body_regex", "must be a valid regular expression (Go RE2 syntax)")
		}
	}
	r.jsonPath()
	r.boolean("follow_redirects", true)
	r.boolean("verify_tls", true)
	r.integer("ssl_warn_days", 1, 365, 30)
}

// expectedStatusProblem says which forms expected_status takes.
const expectedStatusProblem = `must be a status code (200), a list ([200, 201]), a class ("2xx") ` +
	`or a range ("200-299") of codes from 100 to 599`

// expectedStatus reads expected_status in one of its four forms and stores it normalized:
// a number, a sorted de-duplicated list of numbers, "Nxx", or "lo-hi". Absent means "2xx".
func (r *optionReader) expectedStatus() {
	r.out.values["expected_status"] = "2xx"
	raw, ok := r.get("expected_status")
	if !ok {
		return
	}
	var (
		code  int
		codes []int
		text  string
	)
	switch {
	case json.Unmarshal(raw, &code) == nil:
		if !validStatusCode(code) {
			r.problem("expected_status", expectedStatusProblem)
			return
		}
		r.out.values["expected_status"] = code
	case json.Unmarshal(raw, &codes) == nil:
		slices.Sort(codes)
		codes = slices.Compact(codes)
		if len(codes) == 0 || len(codes) > maxExpectedCodes || !validStatusCode(codes[0]) || !validStatusCode(codes[len(codes)-1]) {
			r.problem("expected_status", expectedStatusProblem+" (a list holds 1 to 20 codes)")
			return
		}
		r.out.values["expected_status"] = codes
	case json.Unmarshal(raw, &text) == nil:
		v, ok := normalizeStatusText(text)
		if !ok {
			r.problem("expected_status", expectedStatusProblem)
			return
		}
		r.out.values["expected_status"] = v
	default:
		r.problem("expected_status", expectedStatusProblem)
	}
}

// validStatusCode reports whether n is an HTTP status code a server can answer with.
func validStatusCode(n int) bool { return n >= 100 && n <= 599 }

// normalizeStatusText parses "2xx" (class), "200-299" (range) or "200" (one code).
func normalizeStatusText(s string) (any, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) == 3 && s[0] >= '1' && s[0] <= '5' && s[1:] == "xx" {
		return s, true
	}
	if lo, hi, ok := strings.Cut(s, "-"); ok {
		a, errA := strconv.Atoi(lo)
		b, errB := strconv.Atoi(hi)
		if errA == nil && errB == nil && len(lo) == 3 && len(hi) == 3 && validStatusCode(a) && validStatusCode(b) && a <= b {
			return lo + "-" + hi, true
		}
		return nil, false
	}
	if n, err := strconv.Atoi(s); err == nil && len(s) == 3 && validStatusCode(n) {
		return n, true
	}
	return nil, false
}

// jsonPathCheck is one json_path assertion as stored.
type jsonPathCheck struct {
	Path     string          `json:"path"`
	Operator string          `json:"operator"`
	Value    json.RawMessage `json:"value"`
}

// jsonPathSyntax accepts "$", "$.a.b", "$.items[0].name", "$.a-b_c".
var jsonPathSyntax = regexp.MustCompile(`^\$((\.[A-Za-z0-9_\-]+)|(\[[0-9]+\]))*$`)

// jsonPathOperators maps each json_path operator, in lower case, to how it is stored.
// startsWith, endsWith and matches (RE2) compare the value's text (SPEC §12).
var jsonPathOperators = map[string]string{"==": "==", "!=": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<=",
	"contains": "contains", "startswith": "startsWith", "endswith": "endsWith", "matches": "matches"}

// jsonPathOperatorList is the operators as a problem message names them.
const jsonPathOperatorList = "==, !=, >, >=, <, <=, contains, startsWith, endsWith, matches"

// jsonPath reads the json_path assertions: [{path, operator, value}]; an entry without
// operator means == (as documented), and is stored with it.
func (r *optionReader) jsonPath() {
	raw, ok := r.get("json_path")
	if !ok {
		return
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || len(items) > maxJSONPathChecks {
		r.problem("json_path", `must be a list of at most 20 {"path", "operator", "value"} assertions`)
		return
	}
	checks := make([]jsonPathCheck, 0, len(items))
	for i, item := range items {
		key := "json_path[" + strconv.Itoa(i) + "]"
		var c jsonPathCheck
		dec := json.NewDecoder(bytes.NewReader(item))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&c); err != nil {
			r.problem(key, `must be an object with "path", "operator" and "value"`)
			continue
		}
		c.Path, c.Operator = strings.TrimSpace(c.Path), strings.TrimSpace(c.Operator)
		if len(c.Path) > maxJSONPathLen || !jsonPathSyntax.MatchString(c.Path) {
			r.problem(key+".path", `must be a path such as "$.status" or "$.items[0].name"`)
		}
		if c.Operator == "" {
			c.Operator = "=="
		}
		op, known := jsonPathOperators[strings.ToLower(c.Operator)]
		if known {
			c.Operator = op
		}
		var number float64
		var str string
		switch {
		case !known:
			r.problem(key+".operator", "must be one of "+jsonPathOperatorList)
		case len(c.Value) == 0:
			r.problem(key+".value", "is required")
		case slices.Contains([]string{">", ">=", "<", "<="}, op) && json.Unmarshal(c.Value, &number) != nil:
			r.problem(key+".value", "must be a number for "+op)
		case slices.Contains([]string{"contains", "startsWith", "endsWith", "matches"}, op) && json.Unmarshal(c.Value, &str) != nil:
			r.problem(key+".value", "must be a string for "+op)
		case op == "matches" && len(str) > maxBodyRegexLen:
			r.problem(key+".value", "must be a pattern of at most "+strconv.Itoa(maxBodyRegexLen)+" bytes")
		case op == "matches" && !validPattern(str):
			r.problem(key+".value", "must be a valid regular expression (Go RE2 syntax)")
		case len(c.Value) > maxOptionText:
			r.problem(key+".value", "must be at most "+strconv.Itoa(maxOptionText)+" bytes")
		}
		var compact bytes.Buffer
		if json.Compact(&compact, c.Value) == nil {
			c.Value = compact.Bytes()
		}
		checks = append(checks, c)
	}
	r.out.values["json_path"] = checks
}

// validPattern reports whether s compiles as an RE2 regular expression.
func validPattern(s string) bool {
	_, err := regexp.Compile(s)
	return err == nil
}

// headers reads the request headers of an HTTP or WebSocket check. Names are HTTP tokens,
// stored canonical; values are secrets (they often carry API keys), so they go to
// parsedOptions.headers for sealing and the stored options keep only the names, each mapped
// to credentialMask: the stored options are then exactly what responses show, with no
// rewriting on the read path, and sent back they keep every value. Values are never quoted
// in an error message.
func (r *optionReader) headers() {
	names := map[string]string{}
	defer func() { r.out.values["headers"] = names }()
	raw, ok := r.get("headers")
	if !ok {
		return
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		r.problem("headers", "must be an object of header names to string values")
		return
	}
	if len(m) > maxHeaders {
		r.problem("headers", "must hold at most "+strconv.Itoa(maxHeaders)+" headers")
		return
	}
	for name, v := range m {
		canon := textproto.CanonicalMIMEHeaderKey(name)
		key := "headers." + canon
		value, isString := v.(string)
		switch {
		case !isHTTPToken(name) || len(name) > 256:
			r.problem("headers", "header names must be HTTP tokens (letters, digits and !#$%&'*+-.^_`|~)")
		case r.reservedHeader(canon):
			r.problem(key, "is set by the probe itself")
		case !isString:
			r.problem(key, "must be a string")
		case len(value) > maxCredentialFieldBytes || strings.ContainsAny(value, "\r\n\x00"):
			r.problem(key, "must be at most 4096 bytes without line breaks")
		case hasKey(r.out.headers, canon):
			r.problem(key, "is given twice (header names are case-insensitive)")
		default:
			r.out.headers[canon] = value
			names[canon] = credentialMask
		}
	}
}

// reservedHeader reports headers the probe must control: framing, and for WebSocket the
// handshake.
func (r *optionReader) reservedHeader(canon string) bool {
	switch canon {
	case "Content-Length", "Transfer-Encoding", "Connection", "Upgrade":
		return true
	case "Sec-Websocket-Key", "Sec-Websocket-Version":
		return r.t == checkWebSocket
	}
	return false
}

// isHTTPToken reports whether s is a non-empty RFC 9110 token (a valid header name).
func isHTTPToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// hasKey reports whether m holds k (even with an empty value).
func hasKey(m map[string]string, k string) bool {
	_, ok := m[k]
	return ok
}
