package uitest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alertifypro/alertifypro/store"
)

// exchange is one API request the browser made and what the server answered.
type exchange struct {
	path, ifNoneMatch, acceptEncoding string
	status                            int
	contentEncoding                   string
}

// apiRecorder is a loopback reverse proxy in front of the server that notes every API
// exchange, so a test sees what the browser really sent and got, headers included.
type apiRecorder struct {
	mu  sync.Mutex
	log []exchange
}

func newAPIRecorder(t *testing.T, target string) (*apiRecorder, *httptest.Server) {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	rec := &apiRecorder{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(res *http.Response) error {
		if strings.HasPrefix(res.Request.URL.Path, "/api/") {
			rec.mu.Lock()
			rec.log = append(rec.log, exchange{path: res.Request.URL.Path, ifNoneMatch: res.Request.Header.Get("If-None-Match"),
				acceptEncoding: res.Request.Header.Get("Accept-Encoding"), status: res.StatusCode,
				contentEncoding: res.Header.Get("Content-Encoding")})
			rec.mu.Unlock()
		}
		return nil
	}
	srv := httptest.NewServer(proxy) // 127.0.0.1
	t.Cleanup(srv.Close)
	return rec, srv
}

func (r *apiRecorder) exchanges(path string) []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []exchange
	for _, e := range r.log {
		if e.path == path {
			out = append(out, e)
		}
	}
	return out
}

// TestDashboardPollsRevalidate: the dashboard's 5-second poll sends back the ETag of the
// previous answer (the browser does it: app/api.js calls fetch with the default cache
// mode and the API answers reads with "private, no-cache" and an ETag), the server answers
// 304 while nothing changed, and the page keeps showing its rows. The list comes compressed.
func TestDashboardPollsRevalidate(t *testing.T) {
	srv := startServer(t, serverOptions{}) // no checks run: nothing changes between polls
	token, orgID, orgSlug := registerViaAPI(t, srv, "Ada", "ada@example.com", "correct horse battery")
	if _, err := srv.DB.UpdateOrganization(orgID, func(o *store.Organization) error { o.MaxServices = -1; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	for i := range 12 { // a list over a kilobyte, so it is compressed
		s := &store.Service{Name: fmt.Sprintf("shop-%02d", i), Endpoint: fmt.Sprintf("https://shop-%02d.example.com/health", i),
			CheckType: "HTTP", CheckIntervalSeconds: 60, TimeoutSeconds: 10, Status: "GREEN", DegradedThresholdMS: 1000}
		if err := srv.DB.CreateService(orgID, s, nil); err != nil {
			t.Fatal(err)
		}
	}
	rec, proxy := newAPIRecorder(t, srv.URL)
	viaProxy := *srv
	viaProxy.URL = proxy.URL

	b := newBrowser(t, &viaProxy, 60*time.Second)
	b.open("/login")
	evalJS[bool](b, fmt.Sprintf(`localStorage.setItem('alertifypro.token', %q); localStorage.setItem('alertifypro.org', %q); true`, token, orgSlug))
	b.open("/")
	b.waitFor("12 rows", `document.querySelectorAll('table.services tbody tr').length === 12`, 15*time.Second)
	// Two more polls (5 s apart): each revalidates the list and the overview.
	deadline := time.Now().Add(30 * time.Second)
	for len(revalidated(rec.exchanges("/api/v1/services"))) < 2 || len(revalidated(rec.exchanges("/api/v1/metrics"))) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("no revalidated polls within 30 s: /services %+v, /metrics %+v",
				rec.exchanges("/api/v1/services"), rec.exchanges("/api/v1/metrics"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if n := evalJS[float64](b, `document.querySelectorAll('table.services tbody tr').length`); n != 12 {
		t.Errorf("after 304 answers the dashboard shows %v rows, want 12", n)
	}
	// Chromium offers zstd (and gzip): the list comes in one of them, and the page read it.
	first := rec.exchanges("/api/v1/services")[0]
	if first.status != http.StatusOK || (first.contentEncoding != "zstd" && first.contentEncoding != "gzip") || first.ifNoneMatch != "" {
		t.Errorf("first list request: %+v; want 200, compressed, without If-None-Match", first)
	}
}

// revalidated keeps the exchanges that sent If-None-Match and got 304.
func revalidated(ex []exchange) []exchange {
	var out []exchange
	for _, e := range ex {
		if e.ifNoneMatch != "" && e.status == http.StatusNotModified {
			out = append(out, e)
		}
	}
	return out
}
