package api

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// wireBudget is the most GET /services?limit=1000 may send with gzip offered.
const wireBudget = 150 << 10

// TestServiceListOnTheWire: the dashboard's largest poll, 1 000 services, over real
// loopback HTTP. Offered gzip and br (as the issue measured it) it sends at most 150 KB of
// gzip; offered zstd it sends zstd, smaller still; offered nothing, the same JSON as is.
// Every variant says Vary: Accept-Encoding and decodes to the identical body.
func TestServiceListOnTheWire(t *testing.T) {
	e, u := thousandServices(t)
	srv := httptest.NewServer(e.router)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}} // count what is sent
	get := func(acceptEncoding string) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+"/api/v1/services?limit=1000", nil)
		req.Header.Set("Authorization", "Bearer "+u.Token)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET with Accept-Encoding %q: %d %v", acceptEncoding, res.StatusCode, err)
		}
		if !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("Accept-Encoding %q: Vary %q", acceptEncoding, res.Header.Get("Vary"))
		}
		return res, body
	}

	res, plain := get("")
	if res.Header.Get("Content-Encoding") != "" || len(plain) < 500_000 || !bytes.HasPrefix(plain, []byte(`[{"id":`)) {
		t.Fatalf("identity: Content-Encoding %q, %d bytes (a list of 1 000 services is over 500 KB)",
			res.Header.Get("Content-Encoding"), len(plain))
	}
	res, gz := get("gzip, deflate, br")
	if res.Header.Get("Content-Encoding") != "gzip" || len(gz) > wireBudget {
		t.Fatalf("gzip and br offered: Content-Encoding %q, %d bytes on the wire (budget %d)",
			res.Header.Get("Content-Encoding"), len(gz), wireBudget)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(zr); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("gzip body does not decode to the identity body (%v)", err)
	}
	res, zs := get("gzip, deflate, br, zstd")
	if res.Header.Get("Content-Encoding") != "zstd" || len(zs) >= len(gz) {
		t.Fatalf("zstd offered: Content-Encoding %q, %d bytes (gzip %d)", res.Header.Get("Content-Encoding"), len(zs), len(gz))
	}
	zd, err := zstd.NewReader(bytes.NewReader(zs))
	if err != nil {
		t.Fatal(err)
	}
	defer zd.Close()
	if got, err := io.ReadAll(zd); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("zstd body does not decode to the identity body (%v)", err)
	}
	t.Logf("GET /services?limit=1000, %d services: %d B identity, %d B gzip, %d B zstd", wireServices, len(plain), len(gz), len(zs))
}
