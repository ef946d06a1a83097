package api

import (
	"bufio"
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/klauspost/compress/gzip"
)

// compressEngine is a Gin engine with the router's outer middleware (compression, then
// recovery) and handlers that answer the cases compression must get right.
func compressEngine(t *testing.T) *gin.Engine {
	t.Helper()
	r := gin.New()
	r.Use(requestID(slog.New(slog.NewTextHandler(io.Discard, nil))), compressResponses(), recovery())
	big := strings.Repeat(`{"name":"checkout","status":"GREEN"},`, 100) // 3.7 KB
	r.GET("/json", func(c *gin.Context) { c.Data(http.StatusOK, "application/json; charset=utf-8", []byte("["+big+"{}]")) })
	r.HEAD("/json", func(c *gin.Context) { c.Data(http.StatusOK, "application/json; charset=utf-8", []byte("["+big+"{}]")) })
	r.GET("/small", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	r.GET("/png", func(c *gin.Context) { c.Data(http.StatusOK, "image/png", bytes.Repeat([]byte{0}, 4096)) })
	r.GET("/untyped", func(c *gin.Context) { _, _ = c.Writer.Write(bytes.Repeat([]byte("a"), 4096)) })
	r.GET("/encoded", func(c *gin.Context) {
		c.Header("Content-Encoding", "gzip")
		c.Data(http.StatusOK, "text/html", bytes.Repeat([]byte{1}, 4096))
	})
	r.GET("/strong-etag", func(c *gin.Context) {
		c.Header("ETag", `"v1"`)
		c.Data(http.StatusOK, "text/css", []byte(big))
	})
	r.GET("/not-modified", func(c *gin.Context) { c.Status(http.StatusNotModified) })
	r.GET("/no-content", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	r.GET("/error", func(c *gin.Context) {
		fields := map[string]string{}
		for i := range 60 {
			fields["items["+strconv.Itoa(i)+"].name"] = "is required and must be unique in the organization"
		}
		writeError(c, errValidation(fields))
	})
	r.GET("/panic", func(*gin.Context) { panic("boom") })
	r.GET("/length", func(c *gin.Context) {
		c.Header("Content-Length", "3701")
		c.Data(http.StatusOK, "application/json", []byte("["+big+"{}]"))
	})
	return r
}

func compressGet(r http.Handler, method, path, acceptEncoding string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	return rec
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gzip stream: %v", err)
	}
	return out
}

// TestCompressOnlyWhatPays: text of a kilobyte or more is compressed for clients that
// accept it; small bodies, HEAD, bodiless statuses, binary, untyped and already-encoded
// answers go out as they are; every answer says Vary: Accept-Encoding.
func TestCompressOnlyWhatPays(t *testing.T) {
	r := compressEngine(t)
	plain := compressGet(r, "GET", "/json", "")
	for _, c := range []struct {
		method, path, acceptEncoding string
		wantCoding                   string
		wantStatus                   int
	}{
		{"GET", "/json", "gzip", "gzip", 200},
		{"GET", "/json", "", "", 200},
		{"GET", "/json", "gzip;q=0", "", 200},
		{"GET", "/json", "identity", "", 200},
		{"GET", "/json", "br", "", 200},
		{"GET", "/json", "*", "gzip", 200},
		{"GET", "/json", "x-gzip", "gzip", 200},
		{"GET", "/json", "gzip, deflate, br, zstd", "zstd", 200},
		{"GET", "/json", "zstd;q=0.5, gzip", "gzip", 200},
		{"GET", "/json", "zstd;q=bad, gzip", "gzip", 200},
		{"HEAD", "/json", "gzip", "", 200},
		{"GET", "/small", "gzip", "", 200},
		{"GET", "/png", "gzip", "", 200},
		{"GET", "/untyped", "gzip", "", 200},
		{"GET", "/not-modified", "gzip", "", 304},
		{"GET", "/no-content", "gzip", "", 204},
		{"GET", "/error", "gzip", "gzip", 422},
		{"GET", "/panic", "gzip", "", 500},
		{"GET", "/length", "gzip", "gzip", 200},
	} {
		rec := compressGet(r, c.method, c.path, c.acceptEncoding)
		if rec.Code != c.wantStatus || rec.Header().Get("Content-Encoding") != c.wantCoding {
			t.Errorf("%s %s (Accept-Encoding %q): %d, Content-Encoding %q; want %d, %q", c.method, c.path,
				c.acceptEncoding, rec.Code, rec.Header().Get("Content-Encoding"), c.wantStatus, c.wantCoding)
		}
		if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s %s: Vary %q", c.method, c.path, rec.Header().Get("Vary"))
		}
		if c.wantCoding == "gzip" {
			if rec.Header().Get("Content-Length") != "" {
				t.Errorf("%s: Content-Length %q kept for a compressed body", c.path, rec.Header().Get("Content-Length"))
			}
			if body := gunzip(t, rec.Body.Bytes()); c.path == "/json" && !bytes.Equal(body, plain.Body.Bytes()) {
				t.Errorf("%s: gzip body differs from the identity body", c.path)
			}
		}
	}
	if rec := compressGet(r, "GET", "/encoded", "gzip"); !bytes.Equal(rec.Body.Bytes(), bytes.Repeat([]byte{1}, 4096)) {
		t.Errorf("an answer already encoded was encoded again")
	}
	// The flat error body survives compression intact.
	if rec := compressGet(r, "GET", "/error", "gzip"); !bytes.HasPrefix(gunzip(t, rec.Body.Bytes()), []byte(`{"error":"validation_failed"`)) {
		t.Errorf("error body: %q", gunzip(t, rec.Body.Bytes()))
	}
	// A strong validator no longer names the compressed bytes exactly: it turns weak.
	if rec := compressGet(r, "GET", "/strong-etag", "gzip"); rec.Header().Get("ETag") != `W/"v1"` {
		t.Errorf("ETag of a compressed answer = %q, want W/\"v1\"", rec.Header().Get("ETag"))
	}
	if rec := compressGet(r, "GET", "/strong-etag", ""); rec.Header().Get("ETag") != `"v1"` {
		t.Errorf("ETag of an identity answer = %q, want \"v1\"", rec.Header().Get("ETag"))
	}
}

// TestCompressStreams: a handler that writes and flushes reaches the client chunk by
// chunk, compressed — the middleware holds at most a kilobyte, never the whole answer —
// and a write deadline set through http.ResponseController reaches the connection.
func TestCompressStreams(t *testing.T) {
	release := make(chan struct{})
	deadlineErr := make(chan error, 1)
	r := gin.New()
	r.Use(compressResponses(), recovery())
	r.GET("/stream", func(c *gin.Context) {
		deadlineErr <- http.NewResponseController(c.Writer).SetWriteDeadline(time.Now().Add(time.Minute))
		c.Header("Content-Type", "text/plain")
		c.Status(http.StatusOK)
		_, _ = c.Writer.Write([]byte(strings.Repeat("first chunk\n", 200)))
		c.Writer.Flush()
		<-release // the client must have read the first chunk before the second is written
		_, _ = c.Writer.Write([]byte(strings.Repeat("second chunk\n", 200)))
	})
	srv := httptest.NewServer(r)
	defer srv.Close()
	defer close(release)
	req, _ := http.NewRequest("GET", srv.URL+"/stream", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := (&http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if err := <-deadlineErr; err != nil {
		t.Errorf("SetWriteDeadline through the middleware: %v", err)
	}
	if res.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q", res.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(zr).ReadString('\n')
	if err != nil || line != "first chunk\n" {
		t.Fatalf("first chunk before the handler finished: %q, %v", line, err)
	}
}
