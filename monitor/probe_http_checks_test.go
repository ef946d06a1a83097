package monitor

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
)

func TestParseJSONPath(t *testing.T) {
	valid := map[string]string{
		"$":                   "[]",
		"$.status":            "[{status -1}]",
		"$.a.b[0].c":          "[{a -1} {b -1} { 0} {c -1}]",
		"$['a.b']['x y']":     "[{a.b -1} {x y -1}]",
		`$["odd]key"][12]`:    "[{odd]key -1} { 12}]",
		"$.items[0]['name']":  "[{items -1} { 0} {name -1}]",
		"$.a-b_c.d":           "[{a-b_c -1} {d -1}]",
		"$['']":               "[{ -1}]",
		"$.checks.db.latency": "[{checks -1} {db -1} {latency -1}]",
	}
	for path, want := range valid {
		steps, err := parseJSONPath(path)
		if got := fmt.Sprint(steps); err != nil || got != want {
			t.Errorf("parseJSONPath(%q) = %s, %v; want %s", path, got, err, want)
		}
	}
	for _, path := range []string{"", "status", "$.", "$..a", "$[", "$[]", "$[-1]", "$[+1]", "$[1", "$['a'", "$['a]", "$['a'x]", "$.a[0]x", "$a"} {
		if _, err := parseJSONPath(path); err == nil {
			t.Errorf("parseJSONPath(%q) accepted", path)
		}
	}
}

func TestJSONAssertion(t *testing.T) {
	doc := decodeTestJSON(t, `{"status":"ok","count":7,"ratio":0.5,"big":12345678901234567890,"quoted":"42",
		"flag":true,"none":null,"tags":["x","y"],"obj":{"a":[1,2]},"msg":"all systems go"}`)
	cases := []struct {
		path, op, value, want string
	}{
		{"$.status", "==", `"ok"`, ""},
		{"$.status", "!=", `"down"`, ""},
		{"$.status", "==", `"degraded"`, `expected == "degraded", got "ok"`},
		{"$.count", "==", `7.0`, ""},
		{"$.count", "==", `"7"`, `expected == "7", got 7`},
		{"$.count", ">", `5`, ""},
		{"$.count", ">=", `7`, ""},
		{"$.count", "<", `7`, `expected < 7, got 7`},
		{"$.ratio", "<=", `0.5`, ""},
		{"$.quoted", ">", `41.5`, ""},
		{"$.status", ">", `1`, `expected > 1, got "ok"`},
		{"$.big", "==", `12345678901234567890`, ""},
		{"$.flag", "==", `true`, ""},
		{"$.none", "==", `null`, ""},
		{"$.tags", "contains", `"y"`, ""},
		{"$.tags", "contains", `"z"`, `expected contains "z", got ["x","y"]`},
		{"$.msg", "contains", `"systems"`, ""},
		{"$.obj", "==", `{"a":[1,2.0]}`, ""},
		{"$.obj.a[1]", "==", `2`, ""},
		{"$.obj.a[2]", "==", `2`, "not found"},
		{"$.status.deeper", "==", `1`, "not found"},
		{"$.tags.x", "==", `1`, "not found"},
		{"$[0]", "==", `1`, "not found"},
		{"$.x[", "==", `1`, "invalid path"},
		{"$.status", "~", `"ok"`, `unknown operator "~"`},
		{"$.status", "", `"ok"`, ""}, // no operator means ==
		{"$.status", "", `"down"`, `expected == "down", got "ok"`},
		{"$.msg", "startsWith", `"all "`, ""},
		{"$.msg", "startsWith", `"go"`, `expected startsWith "go", got "all systems go"`},
		{"$.msg", "endsWith", `"go"`, ""},
		{"$.count", "startsWith", `"7"`, ""}, // a number's text as written
		{"$.tags", "endsWith", `"y"`, `expected endsWith "y", got ["x","y"]`},
		{"$.msg", "matches", `"^all\\s+\\w+ go$"`, ""},
		{"$.msg", "matches", `"^none"`, `expected matches "^none", got "all systems go"`},
		{"$.msg", "matches", `"a("`, `invalid pattern "a("`},
	}
	for _, c := range cases {
		a := jsonAssertion{Path: c.path, Operator: c.op, Value: json.RawMessage(c.value)}
		if got := a.check(doc, nil); got != c.want {
			t.Errorf("%s %s %s = %q, want %q", c.path, c.op, c.value, got, c.want)
		}
	}
}

func decodeTestJSON(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(s)))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestParseExpectedStatus(t *testing.T) {
	cases := []struct {
		raw, label string
		pass, fail int
	}{
		{"", "2xx", 204, 301},
		{"null", "2xx", 200, 500},
		{"200", "200", 200, 201},
		{"[200,201]", "200 or 201", 201, 204},
		{"[301]", "301", 301, 302},
		{`"3xx"`, "3xx", 308, 200},
		{`"200-299"`, "200-299", 299, 300},
		{`"404"`, "404", 404, 200},
	}
	for _, c := range cases {
		e, err := parseExpectedStatus(json.RawMessage(c.raw))
		if err != nil || e.label != c.label || !e.match(c.pass) || e.match(c.fail) {
			t.Errorf("parseExpectedStatus(%s) = %q, %v", c.raw, e.label, err)
		}
	}
	for _, raw := range []string{`"abc"`, `"299-200"`, `[]`, `{}`, `true`} {
		if _, err := parseExpectedStatus(json.RawMessage(raw)); err == nil {
			t.Errorf("parseExpectedStatus(%s) accepted", raw)
		}
	}
}

// TestPatternCacheCompilesOnce: a pattern is compiled once and the same
// compiled expression answered after; a bad one answers its error each time.
func TestPatternCacheCompilesOnce(t *testing.T) {
	var c patternCache
	a, err := c.compile(`^v\d+$`)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := c.compile(`^v\d+$`); b != a {
		t.Fatal("the pattern was compiled again")
	}
	for range 2 {
		if _, err := c.compile("a("); err == nil {
			t.Fatal("a bad pattern compiled")
		}
	}
	for i := range maxCachedPatterns + 1 {
		_, _ = c.compile("x" + strconv.Itoa(i))
	}
	if len(c.compiled) > maxCachedPatterns {
		t.Fatalf("%d patterns kept", len(c.compiled))
	}
}
