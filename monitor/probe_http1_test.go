package monitor

import (
	"bufio"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// rawHTTPServer answers every connection on loopback with answer (written as is once
// the request's head has arrived, nothing if empty) and closes it. It returns its URL
// and a function giving the last request head it read.
func rawHTTPServer(t *testing.T, answer string) (url string, lastRequest func() string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var last string
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			var head strings.Builder
			br := bufio.NewReader(c)
			for {
				line, err := br.ReadString('\n')
				head.WriteString(line)
				if err != nil || line == "\r\n" {
					break
				}
			}
			mu.Lock()
			last = head.String()
			mu.Unlock()
			c.Write([]byte(answer))
			c.Close()
		}
	}()
	return "http://" + ln.Addr().String() + "/health", func() string { mu.Lock(); defer mu.Unlock(); return last }
}

// TestProbeHTTPPlainConnection covers what the plain-HTTP path (roundTripHTTP1) does
// itself rather than through net/http's transport: the request it writes, interim 1xx
// answers, a server that closes without answering, an endless response head, and the
// first-byte timing.
func TestProbeHTTPPlainConnection(t *testing.T) {
	env := loopbackEnv(t)
	env.UserAgent = "AlertifyPro/test"
	probe := ProbeFor("HTTP")
	run := func(url string) Result {
		return runNetProbe(probe, env, &Target{CheckType: "HTTP", Endpoint: url, DegradedThreshold: 5 * time.Second})
	}

	url, last := rawHTTPServer(t, "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"+
		"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nall ok")
	r := run(url)
	checkNetResult(t, r, StatusGreen, "")
	if r.StatusCode != http.StatusOK || string(r.Body) != "all ok" {
		t.Errorf("after a 103: code %d body %q, want 200 \"all ok\"", r.StatusCode, r.Body)
	}
	if r.Timings.Connect <= 0 || r.Timings.FirstByte <= 0 || r.Timings.TLS != 0 {
		t.Errorf("timings %+v: want connect and first byte, no TLS", r.Timings)
	}
	head := last()
	for _, want := range []string{"GET /health HTTP/1.1\r\n", "Host: 127.0.0.1:", "User-Agent: AlertifyPro/test\r\n",
		"Connection: close\r\n", "Accept-Encoding: gzip\r\n"} {
		if !strings.Contains(head, want) {
			t.Errorf("request head lacks %q:\n%s", want, head)
		}
	}

	url, _ = rawHTTPServer(t, "")
	checkNetResult(t, run(url), StatusRed, "connection closed by the server")

	url, _ = rawHTTPServer(t, "HTTP/1.1 200 OK\r\nX-Big: "+strings.Repeat("a", maxResponseHeader)+"\r\n\r\n")
	checkNetResult(t, run(url), StatusRed, "server response headers exceeded 262144 bytes")

	// A body ending with the connection (no length, not chunked) is read to its end.
	url, _ = rawHTTPServer(t, "HTTP/1.1 200 OK\r\n\r\nuntil close")
	if r := run(url); r.Status != StatusGreen || string(r.Body) != "until close" {
		t.Errorf("body until close: %s %q", r.Status, r.Body)
	}
}
