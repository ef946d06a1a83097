package api

import (
	"bytes"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"regexp"
	"strconv"
	"strings"
	"testing"

	assets "github.com/alertifypro/alertifypro/embed"
)

// uiAssetPrefix reads the /assets/<hash> prefix out of the served index.html.
func uiAssetPrefix(t *testing.T, html string) string {
	t.Helper()
	m := regexp.MustCompile(`/assets/[0-9a-f]{16}`).FindString(html)
	if m == "" {
		t.Fatalf("index.html names no /assets/<hash>/ prefix:\n%s", html)
	}
	return m
}

func checkUISecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy": uiCSP,
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "strict-origin-when-cross-origin",
	}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
	if csp := h.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") {
		t.Errorf("%s: CSP allows unsafe-inline: %s", what, csp)
	}
}

func TestUIIndexAndFallback(t *testing.T) {
	env := newTestEnv(t)
	for _, p := range []string{"/", "/services/abc", "/alerts?status=open", "/settings/organization"} {
		rec := env.do("GET", p, "", nil)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `<div id="app">`) {
			t.Fatalf("GET %s: %d %s", p, rec.Code, rec.Body.String())
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", p, cc)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("GET %s: Content-Type %q", p, ct)
		}
		checkUISecurityHeaders(t, "GET "+p, rec.Header())
		if strings.Contains(rec.Body.String(), uiAssetPrefixPlaceholder) {
			t.Errorf("GET %s: placeholder left in index.html", p)
		}
		if strings.Contains(rec.Body.String(), "<script>") || regexp.MustCompile(`\son[a-z]+=`).MatchString(rec.Body.String()) {
			t.Errorf("GET %s: inline script or event-handler attribute in index.html", p)
		}
	}
}

func TestUIServerPathsKeepJSON404(t *testing.T) {
	env := newTestEnv(t)
	for _, p := range []string{"/api/v1/nope", "/api/nope", "/status/no-such-page/x", "/metrics/x", "/assets/0000000000000000/app/main.js"} {
		rec := env.do("GET", p, "", nil)
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, rec.Code)
		}
		if strings.HasPrefix(p, "/api") && !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Errorf("GET %s: Content-Type %q, want JSON", p, rec.Header().Get("Content-Type"))
		}
		if strings.Contains(rec.Body.String(), `<div id="app">`) {
			t.Errorf("GET %s: answered the UI shell", p)
		}
	}
	// A write to an unknown path is never the shell either.
	if rec := env.do("POST", "/somewhere", "", nil); rec.Code != http.StatusNotFound {
		t.Errorf("POST /somewhere: %d", rec.Code)
	}
}

func TestUIAssetsImmutable(t *testing.T) {
	env := newTestEnv(t)
	index := env.do("GET", "/", "", nil).Body.String()
	prefix := uiAssetPrefix(t, index)
	if !strings.Contains(index, prefix+"/app/main.js") {
		t.Fatalf("index.html does not load %s/app/main.js", prefix)
	}
	for file, ctype := range map[string]string{
		"/app/main.js":                    "text/javascript",
		"/app/style.css":                  "text/css",
		"/vendor/preact/preact.module.js": "text/javascript",
		"/vendor/uplot/uPlot.min.css":     "text/css",
	} {
		rec := env.do("GET", prefix+file, "", nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", prefix+file, rec.Code)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
			t.Errorf("%s: Cache-Control %q", file, cc)
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, ctype) {
			t.Errorf("%s: Content-Type %q, want %s", file, ct, ctype)
		}
		checkUISecurityHeaders(t, file, rec.Header())
	}
	for _, p := range []string{prefix + "/nope.js", prefix + "/../../api/v1/health", prefix + "/"} {
		if rec := env.do("GET", p, "", nil); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, rec.Code)
		}
	}
}

// TestUIPayloadUnderOneMegabyte keeps the whole UI (app + vendored libraries)
// small: 1 MB uncompressed is its budget. A browser loads one language's catalogue
// (app/i18n/<lang>.json, app/i18n.js), so the catalogues count as the largest of them.
func TestUIPayloadUnderOneMegabyte(t *testing.T) {
	var total, largestCatalogue int64
	catalogues := 0
	err := fs.WalkDir(assets.UI(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if path.Dir(p) == "app/i18n" && path.Ext(p) == ".json" {
			catalogues++
			largestCatalogue = max(largestCatalogue, info.Size())
			return nil
		}
		total += info.Size()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if catalogues < 4 {
		t.Fatalf("%d message catalogues under app/i18n, want en, de, fr and es", catalogues)
	}
	total += largestCatalogue
	t.Logf("UI payload: %d bytes (one catalogue of %d bytes among %d)", total, largestCatalogue, catalogues)
	if total >= 1<<20 {
		t.Fatalf("UI payload %d bytes, budget is < 1 MB", total)
	}
}

// Every relative ES import of the app must name a file that exists: there is no
// bundler to catch a typo, and a broken import blanks the whole page.
func TestUIImportsResolve(t *testing.T) {
	files := assets.UI()
	imp := regexp.MustCompile(`(?m)(?:^|[;\s])(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)`)
	err := fs.WalkDir(files, "app", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".js") {
			return err
		}
		src, err := fs.ReadFile(files, p)
		if err != nil {
			return err
		}
		for _, m := range imp.FindAllStringSubmatch(string(src), -1) {
			rel := m[1] + m[2]
			target := pathJoinDir(p, rel)
			if _, err := fs.Stat(files, target); err != nil {
				t.Errorf("%s imports %s: %s does not exist", p, rel, target)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func pathJoinDir(file, rel string) string {
	dir := file[:strings.LastIndex(file, "/")+1]
	parts := strings.Split(dir+rel, "/")
	var out []string
	for _, s := range parts {
		switch s {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, s)
		}
	}
	return strings.Join(out, "/")
}

// TestUIAssetsPrecompressed: every text asset goes out gzip-compressed to a client that
// accepts gzip (compressed once, then served from memory), decodes to the embedded file,
// and goes out as it is to one that does not; HEAD answers the same headers. It logs
// what the whole UI costs on the wire each way.
func TestUIAssetsPrecompressed(t *testing.T) {
	env := newTestEnv(t)
	prefix := uiAssetPrefix(t, env.do("GET", "/", "", nil).Body.String())
	files := assets.UI()
	var raw, wire int
	err := fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == "index.html" {
			return err
		}
		want, err := fs.ReadFile(files, p)
		if err != nil {
			return err
		}
		plain := env.doWithHeader("GET", prefix+"/"+p, "Accept-Encoding", "")
		if plain.Code != http.StatusOK || plain.Header().Get("Content-Encoding") != "" || !bytes.Equal(plain.Body.Bytes(), want) {
			t.Errorf("%s without gzip: %d, Content-Encoding %q", p, plain.Code, plain.Header().Get("Content-Encoding"))
		}
		zipped := env.doWithHeader("GET", prefix+"/"+p, "Accept-Encoding", "gzip, deflate, br")
		raw, wire = raw+len(want), wire+zipped.Body.Len()
		text := strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".css")
		if !text {
			return nil
		}
		if zipped.Header().Get("Content-Encoding") != "gzip" || zipped.Header().Get("Content-Length") != strconv.Itoa(zipped.Body.Len()) ||
			!strings.Contains(zipped.Header().Get("Vary"), "Accept-Encoding") || zipped.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s with gzip: %v", p, zipped.Header())
			return nil
		}
		if got := gunzip(t, zipped.Body.Bytes()); !bytes.Equal(got, want) {
			t.Errorf("%s: the gzip body does not decode to the file", p)
		}
		head := env.doWithHeader("HEAD", prefix+"/"+p, "Accept-Encoding", "gzip")
		if head.Header().Get("Content-Encoding") != "gzip" || head.Header().Get("Content-Length") != zipped.Header().Get("Content-Length") {
			t.Errorf("HEAD %s: %v", p, head.Header())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("UI assets: %d bytes as they are, %d bytes on the wire with gzip", raw, wire)
	if wire*2 > raw {
		t.Errorf("the UI's assets shrink only from %d to %d bytes with gzip", raw, wire)
	}
}

// doWithHeader sends an anonymous request with one extra header (none when value is "").
func (e *testEnv) doWithHeader(method, path, key, value string) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(method, path, nil)
	if value != "" {
		req.Header.Set(key, value)
	}
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)
	return rec
}
