package alerting

import (
	"errors"
	"testing"
	"time"
)

// FuzzParse feeds arbitrary bytes to Parse. Whatever comes in, Parse must
// return quickly without panicking; an error must be a *ParseError pointing
// inside the input; an accepted expression must evaluate without panicking
// and its canonical form must parse again to the same canonical form.
//
//	go test ./alerting/ -run '^$' -fuzz FuzzParse -fuzztime 45s
func FuzzParse(f *testing.F) {
	seeds := []string{
		"response_time > 5000",
		"status_code != 200",
		"ssl_expiry < 14",
		`!body_contains("ok")`,
		"dns_resolved == false",
		"tcp_connected == false",
		"(status_code >= 500 && status_code < 600) || response_time > 2000",
		`status matches "^(RED|YELLOW)$"`,
		`status startsWith "RE" && !(status contains "EEN")`,
		`body_contains("say \"hi\"\n\t\\")`,
		"(dns_resolved == true) == !tcp_connected",
		"response_time > 007.50 || 1 < 2",
		"!!((((dns_resolved))))",
		`status matches "(x{30}){15}"`,
		"status_code == 200 == true",
		"response_time = 1 & 2 | 3",
		"(status_code >= 500",
		`status == "\q`,
		"\xff\x00",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	facts := []*Facts{factsOK, factsSlow, facts503, factsTCPDown, factsNoDNS, {}}
	f.Fuzz(func(t *testing.T, src string) {
		start := time.Now()
		e, err := Parse(src)
		// Parse is linear in its bounded input: microseconds. A second
		// leaves room for a loaded machine and the race detector.
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Parse(%q) took %v", src, d)
		}
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%q): error %T is not a *ParseError", src, err)
			}
			if pe.Pos < 0 || pe.Pos > len(src) || pe.Msg == "" {
				t.Fatalf("Parse(%q): bad error %q at %d", src, pe.Msg, pe.Pos)
			}
			return
		}
		for _, fa := range facts {
			e.Eval(fa)
		}
		canon := e.String()
		again, err := Parse(canon)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its canonical form %q fails: %v", src, canon, err)
		}
		if again.String() != canon {
			t.Fatalf("canonical form of %q not stable: %q then %q", src, canon, again.String())
		}
		for _, fa := range facts {
			if e.Eval(fa) != again.Eval(fa) {
				t.Fatalf("%q and its canonical form %q disagree on %+v", src, canon, fa)
			}
		}
	})
}
