package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// getIfNoneMatch sends GET path with token and, when set, If-None-Match and Accept-Encoding.
func (e *testEnv) getIfNoneMatch(path, token, ifNoneMatch, acceptEncoding string) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.getWithHeaders(path, "Authorization", "Bearer "+token,
		"If-None-Match", ifNoneMatch, "Accept-Encoding", acceptEncoding)
}

// getWithHeaders sends GET path from the harness's usual client address with the given
// header name/value pairs; a pair with an empty value is left out.
func (e *testEnv) getWithHeaders(path string, pairs ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.RemoteAddr = "192.0.2.10:40000"
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			req.Header.Set(pairs[i], pairs[i+1])
		}
	}
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)
	return rec
}

// TestPollsRevalidate: a JSON read carries a weak ETag and Cache-Control private,
// no-cache; sending the tag back gets 304 with no body while nothing changed (whatever the
// request ID and rate-limit counters say), and 200 with a new tag once something did.
func TestPollsRevalidate(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	svc := e.mustCreateService(u.Token, map[string]any{"name": "Main", "endpoint": "https://example.com", "check_type": "HTTP"})
	id := svc["id"].(string)

	for _, path := range []string{"/api/v1/services/" + id, "/api/v1/services?limit=1000", "/api/v1/metrics", "/api/v1/alert-rules"} {
		first := e.getIfNoneMatch(path, u.Token, "", "")
		tag := first.Header().Get("ETag")
		if first.Code != http.StatusOK || !strings.HasPrefix(tag, `W/"`) || first.Header().Get("Cache-Control") != "private, no-cache" {
			t.Fatalf("GET %s: %d, ETag %q, Cache-Control %q", path, first.Code, tag, first.Header().Get("Cache-Control"))
		}
		for _, inm := range []string{tag, strings.TrimPrefix(tag, "W/"), `"other", ` + tag, "*"} {
			again := e.getIfNoneMatch(path, u.Token, inm, "gzip")
			if again.Code != http.StatusNotModified || again.Body.Len() != 0 || again.Header().Get("ETag") != tag ||
				again.Header().Get("Content-Type") != "" {
				t.Errorf("GET %s with If-None-Match %s: %d, %d bytes, ETag %q, Content-Type %q; want 304, no body, same tag",
					path, inm, again.Code, again.Body.Len(), again.Header().Get("ETag"), again.Header().Get("Content-Type"))
			}
		}
		if stale := e.getIfNoneMatch(path, u.Token, `W/"stale"`, ""); stale.Code != http.StatusOK || stale.Body.String() != first.Body.String() {
			t.Errorf("GET %s with a stale tag: %d", path, stale.Code)
		}
	}

	// A change gives a new tag: the old one gets the new body.
	before := e.getIfNoneMatch("/api/v1/services/"+id, u.Token, "", "").Header().Get("ETag")
	if rec := e.do("POST", "/api/v1/services/"+id+"/pause", u.Token, nil); rec.Code != http.StatusOK {
		t.Fatalf("pause: %d %s", rec.Code, rec.Body.String())
	}
	after := e.getIfNoneMatch("/api/v1/services/"+id, u.Token, before, "")
	if after.Code != http.StatusOK || after.Header().Get("ETag") == before || !strings.Contains(after.Body.String(), `"paused":true`) {
		t.Errorf("after pausing, the old tag got %d (ETag %q, was %q)", after.Code, after.Header().Get("ETag"), before)
	}
}

// TestETagCoversTheNextCursor: a page whose items are unchanged but which now has a next
// page (a service was added after it) is a different answer: X-Next-Cursor is part of the
// tag, so the poller learns of the next page instead of getting 304.
func TestETagCoversTheNextCursor(t *testing.T) {
	e := newTestEnv(t)
	u := e.newUser("ada@example.com", "Ada")
	for _, name := range []string{"A", "B"} {
		e.mustCreateService(u.Token, map[string]any{"name": name, "endpoint": "https://example.com/" + name, "check_type": "HTTP"})
	}
	first := e.getIfNoneMatch("/api/v1/services?limit=2", u.Token, "", "")
	if first.Header().Get("X-Next-Cursor") != "" {
		t.Fatalf("two services, limit 2: X-Next-Cursor %q", first.Header().Get("X-Next-Cursor"))
	}
	e.mustCreateService(u.Token, map[string]any{"name": "C", "endpoint": "https://example.com/C", "check_type": "HTTP"})
	again := e.getIfNoneMatch("/api/v1/services?limit=2", u.Token, first.Header().Get("ETag"), "")
	if again.Code != http.StatusOK || again.Header().Get("X-Next-Cursor") == "" || again.Body.String() != first.Body.String() {
		t.Fatalf("same items, now with a next page: %d, X-Next-Cursor %q", again.Code, again.Header().Get("X-Next-Cursor"))
	}
}

// TestETagOnlyForJSONReads: errors, other organizations' objects, writes and downloads
// get no tag and keep no-store; a tag never turns another caller's 404 into a 304.
func TestETagOnlyForJSONReads(t *testing.T) {
	e := newTestEnv(t)
	ada := e.newUser("ada@example.com", "Ada")
	bob := e.newUser("bob@example.com", "Bob")
	svc := e.mustCreateService(ada.Token, map[string]any{"name": "Main", "endpoint": "https://example.com", "check_type": "HTTP"})
	path := "/api/v1/services/" + svc["id"].(string)
	tag := e.getIfNoneMatch(path, ada.Token, "", "").Header().Get("ETag")

	if rec := e.getIfNoneMatch(path, bob.Token, tag, ""); rec.Code != http.StatusNotFound || rec.Header().Get("ETag") != "" {
		t.Errorf("another organization with the owner's tag: %d, ETag %q; want 404 without one", rec.Code, rec.Header().Get("ETag"))
	}
	for _, rec := range []*httptest.ResponseRecorder{
		e.getIfNoneMatch("/api/v1/services/00000000-0000-4000-8000-000000000000", ada.Token, "*", ""), // 404
		e.getIfNoneMatch("/api/v1/services?limit=5000", ada.Token, "*", ""),                           // 422
		e.getIfNoneMatch("/api/v1/audit-logs?format=csv", ada.Token, "*", ""),                         // a CSV download
		e.do("POST", "/api/v1/services", ada.Token, map[string]any{"name": "Two", "endpoint": "https://example.org", "check_type": "HTTP"}),
	} {
		if rec.Code == http.StatusNotModified || rec.Header().Get("ETag") != "" || rec.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("%d %s: ETag %q, Cache-Control %q; want no tag and no-store", rec.Code,
				rec.Header().Get("Content-Type"), rec.Header().Get("ETag"), rec.Header().Get("Cache-Control"))
		}
	}
}

// TestETagHoldsOnlyOnePiece: conditionalGET holds an answer written in one piece; one
// written in several (a stream) or larger than etagMaxBody goes on untagged and whole;
// after a panic the held bytes are dropped and recovery's error is the answer.
func TestETagHoldsOnlyOnePiece(t *testing.T) {
	r := gin.New()
	r.Use(requestID(slog.New(slog.NewTextHandler(io.Discard, nil))), compressResponses(), recovery(), apiHeaders(), conditionalGET())
	json := func(c *gin.Context) { c.Header("Content-Type", "application/json") }
	r.GET("/piece", func(c *gin.Context) { c.Data(http.StatusOK, "application/json", []byte(`[1,2]`)) })
	r.GET("/pieces", func(c *gin.Context) {
		json(c)
		_, _ = c.Writer.Write([]byte(`[1,`))
		_, _ = c.Writer.Write([]byte(`2]`))
	})
	r.GET("/huge", func(c *gin.Context) {
		c.Data(http.StatusOK, "application/json", []byte(`"`+strings.Repeat("a", etagMaxBody)+`"`))
	})
	r.GET("/panic", func(c *gin.Context) {
		json(c)
		_, _ = c.Writer.Write([]byte(`{"half":`))
		panic("boom")
	})
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec
	}
	if rec := get("/piece"); rec.Header().Get("ETag") == "" || rec.Body.String() != `[1,2]` {
		t.Errorf("one piece: ETag %q, body %q", rec.Header().Get("ETag"), rec.Body.String())
	}
	for _, c := range []struct{ path, body string }{{"/pieces", `[1,2]`}, {"/huge", `"` + strings.Repeat("a", etagMaxBody) + `"`}} {
		rec := get(c.path)
		if rec.Code != http.StatusOK || rec.Header().Get("ETag") != "" || rec.Header().Get("Cache-Control") != "no-store" || rec.Body.String() != c.body {
			t.Errorf("%s: %d, ETag %q, Cache-Control %q, %d bytes", c.path, rec.Code, rec.Header().Get("ETag"),
				rec.Header().Get("Cache-Control"), rec.Body.Len())
		}
	}
	if rec := get("/panic"); rec.Code != http.StatusInternalServerError || !strings.HasPrefix(rec.Body.String(), `{"error":"internal"`) {
		t.Errorf("panic after a held piece: %d %q", rec.Code, rec.Body.String())
	}
}
