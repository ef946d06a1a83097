package monitor

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
)

// statusExpectation is a parsed expected_status: which codes pass, and how
// the error names them ("2xx", "200-299", "200 or 201").
type statusExpectation struct {
	label string
	match func(code int) bool
}

// parseExpectedStatus reads expected_status in the forms the API stores: a
// number, a list of numbers, "Nxx", "lo-hi" (or one code as text). Absent
// means any 2xx.
func parseExpectedStatus(raw json.RawMessage) (statusExpectation, error) {
	var (
		code  int
		codes []int
		text  string
	)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return statusClass(2), nil
	case json.Unmarshal(raw, &code) == nil:
		return statusExpectation{strconv.Itoa(code), func(c int) bool { return c == code }}, nil
	case json.Unmarshal(raw, &codes) == nil && len(codes) > 0:
		labels := make([]string, len(codes))
		for i, c := range codes {
			labels[i] = strconv.Itoa(c)
		}
		label := labels[0]
		if n := len(labels); n > 1 {
			label = strings.Join(labels[:n-1], ", ") + " or " + labels[n-1]
		}
		return statusExpectation{label, func(c int) bool { return slices.Contains(codes, c) }}, nil
	case json.Unmarshal(raw, &text) == nil:
		text = strings.ToLower(strings.TrimSpace(text))
		if len(text) == 3 && text[1:] == "xx" && text[0] >= '1' && text[0] <= '5' {
			return statusClass(int(text[0] - '0')), nil
		}
		lo, hi, isRange := strings.Cut(text, "-")
		if !isRange {
			hi = lo
		}
		a, errA := strconv.Atoi(lo)
		b, errB := strconv.Atoi(hi)
		if errA == nil && errB == nil && a <= b {
			return statusExpectation{text, func(c int) bool { return c >= a && c <= b }}, nil
		}
	}
	return statusExpectation{}, errors.New("expected_status " + netClip(string(raw), 40) + " is not a status, list, class or range")
}

// statusClass expects any code of class n ("2xx").
func statusClass(n int) statusExpectation {
	return statusExpectation{strconv.Itoa(n) + "xx", func(c int) bool { return c/100 == n }}
}

// checkHTTPBody runs the body assertions in order (body_contains,
// body_not_contains, body_regex, json_path) and returns the first failure,
// or "" when all hold.
func checkHTTPBody(body []byte, o *httpOptions) string {
	if o.BodyContains != "" && !bytes.Contains(body, []byte(o.BodyContains)) {
		return "keyword " + netQuote(o.BodyContains) + " not found"
	}
	if o.BodyNotContains != "" && bytes.Contains(body, []byte(o.BodyNotContains)) {
		return "keyword " + netQuote(o.BodyNotContains) + " found"
	}
	if o.BodyRegex != "" {
		re, err := o.patterns.compile(o.BodyRegex)
		if err != nil {
			return "invalid body_regex: " + netClip(err.Error(), 80)
		}
		if !re.Match(body) {
			return "body does not match /" + netClip(o.BodyRegex, 60) + "/"
		}
	}
	if len(o.JSONPath) == 0 {
		return ""
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber() // compare numbers as written, not through float64 first
	if err := dec.Decode(&doc); err != nil {
		return "json_path " + netClip(o.JSONPath[0].Path, 60) + ": response is not JSON"
	}
	for _, a := range o.JSONPath {
		if msg := a.check(doc, o.patterns); msg != "" {
			return "json_path " + netClip(a.Path, 60) + ": " + msg
		}
	}
	return ""
}
