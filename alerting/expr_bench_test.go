package alerting

import (
	"bytes"
	"testing"
)

// The SPEC budget for rule evaluation is 5 µs per result; a condition
// expression should take a small fraction of it and allocate nothing.
//
//	go test ./alerting/ -run '^$' -bench Eval -benchmem

func benchEval(b *testing.B, src string, f *Facts) {
	e, err := Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		e.Eval(f)
	}
	if allocs := testing.AllocsPerRun(100, func() { e.Eval(f) }); allocs != 0 {
		b.Errorf("Eval allocates %v times per call", allocs)
	}
}

// BenchmarkEval measures the typical expression of SPEC §3.9 and the
// string, regular-expression and body operators.
func BenchmarkEval(b *testing.B) {
	body := append(bytes.Repeat([]byte("lorem ipsum "), 1000), []byte(`{"status":"ok"}`)...) // 12 KiB
	page := &Facts{Status: "RED", ResponseTimeMS: 2500, StatusCode: 503, SSLExpiryDays: intp(20), Body: body,
		DNSResolved: true, TCPConnected: true}
	b.Run("typical", func(b *testing.B) {
		benchEval(b, "(status_code >= 500 && status_code < 600) || response_time > 2000", facts503)
	})
	b.Run("simple", func(b *testing.B) {
		benchEval(b, "response_time > 5000", facts503)
	})
	b.Run("ssl_missing", func(b *testing.B) {
		benchEval(b, "ssl_expiry < 14 || !tcp_connected", factsTCPDown)
	})
	b.Run("strings", func(b *testing.B) {
		benchEval(b, `status startsWith "RE" && status != "MAINTENANCE" || status contains "ELL"`, facts503)
	})
	b.Run("matches", func(b *testing.B) {
		benchEval(b, `status matches "^(RED|YELLOW)$" && ssl_expiry < 30`, page)
	})
	b.Run("body_12KiB", func(b *testing.B) {
		benchEval(b, `!body_contains("\"status\":\"ok\"")`, page)
	})
}

// BenchmarkParse measures compiling a rule at save (or load) time.
func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(`(status_code >= 500 && status_code < 600) || response_time > 2000 || status matches "^(RED|YELLOW)$"`); err != nil {
			b.Fatal(err)
		}
	}
}
