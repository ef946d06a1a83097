package api

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"mime"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// etagMaxBody bounds what conditionalGET holds back to hash: the largest list page (1 000
// services, ~0.9 MB) fits four times over. A larger answer goes on without a tag.
const etagMaxBody = 4 << 20

// conditionalGET lets the UI's 5-second polls ask "has it changed?" (RFC 9110 §13.1.2).
// A GET answered 200 with JSON written in one piece (as c.JSON and c.Data write it) of up
// to etagMaxBody gets a weak ETag hashed from its bytes and the headers that describe them
// (X-Next-Cursor included), and Cache-Control "private, no-cache" instead of the API's
// no-store, so the browser keeps the answer and revalidates it with If-None-Match; an
// If-None-Match holding the tag gets 304 and no body. The tag is a hash of what would be
// sent, so a 304 is exact: every change — a new check result, an edit, another caller's
// view — gives another tag. Downloads (Content-Disposition), CSV, backups and streams (a
// second write, or a flush: the configuration export) keep no-store and are never held
// beyond their first write.
func conditionalGET() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.Method != http.MethodGet {
			c.Next()
			return
		}
		below := c.Writer
		w := &etagWriter{ResponseWriter: below}
		c.Writer = w
		completed := false
		defer func() {
			c.Writer = below
			w.finish(completed, c.GetHeader("If-None-Match"))
		}()
		c.Next()
		completed = true
	}
}

// etagState is what an etagWriter does with the body.
type etagState int

const (
	etagUndecided etagState = iota // nothing written yet
	etagHolding                    // a taggable answer, held to hash
	etagPassing                    // not taggable (or too big, or flushed): bytes go through
)

// etagWriter holds a taggable answer, written in one piece, until the handler returns.
type etagWriter struct {
	gin.ResponseWriter
	state etagState
	held  *bytes.Buffer
}

var etagBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (w *etagWriter) Write(p []byte) (int, error) {
	if w.state == etagUndecided {
		w.state = etagPassing
		if w.taggable() {
			w.state, w.held = etagHolding, etagBuffers.Get().(*bytes.Buffer)
		}
	}
	if w.state == etagHolding {
		if w.held.Len() == 0 && len(p) <= etagMaxBody {
			return w.held.Write(p)
		}
		// A second write: the handler streams, and holding it would hold the stream.
		if err := w.release(); err != nil {
			return 0, err
		}
	}
	return w.ResponseWriter.Write(p)
}

func (w *etagWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// taggable: a 200 JSON answer that is not a download and not already encoded.
func (w *etagWriter) taggable() bool {
	h := w.Header()
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	return err == nil && mt == "application/json" && w.Status() == http.StatusOK &&
		h.Get("Content-Disposition") == "" && h.Get("Content-Encoding") == ""
}

// release sends the held bytes on and passes everything after them through untagged.
func (w *etagWriter) release() error {
	held := w.held
	w.state, w.held = etagPassing, nil
	defer etagBuffers.Put(held)
	_, err := w.ResponseWriter.Write(held.Bytes())
	held.Reset()
	return err
}

// WriteHeaderNow and Flush mean the handler streams: the bytes go now, untagged.
func (w *etagWriter) WriteHeaderNow() {
	w.passNow()
	w.ResponseWriter.WriteHeaderNow()
}

func (w *etagWriter) Flush() {
	w.passNow()
	w.ResponseWriter.Flush()
}

func (w *etagWriter) passNow() {
	switch w.state {
	case etagHolding:
		_ = w.release()
	case etagUndecided:
		w.state = etagPassing
	}
}

func (w *etagWriter) Written() bool { return w.state != etagUndecided || w.ResponseWriter.Written() }

func (w *etagWriter) Size() int {
	if w.state == etagHolding {
		return w.held.Len()
	}
	return w.ResponseWriter.Size()
}

func (w *etagWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.state == etagHolding {
		return nil, nil, errors.New("etag: response already written")
	}
	return w.ResponseWriter.Hijack()
}

// Unwrap lets http.ResponseController reach the connection (write deadlines).
func (w *etagWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish tags a held answer and sends it, or 304 when ifNoneMatch names its tag. After a
// panic (completed false) the held bytes are dropped: recovery answers instead.
func (w *etagWriter) finish(completed bool, ifNoneMatch string) {
	if w.state != etagHolding {
		return
	}
	held := w.held
	w.held = nil
	defer func() { held.Reset(); etagBuffers.Put(held) }()
	if !completed {
		return
	}
	h := w.Header()
	tag := representationTag(h, held.Bytes())
	h.Set("ETag", tag)
	h.Set("Cache-Control", "private, no-cache")
	if etagMatches(ifNoneMatch, tag) {
		h.Del("Content-Type")
		h.Del("Content-Length")
		w.ResponseWriter.WriteHeader(http.StatusNotModified)
		w.ResponseWriter.WriteHeaderNow()
		return
	}
	_, _ = w.ResponseWriter.Write(held.Bytes()) // an error means the client has gone
}

// representationTag is the weak ETag of body with the headers that describe it: SHA-256
// (hardware-assisted, ~0.3 ms for a 1 000-service page) cut to 128 bits. Weak, because the
// same tag stands for the compressed and the identity bytes.
func representationTag(h http.Header, body []byte) string {
	sum := sha256.New()
	keys := make([]string, 0, len(h))
	for k := range h {
		if !volatileHeader(k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		sum.Write([]byte(k))
		for _, v := range h[k] {
			sum.Write([]byte{0})
			sum.Write([]byte(v))
		}
		sum.Write([]byte{'\n'})
	}
	sum.Write(body)
	return `W/"` + base64.RawURLEncoding.EncodeToString(sum.Sum(nil)[:16]) + `"`
}

// volatileHeader: headers that change from one request to the next while the answer does
// not (request ID, rate-limit counters), or that this middleware and the compressor set.
// Any other header — a new one included — is part of the tag, so it can only cost a 304,
// never send a stale answer. Keys are canonicalised here: the rate limiter writes its own
// spelling into the map.
func volatileHeader(key string) bool {
	canonicalKey := http.CanonicalHeaderKey(key)
	switch canonicalKey {
	case "X-Request-Id", "Retry-After", "Date", "Cache-Control", "Etag", "Vary", "Content-Length":
		return true
	}
	return strings.HasPrefix(canonicalKey, "X-Ratelimit-")
}

// etagMatches is If-None-Match's weak comparison (RFC 9110 §13.1.2): any listed tag equal
// to tag once W/ is set aside, or "*".
func etagMatches(ifNoneMatch, tag string) bool {
	if ifNoneMatch == "" {
		return false
	}
	opaque := strings.TrimPrefix(tag, "W/")
	for cand := range strings.SplitSeq(ifNoneMatch, ",") {
		cand = strings.TrimSpace(cand)
		if cand == "*" || strings.TrimPrefix(cand, "W/") == opaque {
			return true
		}
	}
	return false
}
