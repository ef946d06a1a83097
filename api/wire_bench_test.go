package api

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkServiceListWire serves GET /api/v1/services?limit=1000 (1 000 services,
// seedWireServices) through the production router, one request at a time, as the
// dashboard's 5-second poll asks for it: as it is, gzip, zstd, and revalidated with the
// tag of the previous answer (304). ns/op is the time of one answer on one goroutine;
// wire_B what it sends. The encode-* and tag cases time the encoders and the ETag hash
// alone on that answer's bytes: what compression and revalidation add to each poll.
//
//	go test -run '^$' -bench BenchmarkServiceListWire -benchtime 100x ./api
func BenchmarkServiceListWire(b *testing.B) {
	router, db, orgID, token := newBenchRouter(b)
	key := apiKeyFor(b, router, token) // an enterprise key: no rate limit while seeding
	seedWireServices(b, router, db, orgID, key, time.Now, func() {})
	get := func(acceptEncoding, ifNoneMatch string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", "/api/v1/services?limit=1000", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Accept-Encoding", acceptEncoding)
		req.Header.Set("If-None-Match", ifNoneMatch)
		rec := httptest.NewRecorder()
		router.ServeHTTP(rec, req)
		return rec
	}
	tag := get("", "").Header().Get("ETag")
	for _, c := range []struct{ name, acceptEncoding, ifNoneMatch string }{
		{"identity", "", ""}, {"gzip", "gzip, deflate, br", ""}, {"zstd", "gzip, deflate, br, zstd", ""},
		{"not-modified", "gzip, deflate, br, zstd", tag},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var wire int
			for b.Loop() {
				rec := get(c.acceptEncoding, c.ifNoneMatch)
				if want := map[bool]int{true: http.StatusNotModified, false: http.StatusOK}[c.ifNoneMatch != ""]; rec.Code != want {
					b.Fatal(fmt.Sprintf("status %d, want %d", rec.Code, want))
				}
				wire = rec.Body.Len()
			}
			b.ReportMetric(float64(wire), "wire_B")
		})
	}
	body := get("", "").Body.Bytes()
	for _, coding := range []string{codingGzip, codingZstd} {
		b.Run("encode-"+coding, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			var out bytes.Buffer
			for b.Loop() {
				out.Reset()
				enc := getEncoder(coding, &out)
				_, _ = enc.Write(body)
				_ = enc.Close()
				putEncoder(coding, enc)
			}
			b.ReportMetric(float64(out.Len()), "wire_B")
		})
	}
	b.Run("tag", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
		for b.Loop() {
			representationTag(h, body)
		}
	})
}
