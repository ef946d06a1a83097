package egress

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// TestRedirectHopRefused: the public policy allows 127.0.0.1 (Allow) and denies
// 127.0.0.2 (Deny), so both servers are loopback and nothing leaves the machine. A
// redirect from the allowed server to the denied one is refused at the hop, whether the
// hop names a literal (CheckRedirect) or a name resolving to it (the dial).
func TestRedirectHopRefused(t *testing.T) {
	denied, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("cannot listen on 127.0.0.2: %v", err)
	}
	var reached atomic.Int64
	go func() {
		for {
			c, err := denied.Accept()
			if err != nil {
				return
			}
			reached.Add(1)
			c.Close()
		}
	}()
	t.Cleanup(func() { denied.Close() })
	deniedPort := strconv.Itoa(denied.Addr().(*net.TCPAddr).Port)

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/literal":
			http.Redirect(w, r, "http://127.0.0.2:"+deniedPort+"/", http.StatusFound)
		case "/legacy":
			http.Redirect(w, r, "http://2130706434:"+deniedPort+"/", http.StatusFound) // 127.0.0.2
		case "/name":
			http.Redirect(w, r, "http://denied.test:"+deniedPort+"/", http.StatusFound)
		case "/scheme":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		case "/local":
			http.Redirect(w, r, "/ok", http.StatusFound)
		default:
			_, _ = w.Write([]byte("ok"))
		}
	}))
	t.Cleanup(srv.Close)

	dns := startDNS(t, map[string][][]netip.Addr{"denied.test": one(loopback4b)})
	g := guard(t, ModePublic, []string{"127.0.0.1/32"}, []string{"127.0.0.2/32"}, WithResolver(dns.resolver()))

	if body, err := get(t, g, srv.URL+"/local"); err != nil || body != "ok" {
		t.Fatalf("an allowed redirect: %q, %v", body, err)
	}
	for _, path := range []string{"/literal", "/legacy", "/name", "/scheme"} {
		_, err := get(t, g, srv.URL+path)
		if !refused(err) {
			t.Errorf("GET %s = %v, want a refusal at the hop", path, err)
		}
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the denied server was reached %d times", n)
	}
}

func TestCheckRedirectMaxHops(t *testing.T) {
	// /hop/3 → /hop/2 → /hop/1 → /hop/0, which answers: n redirects.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/hop/"))
		if n > 0 {
			http.Redirect(w, r, "/hop/"+strconv.Itoa(n-1), http.StatusFound)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	g := guard(t, ModePrivate, nil, nil)

	tests := []struct {
		max, hops  int
		wantStatus int
		wantErr    string
	}{
		{max: 2, hops: 2, wantStatus: http.StatusOK},
		{max: 2, hops: 3, wantErr: "stopped after 2 redirects"},
		{max: 5, hops: 5, wantStatus: http.StatusOK},
		{max: 5, hops: 6, wantErr: "stopped after 5 redirects"},
		{max: 0, hops: 1, wantStatus: http.StatusFound}, // not following: the redirect itself
	}
	for _, tt := range tests {
		client := &http.Client{Transport: g.Transport(false), CheckRedirect: g.CheckRedirect(tt.max)}
		resp, err := client.Get(srv.URL + "/hop/" + strconv.Itoa(tt.hops))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || refused(err) {
				t.Errorf("max %d, %d hops: err = %v, want %q (not a refusal)", tt.max, tt.hops, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("max %d, %d hops: %v", tt.max, tt.hops, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode != tt.wantStatus {
			t.Errorf("max %d, %d hops: status %d, want %d", tt.max, tt.hops, resp.StatusCode, tt.wantStatus)
		}
	}
}

func TestCheckScheme(t *testing.T) {
	for _, raw := range []string{"http://example.com", "HTTPS://example.com", "ws://example.com/s", "wss://example.com/s"} {
		u, _ := url.Parse(raw)
		if err := CheckScheme(u); err != nil {
			t.Errorf("CheckScheme(%s) = %v", raw, err)
		}
	}
	for _, raw := range []string{"file:///etc/passwd", "ftp://example.com", "gopher://example.com:70/",
		"javascript:alert(1)", "//example.com", "example.com"} {
		u, _ := url.Parse(raw)
		if err := CheckScheme(u); !refused(err) {
			t.Errorf("CheckScheme(%s) = %v, want a refusal", raw, err)
		}
	}
	if err := CheckScheme(nil); !refused(err) {
		t.Errorf("CheckScheme(nil) = %v, want a refusal", err)
	}
	u, _ := url.Parse("ftp://user:secret@example.com/")
	err := CheckScheme(u)
	want := `egress policy refused ftp://user:xxxxx@example.com/: scheme "ftp" not allowed (only http, https, ws, wss)`
	if err == nil || err.Error() != want {
		t.Errorf("CheckScheme error = %v\nwant %s", err, want)
	}
}

func TestTransport(t *testing.T) {
	// An environment proxy must not be used: the request below would fail through it.
	t.Setenv("HTTP_PROXY", "http://127.0.0.1:9")
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:9")
	g := guard(t, ModePrivate, nil, nil)
	verify, skip := g.Transport(false), g.Transport(true)
	if verify != g.Transport(false) || skip != g.Transport(true) {
		t.Error("Transport is not long-lived: a new one per call")
	}
	if verify.Proxy != nil || !verify.ForceAttemptHTTP2 || verify.TLSClientConfig.InsecureSkipVerify {
		t.Errorf("verifying transport: Proxy set %v, HTTP/2 %v, InsecureSkipVerify %v",
			verify.Proxy != nil, verify.ForceAttemptHTTP2, verify.TLSClientConfig.InsecureSkipVerify)
	}
	if !skip.TLSClientConfig.InsecureSkipVerify || skip.Proxy != nil {
		t.Error("the skipping transport verifies certificates or uses a proxy")
	}

	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(r.Proto))
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	for _, tt := range []struct {
		tr     *http.Transport
		wantOK bool
	}{{skip, true}, {verify, false}} {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL, nil)
		resp, err := (&http.Client{Transport: tt.tr}).Do(req)
		if tt.wantOK {
			if err != nil {
				t.Fatalf("skipping transport: %v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != "HTTP/2.0" {
				t.Errorf("protocol %q, want HTTP/2.0 (ForceAttemptHTTP2 with a custom dialer)", body)
			}
			continue
		}
		var certErr *tls.CertificateVerificationError
		if !errors.As(err, &certErr) {
			t.Errorf("verifying transport with a self-signed certificate: %v, want a verification error", err)
		}
	}
}
