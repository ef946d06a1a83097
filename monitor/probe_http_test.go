package monitor

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// httpTestMux is the HTTP probe's loopback server: one path per behaviour.
func httpTestMux(refusedAddr string) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "all ok") })
	mux.HandleFunc("/created", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusCreated) })
	mux.HandleFunc("/down", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "error: database down")
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(100 * time.Millisecond)
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/json", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"status":"degraded","checks":{"db":{"latency_ms":12}},"items":[{"name":"a"}],"tags":["x","y"]}`)
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		headers := map[string]string{}
		for k := range r.Header {
			headers[k] = r.Header.Get(k)
		}
		json.NewEncoder(w).Encode(map[string]any{"method": r.Method, "body": string(body), "host": r.Host, "headers": headers})
	})
	mux.HandleFunc("/redirect/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		next := "/ok"
		if n > 1 {
			next = "/redirect/" + strconv.Itoa(n-1)
		}
		http.Redirect(w, r, next, http.StatusFound)
	})
	mux.HandleFunc("/to-ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://127.0.0.1/file", http.StatusFound)
	})
	mux.HandleFunc("/to-refused", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+refusedAddr+"/", http.StatusFound)
	})
	gzipped := func(text string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
				io.WriteString(w, text)
				return
			}
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			io.WriteString(zw, text)
			zw.Close()
		}
	}
	mux.HandleFunc("/gzip", gzipped("compressed ok"))
	mux.HandleFunc("/big", gzipped(strings.Repeat("a", 2<<20)+"needle"))
	return mux
}

func TestProbeHTTP(t *testing.T) {
	refusedAddr := closedLoopbackAddr(t)
	srv := httptest.NewServer(httpTestMux(refusedAddr))
	defer srv.Close()
	echo := func(path, want string) string {
		return fmt.Sprintf(`{"path":%q,"operator":"==","value":%q}`, path, want)
	}
	cases := []struct {
		name, path, options string
		headers             map[string]string
		auth                *Credentials
		timeout             time.Duration
		status, err         string
		code                int
		body                string // exact Result.Body when set
		internal            bool
	}{
		{name: "any 2xx", path: "/ok", status: StatusGreen, code: 200, body: "all ok"},
		{name: "list of codes", path: "/created", options: `{"expected_status":[200,201]}`, status: StatusGreen, code: 201},
		{name: "down", path: "/down", status: StatusRed, err: "expected status 2xx, got 503", code: 503, body: "error: database down"},
		{name: "one code", path: "/created", options: `{"expected_status":200}`, status: StatusRed, err: "expected status 200, got 201", code: 201},
		{name: "list missed", path: "/down", options: `{"expected_status":[200,201,204]}`, status: StatusRed, err: "expected status 200, 201 or 204, got 503", code: 503},
		{name: "range", path: "/down", options: `{"expected_status":"500-599"}`, status: StatusGreen, code: 503},
		{name: "class", path: "/down", options: `{"expected_status":"2xx"}`, status: StatusRed, err: "expected status 2xx, got 503", code: 503},
		{name: "keyword found", path: "/ok", options: `{"body_contains":"ok"}`, status: StatusGreen, code: 200},
		{name: "keyword missing", path: "/created", options: `{"body_contains":"ok"}`, status: StatusRed, err: `keyword "ok" not found`, code: 201},
		{name: "forbidden keyword", path: "/down", options: `{"expected_status":503,"body_not_contains":"error"}`, status: StatusRed, err: `keyword "error" found`, code: 503},
		{name: "regex", path: "/ok", options: `{"body_regex":"^all o+k$"}`, status: StatusGreen, code: 200},
		{name: "regex missed", path: "/ok", options: `{"body_regex":"^up$"}`, status: StatusRed, err: "body does not match /^up$/", code: 200},
		{name: "json_path holds", path: "/json", options: `{"json_path":[{"path":"$.checks.db.latency_ms","operator":"<","value":100},{"path":"$.items[0]['name']","operator":"==","value":"a"},{"path":"$.tags","operator":"contains","value":"y"}]}`, status: StatusGreen, code: 200},
		{name: "json_path fails", path: "/json", options: `{"json_path":[{"path":"$.status","operator":"==","value":"ok"}]}`, status: StatusRed, err: `json_path $.status: expected == "ok", got "degraded"`, code: 200},
		{name: "json_path missing", path: "/json", options: `{"json_path":[{"path":"$.items[3].name","operator":"==","value":"a"}]}`, status: StatusRed, err: `json_path $.items[3].name: not found`, code: 200},
		{name: "json_path on text", path: "/ok", options: `{"json_path":[{"path":"$.status","operator":"==","value":"ok"}]}`, status: StatusRed, err: `json_path $.status: response is not JSON`, code: 200},
		{name: "request built from options", path: "/echo", code: 200, status: StatusGreen,
			options: `{"method":"POST","body":"ping","headers":{"X-Api-Key":"********","Host":"********"},"json_path":[` +
				echo("$.method", "POST") + `,` + echo("$.body", "ping") + `,` + echo("$.host", "status.example") + `,` +
				echo("$.headers['X-Api-Key']", "s3cret") + `,` + echo("$.headers['User-Agent']", "AlertifyPro/test") + `]}`,
			headers: map[string]string{"X-Api-Key": "s3cret", "Host": "status.example"}},
		{name: "basic auth", path: "/echo", options: `{"json_path":[` + echo("$.headers.Authorization", "Basic dTpw") + `]}`,
			auth: &Credentials{Type: "basic", Username: "u", Password: "p"}, status: StatusGreen, code: 200},
		{name: "bearer auth", path: "/echo", options: `{"json_path":[` + echo("$.headers.Authorization", "Bearer tok") + `]}`,
			auth: &Credentials{Type: "bearer", Token: "tok"}, status: StatusGreen, code: 200},
		{name: "header auth", path: "/echo", options: `{"json_path":[` + echo("$.headers['X-Token']", "t0k") + `]}`,
			auth: &Credentials{Type: "header", Name: "X-Token", Value: "t0k"}, status: StatusGreen, code: 200},
		{name: "HEAD", path: "/ok", options: `{"method":"HEAD"}`, status: StatusGreen, code: 200, body: ""},
		{name: "5 redirects", path: "/redirect/5", status: StatusGreen, code: 200, body: "all ok"},
		{name: "6 redirects", path: "/redirect/6", status: StatusRed, err: "stopped after 5 redirects", code: 302},
		{name: "redirect not followed", path: "/redirect/1", options: `{"follow_redirects":false}`, status: StatusRed, err: "expected status 2xx, got 302", code: 302},
		{name: "redirect expected", path: "/redirect/1", options: `{"follow_redirects":false,"expected_status":"3xx"}`, status: StatusGreen, code: 302},
		{name: "redirect to ftp", path: "/to-ftp", status: StatusRed, err: `redirect to unsupported scheme "ftp"`, code: 302},
		{name: "redirect to a refused address", path: "/to-refused", status: StatusRed, err: refusedErr{}.Error(), internal: true},
		{name: "gzip decoded by the transport", path: "/gzip", options: `{"body_contains":"compressed ok"}`, status: StatusGreen, code: 200, body: "compressed ok"},
		{name: "gzip asked for by a header", path: "/gzip", options: `{"headers":{"Accept-Encoding":"********"},"body_contains":"compressed ok"}`,
			headers: map[string]string{"Accept-Encoding": "gzip"}, status: StatusGreen, code: 200, body: "compressed ok"},
		{name: "1 MiB cap after decompression", path: "/big", options: `{"body_contains":"needle"}`, status: StatusRed, err: `keyword "needle" not found`, code: 200},
		{name: "slow", path: "/slow", status: StatusYellow, err: "slow response: …", code: 200},
		{name: "timeout", path: "/hang", timeout: 100 * time.Millisecond, status: StatusRed, err: "timeout after 100ms"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := loopbackEnv(t)
			dial := env.Dial
			env.Dial = func(ctx context.Context, network, address string) (net.Conn, error) {
				if address == refusedAddr {
					return nil, fmt.Errorf("dial: %w", refusedErr{})
				}
				return dial(ctx, network, address)
			}
			// Only the "slow" case (a 100 ms handler) tests the degraded threshold; every other
			// case gets a threshold no loaded CI machine reaches, so none turns YELLOW by chance.
			threshold := 5 * time.Second
			if c.path == "/slow" {
				threshold = 50 * time.Millisecond
			}
			tgt := &Target{CheckType: "HTTP", Endpoint: srv.URL + c.path, Timeout: c.timeout,
				DegradedThreshold: threshold, Headers: c.headers, Auth: c.auth}
			if c.options != "" {
				tgt.Options = []byte(c.options)
			}
			r := runNetProbe(probeHTTP, env, tgt)
			checkNetResult(t, r, c.status, c.err)
			if r.StatusCode != c.code || r.Internal != c.internal || r.Certificate != nil {
				t.Errorf("result = %+v, want code %d, Internal %v", r, c.code, c.internal)
			}
			if c.body != "" && string(r.Body) != c.body {
				t.Errorf("body = %q, want %q", r.Body, c.body)
			}
			if c.path == "/big" && len(r.Body) != maxHTTPBody {
				t.Errorf("body length %d, want %d", len(r.Body), maxHTTPBody)
			}
		})
	}
}

func TestProbeHTTPUnreachable(t *testing.T) {
	r := runNetProbe(probeHTTP, loopbackEnv(t), &Target{Endpoint: "http://" + closedLoopbackAddr(t) + "/"})
	checkNetResult(t, r, StatusRed, "connection refused")
	r = runNetProbe(probeHTTP, refusingEnv(t), &Target{Endpoint: "http://127.0.0.1:1/"})
	if checkNetResult(t, r, StatusRed, refusedErr{}.Error()); !r.Internal {
		t.Errorf("egress refusal = %+v, want Internal", r)
	}
}

func TestRedirectPolicyDropsHeaderCredential(t *testing.T) {
	policy := redirectPolicy(true, &Credentials{Type: "header", Name: "X-Token", Value: "t"})
	first, _ := http.NewRequest("GET", "https://status.example/health", nil)
	for url, keep := range map[string]bool{"https://status.example/v2": true, "https://elsewhere.example/": false} {
		next, _ := http.NewRequest("GET", url, nil)
		next.Header.Set("X-Token", "t")
		if err := policy(next, []*http.Request{first}); err != nil {
			t.Fatal(err)
		}
		if got := next.Header.Get("X-Token") != ""; got != keep {
			t.Errorf("redirect to %s: header kept = %v, want %v", url, got, keep)
		}
	}
}
