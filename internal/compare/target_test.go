package compare

import (
	"net"
	"net/http"
	"sync/atomic"
	"testing"
)

// target is the loopback HTTP server both products check. It counts the requests it
// answers and the connections it accepts, so a check's cost is divided by the checks
// that really happened and "a fresh connection per check" is seen, not assumed.
type target struct {
	addr     string
	requests atomic.Int64
	conns    atomic.Int64
}

// startTarget serves a small 200 on 127.0.0.1 until the test ends.
func startTarget(t *testing.T) *target {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tg := &target{addr: ln.Addr().String()}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			tg.requests.Add(1)
			w.Header().Set("Content-Type", "text/plain")
			_, _ = w.Write([]byte("ok\n"))
		}),
		ConnState: func(_ net.Conn, s http.ConnState) {
			if s == http.StateNew {
				tg.conns.Add(1)
			}
		},
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return tg
}
