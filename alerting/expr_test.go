package alerting

import (
	"errors"
	"strings"
	"sync"
	"testing"
)

func intp(v int) *int { return &v }

// Facts of typical results, shared by the tables below.
var (
	factsOK = &Facts{Status: "GREEN", ResponseTimeMS: 120, StatusCode: 200, SSLExpiryDays: intp(90),
		Body: []byte(`{"status":"ok"}`), DNSResolved: true, TCPConnected: true}
	factsSlow = &Facts{Status: "YELLOW", ResponseTimeMS: 6000, StatusCode: 200, SSLExpiryDays: intp(10),
		Body: []byte(`{"status":"ok"}`), DNSResolved: true, TCPConnected: true}
	facts503 = &Facts{Status: "RED", ResponseTimeMS: 300, StatusCode: 503, SSLExpiryDays: intp(90),
		Body: []byte("Service Unavailable"), DNSResolved: true, TCPConnected: true}
	factsTCPDown = &Facts{Status: "RED", DNSResolved: true}
	factsNoDNS   = &Facts{Status: "RED"}
)

func TestEval(t *testing.T) {
	all := []*Facts{factsOK, factsSlow, facts503, factsTCPDown, factsNoDNS}
	tests := []struct {
		src  string
		want [5]bool // for factsOK, factsSlow, facts503, factsTCPDown, factsNoDNS
	}{
		{"response_time > 5000", [5]bool{false, true, false, false, false}},
		{"status_code != 200", [5]bool{false, false, true, true, true}},
		{"ssl_expiry < 14", [5]bool{false, true, false, false, false}},
		{"ssl_expiry != 14", [5]bool{true, true, true, false, false}}, // nil: every comparison false
		{"!(ssl_expiry >= 14)", [5]bool{false, true, false, true, true}},
		{`!body_contains("ok")`, [5]bool{false, false, true, true, true}},
		{`body_contains("\"status\":\"ok\"")`, [5]bool{true, true, false, false, false}},
		{"dns_resolved == false", [5]bool{false, false, false, false, true}},
		{"tcp_connected == false", [5]bool{false, false, false, true, true}},
		{"!tcp_connected && dns_resolved", [5]bool{false, false, false, true, false}},
		{"(status_code >= 500 && status_code < 600) || response_time > 2000", [5]bool{false, true, true, false, false}},
		{`status matches "^(RED|YELLOW)$"`, [5]bool{false, true, true, true, true}},
		{`status matches "^\\w{3}$"`, [5]bool{false, false, true, true, true}},
		{`status startsWith "RE"`, [5]bool{false, false, true, true, true}},
		{`status contains "EE"`, [5]bool{true, false, false, false, false}},
		{`status == "GREEN"`, [5]bool{true, false, false, false, false}},
		{`status != "GREEN" && response_time < 500`, [5]bool{false, false, true, true, true}},
		{"response_time <= 120 || response_time >= 6000", [5]bool{true, true, false, true, true}},
		{"response_time > 119.5 && response_time < 120.5", [5]bool{true, false, false, false, false}},
		{"5000 < response_time", [5]bool{false, true, false, false, false}},
		{"!dns_resolved == false", [5]bool{true, true, true, true, false}}, // ! binds tighter
		{"(dns_resolved == true) != tcp_connected", [5]bool{false, false, false, true, false}},
		{"dns_resolved || tcp_connected && false", [5]bool{true, true, true, true, false}},
		{"true", [5]bool{true, true, true, true, true}},
		{"!!false", [5]bool{false, false, false, false, false}},
	}
	for _, tt := range tests {
		e, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		for i, f := range all {
			if got := e.Eval(f); got != tt.want[i] {
				t.Errorf("%q on facts #%d = %v, want %v", tt.src, i, got, tt.want[i])
			}
		}
	}
}

func TestEvalNeverPanics(t *testing.T) {
	e, _ := Parse("dns_resolved == false")
	var zero Expr
	var nilExpr *Expr
	if e.Eval(nil) || zero.Eval(factsOK) || nilExpr.Eval(factsOK) || nilExpr.String() != "" {
		t.Error("nil facts, zero Expr and nil Expr must evaluate to false")
	}
	if !e.Eval(&Facts{}) {
		t.Error("zero Facts: dns_resolved is false")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		src string
		pos int
		msg string
	}{
		{"", 0, "empty expression"},
		{" \t\n", 0, "empty expression"},
		{"(status_code >= 500", 19, "expected ')', found end of expression"},
		{"(status_code >= 500 dns_resolved)", 20, "expected ')', found 'dns_resolved'"},
		{"response_time > 1)", 17, "unmatched ')'"},
		{"response_time >", 15, "expected an identifier, a value or '(', found end of expression"},
		{"&& dns_resolved", 0, "expected an identifier, a value or '(', found '&&'"},
		{"response_time > 1 and dns_resolved", 18, "expected an operator, found 'and'; did you mean &&?"},
		{`status startswith "RE"`, 7, "expected an operator, found 'startswith'; did you mean startsWith?"},
		{"dns_resolved tcp_connected", 13, "expected an operator, found 'tcp_connected'"},
		{"status_code == 200 == true", 19, "comparisons cannot be chained; use && or parentheses"},
		{"response_time = 1", 14, "unexpected '='; use == to compare"},
		{"dns_resolved & tcp_connected", 13, "unexpected '&'; use && for and"},
		{"dns_resolved | tcp_connected", 13, "unexpected '|'; use || for or"},
		{"response_time @ 1", 14, "unexpected character '@'"},
		{"response_time > 1.", 18, "expected a digit after '.'"},
		{"response_time > " + strings.Repeat("9", 400), 16, "number out of range"},
		{`status == "RED`, 10, "unterminated string"},
		{`status == "RED\`, 10, "unterminated string"},
		{`status == "R\qED"`, 12, `invalid escape \q in string; allowed: \" \\ \n \t (a regular expression's \q is written \\q)`},
		{`status matches "^\w+$"`, 17, `invalid escape \w in string; allowed: \" \\ \n \t (a regular expression's \w is written \\w)`},
		{"status == \"R\tED\"", 12, `control character '\t' in string; write newlines and tabs as \n and \t`},
		{"status == \"\xff\"", 11, "invalid UTF-8 in string"},
		{"\xff", 0, "invalid UTF-8"},
		// Names.
		{"foo > 1", 0, `unknown identifier "foo"; use one of response_time, status_code, ssl_expiry, dns_resolved, tcp_connected, status or body_contains("text")`},
		{`body contains "ok"`, 0, `unknown identifier "body"; use one of response_time, status_code, ssl_expiry, dns_resolved, tcp_connected, status or body_contains("text")`},
		{`body_matches("ok")`, 0, `unknown function "body_matches"; the only function is body_contains("text")`},
		{`status("x")`, 0, `status is not a function; the only function is body_contains("text")`},
		{"!body_contains", 1, `body_contains is a function: write body_contains("text")`},
		{"body_contains(ok)", 14, `body_contains needs one non-empty string, e.g. body_contains("ok")`},
		{`body_contains("")`, 14, `body_contains needs one non-empty string, e.g. body_contains("ok")`},
		{`body_contains("a", "b")`, 17, "unexpected character ','"},
		// Types.
		{`response_time contains "x"`, 14, "contains needs strings, but response_time is a number"},
		{"dns_resolved > 3", 13, "> needs numbers, but dns_resolved is a boolean"},
		{`status >= "A"`, 7, ">= needs numbers, but status is a string"},
		{"(response_time > 1) > 1", 20, "> needs numbers, but the left side is a condition"},
		{"status == 200", 7, "== cannot compare status (a string) with 200 (a number)"},
		{"status == (status_code < 3)", 7, "== cannot compare status (a string) with a condition"},
		{"!status_code", 0, "! needs a condition, but status_code is a number"},
		{"response_time && dns_resolved", 14, "&& needs conditions, but response_time is a number"},
		{"dns_resolved || 5", 13, "|| needs conditions, but 5 is a number"},
		{"status_code", 0, "expected a condition, but status_code is a number"},
		{`("GREEN")`, 1, `expected a condition, but "GREEN" is a string`},
		{`response_time matches "x"`, 14, "matches needs a string on the left, but response_time is a number"},
		{`status matches status`, 15, `matches needs a regular expression in a string literal, e.g. status matches "^(RED|YELLOW)$"`},
		{`status matches "(RED"`, 15, "invalid regular expression: missing closing )"},
		{`status matches "a**"`, 15, "invalid regular expression: invalid nested repetition operator"},
		{`status matches "(x{30}){30}"`, 15, "regular expression too large"},
		{`status matches "(x{30}){15}" || status matches "(x{30}){15}"`, 47, "regular expression too large"}, // one budget per expression
	}
	for _, tt := range tests {
		e, err := Parse(tt.src)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) = %v, %v; want a *ParseError", tt.src, e, err)
			continue
		}
		if pe.Pos != tt.pos || pe.Msg != tt.msg {
			t.Errorf("Parse(%q):\n got  %d %q\n want %d %q", tt.src, pe.Pos, pe.Msg, tt.pos, tt.msg)
		}
	}
}

func TestParseErrorFormat(t *testing.T) {
	_, err := Parse("(status_code >= 500")
	if got, want := err.Error(), "at position 19: expected ')', found end of expression"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestString(t *testing.T) {
	tests := []struct{ src, want string }{
		{"response_time>5000", "response_time > 5000"},
		{"  status_code  !=200 ", "status_code != 200"},
		{"(status_code >= 500 && status_code < 600) || response_time > 2000", "status_code >= 500 && status_code < 600 || response_time > 2000"},
		{"(dns_resolved || tcp_connected) && !(status_code == 200)", "(dns_resolved || tcp_connected) && !(status_code == 200)"},
		{"dns_resolved && (tcp_connected && (true))", "dns_resolved && tcp_connected && true"},
		{"((dns_resolved))", "dns_resolved"},
		{"!(!dns_resolved)", "!!dns_resolved"},
		{"(!dns_resolved) == false", "!dns_resolved == false"},
		{"(dns_resolved == true) == false", "(dns_resolved == true) == false"},
		{"response_time > 007.50", "response_time > 7.5"},
		{"response_time > 1.0", "response_time > 1"},
		{`body_contains("say \"hi\"\n\t\\")`, `body_contains("say \"hi\"\n\t\\")`},
		{`status matches "^(RED|YELLOW)$"`, `status matches "^(RED|YELLOW)$"`},
		{`status == "é✓"`, `status == "é✓"`},
	}
	for _, tt := range tests {
		e, err := Parse(tt.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.src, err)
			continue
		}
		if got := e.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.src, got, tt.want)
		}
		checkRoundTrip(t, e)
	}
}

// checkRoundTrip asserts that the canonical form parses to itself.
func checkRoundTrip(t *testing.T, e *Expr) {
	t.Helper()
	again, err := Parse(e.String())
	if err != nil {
		t.Fatalf("canonical form %q does not parse: %v", e.String(), err)
	}
	if again.String() != e.String() {
		t.Fatalf("canonical form not stable: %q then %q", e.String(), again.String())
	}
}

func TestLimits(t *testing.T) {
	pad := func(n int) string { return "dns_resolved" + strings.Repeat(" ", n-len("dns_resolved")) }
	if _, err := Parse(pad(maxExprLen)); err != nil {
		t.Errorf("%d bytes: %v", maxExprLen, err)
	}
	wantErr(t, pad(maxExprLen+1), maxExprLen, "expression longer than 1024 bytes")

	nest := func(n int) string { return strings.Repeat("(", n) + "dns_resolved" + strings.Repeat(")", n) }
	if _, err := Parse(nest(maxExprDepth)); err != nil {
		t.Errorf("depth %d: %v", maxExprDepth, err)
	}
	wantErr(t, nest(maxExprDepth+1), maxExprDepth, "nesting deeper than 32 levels")
	wantErr(t, strings.Repeat("!", maxExprDepth+1)+"dns_resolved", maxExprDepth, "nesting deeper than 32 levels")
	wantErr(t, strings.Repeat("!(", 17)+"dns_resolved"+strings.Repeat(")", 17), 32, "nesting deeper than 32 levels")

	// Short spacing that the canonical form widens past the limit.
	terse := "dns_resolved" + strings.Repeat("&&dns_resolved", 72) // 1020 bytes
	wantErr(t, terse, 0, "expression longer than 1024 bytes once written in canonical form")
}

func wantErr(t *testing.T, src string, pos int, msg string) {
	t.Helper()
	_, err := Parse(src)
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Pos != pos || pe.Msg != msg {
		t.Errorf("Parse(%.40q...) = %v; want at position %d: %s", src, err, pos, msg)
	}
}

func TestEvalConcurrent(t *testing.T) {
	e, err := Parse(`(status_code >= 500 && status_code < 600) || status matches "^(RED|YELLOW)$" || !body_contains("ok")`)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[*Facts]bool{factsOK: false, factsSlow: true, facts503: true, factsTCPDown: true}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				for f, want := range cases {
					if e.Eval(f) != want {
						t.Errorf("Eval = %v, want %v", !want, want)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
