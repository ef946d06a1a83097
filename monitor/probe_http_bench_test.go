package monitor

import (
	"context"
	"crypto/x509"
	"io"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"
)

// The cost of one HTTP check, the probe alone (no recording), against a
// loopback server in the same process:
//
//	go test ./monitor -run '^$' -bench BenchmarkProbeHTTP -benchmem -count 5
//
// cpu-µs/op is the process's CPU time (user + system, getrusage) per check,
// so it includes the target server's share and the kernel's loopback TCP
// work on both ends; it is a relative figure, for comparing probe changes on
// one machine. Every check opens a fresh connection (and, for HTTPS, makes a
// full handshake: no session resumption).

func BenchmarkProbeHTTP(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(benchOK))
	defer srv.Close()
	benchProbe(b, loopbackEnv(b), &Target{CheckType: "HTTP", Endpoint: srv.URL + "/ok", Timeout: 5 * time.Second})
}

func BenchmarkProbeHTTPS(b *testing.B) {
	srv := httptest.NewTLSServer(http.HandlerFunc(benchOK))
	defer srv.Close()
	env := loopbackEnv(b)
	env.RootCAs = x509.NewCertPool()
	env.RootCAs.AddCert(srv.Certificate())
	benchProbe(b, env, &Target{CheckType: "HTTP", Endpoint: srv.URL + "/ok", Timeout: 5 * time.Second})
}

func benchOK(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "all ok") }

// benchProbe runs the target's probe b.N times and reports CPU per check.
func benchProbe(b *testing.B, env *Env, tgt *Target) {
	probe := ProbeFor(tgt.CheckType)
	b.ReportAllocs()
	cpu := processCPU()
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), tgt.Timeout)
		r := probe(ctx, env, tgt)
		cancel()
		if r.Status != StatusGreen {
			b.Fatalf("check %s: %s", r.Status, r.Error)
		}
	}
	b.ReportMetric(float64((processCPU()-cpu).Microseconds())/float64(b.N), "cpu-µs/op")
}

// processCPU is the CPU time the process has used so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
