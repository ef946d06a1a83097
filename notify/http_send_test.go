package notify

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/egress"
)

func testPoster(d Deps) channelPoster {
	p := newChannelPoster("test", d)
	p.now = func() time.Time { return channelsNow }
	return p
}

func TestHTTPStatusClassification(t *testing.T) {
	r := newHookReceiver(t, false)
	p := testPoster(r.deps())
	cases := []struct {
		status        int
		ok, permanent bool
	}{
		{200, true, false}, {201, true, false}, {202, true, false}, {204, true, false},
		{400, false, true}, {401, false, true}, {403, false, true}, {404, false, true},
		{410, false, true}, {413, false, true}, {422, false, true},
		{408, false, false}, {429, false, false}, {500, false, false}, {502, false, false},
		{503, false, false}, {504, false, false}, {409, false, false},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			r.respond(tc.status, `{"answer":true}`, nil)
			a, err := p.postJSON(t.Context(), r.srv.URL+"/hook", map[string]string{"a": "b"}, nil)
			wantAnswer := `{"answer":true}`
			if tc.status == http.StatusNoContent {
				wantAnswer = ""
			}
			if a.StatusCode != tc.status || a.Response != wantAnswer {
				t.Errorf("attempt = %+v", a)
			}
			if tc.ok {
				if err != nil || a.Permanent {
					t.Fatalf("err = %v, permanent %v; want success", err, a.Permanent)
				}
				return
			}
			de := asDeliveryError(t, err)
			if a.Permanent != tc.permanent || de.Permanent != tc.permanent || de.StatusCode != tc.status {
				t.Fatalf("permanent = %v / %+v, want %v", a.Permanent, de.Attempt, tc.permanent)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("HTTP %d", tc.status)) {
				t.Errorf("error %q does not name the status", err)
			}
		})
	}
}

func TestHTTPRequestShapeAndUserAgent(t *testing.T) {
	r := newHookReceiver(t, false)
	p := testPoster(r.deps())
	if _, err := p.postJSON(t.Context(), r.srv.URL+"/x", map[string]int{"n": 1}, http.Header{"X-Extra": {"1"}}); err != nil {
		t.Fatal(err)
	}
	got := r.last(t)
	if got.Method != "POST" || got.Path != "/x" || string(got.Body) != `{"n":1}` ||
		got.Header.Get("User-Agent") != "AlertifyPro/test" || got.Header.Get("X-Extra") != "1" {
		t.Fatalf("request = %+v", got)
	}
}

func TestHTTPAnswerKeepsFirst500Characters(t *testing.T) {
	r := newHookReceiver(t, false)
	answer := strings.Repeat("é", 480) + strings.Repeat("x", 520) // 1000 characters, 1480 bytes
	r.respond(404, answer, nil)
	a, err := testPoster(r.deps()).postJSON(t.Context(), r.srv.URL, struct{}{}, nil)
	de := asDeliveryError(t, err)
	if !a.Permanent || !de.Permanent || a.StatusCode != 404 {
		t.Fatalf("404: attempt %+v", a)
	}
	if want := strings.Repeat("é", 480) + strings.Repeat("x", 20); a.Response != want || de.Response != want {
		t.Fatalf("Response = %d characters %q…, want the first 500", len([]rune(a.Response)), a.Response[:20])
	}
}

// endlessBody is an answer that never ends, counting what was read of it.
type endlessBody struct{ read int }

func (b *endlessBody) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	b.read += len(p)
	return len(p), nil
}
func (b *endlessBody) Close() error { return nil }

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestHTTPReadsAtMost64KiB(t *testing.T) {
	body := &endlessBody{}
	client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 500, Header: http.Header{}, Body: body, Request: r}, nil
	})}
	a, err := testPoster(Deps{HTTP: client}).postJSON(t.Context(), "https://example.invalid/", 1, nil)
	if err == nil || a.Permanent || len(a.Response) != 500 {
		t.Fatalf("attempt %+v, err %v", a, err)
	}
	if body.read > 64<<10+4096 {
		t.Fatalf("read %d bytes of the answer, want at most 64 KiB", body.read)
	}
}

func TestHTTPRetryAfter(t *testing.T) {
	r := newHookReceiver(t, false)
	p := testPoster(r.deps())
	r.respond(429, "slow down", http.Header{"Retry-After": {"7"}})
	a, err := p.postJSON(t.Context(), r.srv.URL, 1, nil)
	if de := asDeliveryError(t, err); a.RetryAfter != 7*time.Second || de.RetryAfter != 7*time.Second || a.Permanent {
		t.Fatalf("429 Retry-After: 7 → %+v", a)
	}
	r.respond(503, "", http.Header{"Retry-After": {channelsNow.Add(90 * time.Second).Format(http.TimeFormat)}})
	if a, _ := p.postJSON(t.Context(), r.srv.URL, 1, nil); a.RetryAfter != 90*time.Second || a.Permanent {
		t.Fatalf("503 with an HTTP-date Retry-After → %+v", a)
	}
}

func TestParseRetryAfter(t *testing.T) {
	cases := map[string]time.Duration{
		"": 0, "7": 7 * time.Second, " 120 ": 2 * time.Minute, "0": 0, "-5": 0, "soon": 0, "1.5": 0,
		"99999999999999999": maxRetryAfter, "999999999999999999999999": 0,
		channelsNow.Add(time.Minute).Format(http.TimeFormat):    time.Minute,
		channelsNow.Add(-time.Minute).Format(http.TimeFormat):   0,
		channelsNow.Add(72 * time.Hour).Format(http.TimeFormat): maxRetryAfter,
	}
	for in, want := range cases {
		if got := parseRetryAfter(in, channelsNow); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestHTTPConnectionRefusedIsTransientAndHidesURL(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more
	p := testPoster(Deps{HTTP: &http.Client{}})
	a, err := p.postJSON(t.Context(), "http://"+addr+"/services/T000/B000/SECRETPART?token=SECRETQUERY", 1, nil)
	de := asDeliveryError(t, err)
	if a.Permanent || de.Permanent || a.StatusCode != 0 {
		t.Fatalf("connection refused: attempt %+v", a)
	}
	if msg := err.Error(); strings.Contains(msg, "SECRET") || !strings.Contains(msg, addr) {
		t.Fatalf("error %q must name the host and hide path and query", msg)
	}
}

func TestHTTPEgressRefusalIsPermanent(t *testing.T) {
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(context.Context, string, string) (net.Conn, error) {
			return nil, &egress.RefusedError{Target: "127.0.0.1", Reason: "loopback address (EGRESS_POLICY=public)"}
		},
	}}
	a, err := testPoster(Deps{HTTP: client}).postJSON(t.Context(), "http://127.0.0.1:9/hook", 1, nil)
	if !asDeliveryError(t, err).Permanent || !a.Permanent {
		t.Fatalf("egress refusal: attempt %+v, err %v", a, err)
	}
}

func TestHTTPTimeoutFromContext(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		_, _ = io.Copy(io.Discard, req.Body)
		<-release
	}))
	t.Cleanup(srv.Close)
	defer close(release)
	ctx, cancel := context.WithTimeout(t.Context(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	a, err := testPoster(Deps{HTTP: srv.Client()}).postJSON(ctx, srv.URL, 1, nil)
	// The provider never answers: 20 s tells "ended at the context's 150 ms" from "never",
	// with room for a loaded machine.
	if err == nil || a.Permanent || time.Since(start) > 20*time.Second {
		t.Fatalf("slow provider: attempt %+v, err %v after %v", a, err, time.Since(start))
	}
}

func TestHTTPNoClientIsPermanent(t *testing.T) {
	_, err := testPoster(Deps{}).postJSON(t.Context(), "https://example.invalid/", 1, nil)
	if !asDeliveryError(t, err).Permanent {
		t.Fatal("a sender without an HTTP client must fail permanently")
	}
}
