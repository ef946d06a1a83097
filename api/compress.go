package api

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// compressMinBytes is the smallest body worth compressing: below about a kilobyte the
// coding's framing and CPU cost more than the bytes they save.
const compressMinBytes = 1024

// compressResponses compresses answers for clients that accept gzip or zstd: JSON, YAML,
// CSV, HTML, feeds and other text of compressMinBytes or more (compress_codecs.go). It holds
// back at most compressMinBytes to decide, then streams through a pooled encoder, so a
// large answer is never buffered whole. Answers that already carry a Content-Encoding (the
// precompressed UI assets and status pages), that have no body (HEAD, 204, 304) or that
// are not text pass through untouched. Every answer says Vary: Accept-Encoding.
func compressResponses() gin.HandlerFunc {
	return func(c *gin.Context) {
		addVary(c.Writer.Header(), "Accept-Encoding")
		coding := negotiateCoding(c.GetHeader("Accept-Encoding"))
		// An upgrade (the agent channel's WebSocket) hijacks the connection: there is no
		// body to encode, and deciding not to would already have sent the headers.
		if coding == "" || c.Request.Method == http.MethodHead || c.GetHeader("Upgrade") != "" {
			c.Next()
			return
		}
		below := c.Writer
		w := &compressWriter{ResponseWriter: below, coding: coding}
		c.Writer = w
		completed := false
		defer func() {
			c.Writer = below
			w.finish(completed)
		}()
		c.Next()
		completed = true
	}
}

// compressState is what a compressWriter does with the body.
type compressState int

const (
	compressUndecided compressState = iota // holding the first bytes
	compressOff                            // passing bytes through as they are
	compressOn                             // encoding them
)

// compressWriter decides, once it has compressMinBytes of body or the answer ends, whether
// to encode, and then streams. Gin's writer below holds the status until the first byte
// goes out, so headers can still change while this one decides.
type compressWriter struct {
	gin.ResponseWriter
	coding  string
	pending []byte // the first bytes, fewer than compressMinBytes
	state   compressState
	enc     streamEncoder
	size    int // body bytes the handler wrote, before encoding
}

func (w *compressWriter) Write(p []byte) (int, error) {
	switch w.state {
	case compressOff:
		n, err := w.ResponseWriter.Write(p)
		w.size += n
		return n, err
	case compressOn:
		n, err := w.enc.Write(p)
		w.size += n
		return n, err
	}
	if len(w.pending)+len(p) < compressMinBytes {
		w.pending = append(w.pending, p...)
		w.size += len(p)
		return len(p), nil
	}
	if err := w.decide(true); err != nil {
		return 0, err
	}
	return w.Write(p)
}

func (w *compressWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// decide picks encoding or not (large: the body reached compressMinBytes) and sends the
// held bytes on their way.
func (w *compressWriter) decide(large bool) error {
	h := w.Header()
	status := w.Status()
	if large && status >= 200 && status != http.StatusNoContent && status != http.StatusNotModified &&
		h.Get("Content-Encoding") == "" && h.Get("Content-Range") == "" && compressibleType(h.Get("Content-Type")) {
		h.Set("Content-Encoding", w.coding)
		h.Del("Content-Length")
		addVary(h, "Accept-Encoding")
		if etag := h.Get("ETag"); etag != "" && !strings.HasPrefix(etag, "W/") {
			h.Set("ETag", "W/"+etag) // other bytes now: only a weak comparison still holds
		}
		w.enc = getEncoder(w.coding, w.ResponseWriter)
		w.state = compressOn
	} else {
		w.state = compressOff
	}
	held := w.pending
	w.pending = nil
	if len(held) == 0 {
		return nil
	}
	var err error
	if w.state == compressOn {
		_, err = w.enc.Write(held)
	} else {
		_, err = w.ResponseWriter.Write(held)
	}
	return err
}

// WriteHeaderNow sends the headers at once, so nothing can be encoded any more.
func (w *compressWriter) WriteHeaderNow() {
	if w.state == compressUndecided {
		_ = w.decide(false)
	}
	w.ResponseWriter.WriteHeaderNow()
}

// Flush sends what the handler wrote so far. A handler that flushes before
// compressMinBytes streams uncompressed: it asked for the bytes to go now.
func (w *compressWriter) Flush() {
	if w.state == compressUndecided {
		_ = w.decide(false)
	}
	if w.state == compressOn {
		_ = w.enc.Flush()
	}
	w.ResponseWriter.Flush()
}

func (w *compressWriter) Written() bool {
	return w.state != compressUndecided || len(w.pending) > 0 || w.ResponseWriter.Written()
}

func (w *compressWriter) Size() int {
	if !w.Written() {
		return -1
	}
	return w.size
}

func (w *compressWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.state != compressUndecided || len(w.pending) > 0 {
		return nil, nil, errors.New("compress: response already written")
	}
	return w.ResponseWriter.Hijack()
}

// Unwrap lets http.ResponseController reach the connection (write deadlines).
func (w *compressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// finish ends the body: decides a short one, terminates the encoded stream. After a panic
// (completed false: the server is aborting the connection) the stream is left
// unterminated, so a client can never take a cut body for a whole one.
func (w *compressWriter) finish(completed bool) {
	if completed && w.state == compressUndecided {
		_ = w.decide(false)
	}
	if w.enc == nil {
		return
	}
	if completed {
		_ = w.enc.Close() // an error means the client has gone; there is no one to tell
	}
	putEncoder(w.coding, w.enc)
	w.enc = nil
}

// addVary adds field to the Vary header unless it is listed already.
func addVary(h http.Header, field string) {
	for _, v := range h.Values("Vary") {
		for tok := range strings.SplitSeq(v, ",") {
			if tok = strings.TrimSpace(tok); tok == "*" || strings.EqualFold(tok, field) {
				return
			}
		}
	}
	h.Add("Vary", field)
}
