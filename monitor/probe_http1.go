package monitor

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync"
)

// maxResponseHeader caps the status line and headers of a response, as the shared
// transports' MaxResponseHeaderBytes does.
const maxResponseHeader = 256 << 10

// Plain-HTTP requests of a check (scheme http, so HTTP/1.1: there is no HTTP/2 without
// TLS here) are sent by roundTripHTTP1 rather than through an http.Transport: it dials
// through the same DialContext (egress guard, the check's connection list), writes the
// request with net/http's own encoder (Request.Write) and reads the answer with its own
// parser (http.ReadResponse), on the check's goroutine, with pooled buffers. What it
// leaves out is what a connection used once does not need — the transport's pool, its
// read and write goroutines and their channels, and a fresh 4 KiB reader and writer per
// connection — about a third of the CPU of a plain-HTTP check (see the profile in the
// README). Redirects, the redirect policy and their bodies stay with http.Client, TLS
// and HTTP/2 with the transport (roundTripper's https branch).

var (
	http1Readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 4<<10) }}
	http1Writers = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, 1<<10) }}
)

// roundTripHTTP1 sends req over a new connection to addr and returns the response, whose
// body closes the connection.
func (c *checkConns) roundTripHTTP1(req *http.Request, addr string) (*http.Response, error) {
	ctx := context.WithValue(req.Context(), checkConnsKey{}, c)
	conn, err := c.tr.DialContext(ctx, "tcp", addr)
	if err != nil {
		closeRequestBody(req)
		return nil, err
	}
	b := &http1Body{conn: conn, unwatch: netWatchDeadline(ctx, conn)}
	b.lim = io.LimitedReader{R: conn, N: maxResponseHeader}
	b.br = http1Readers.Get().(*bufio.Reader)
	b.br.Reset(&b.lim)
	resp, err := b.exchange(req)
	if err != nil {
		b.Close()
		return nil, err
	}
	b.lim.N = 1<<63 - 1 // the body's size is the probe's to cap
	b.body, resp.Body = resp.Body, b
	return resp, nil
}

// exchange writes req (asking the server to close the connection after its answer) and
// reads the final response, skipping 1xx interim ones but for 101.
func (b *http1Body) exchange(req *http.Request) (*http.Response, error) {
	out := *req // Request.Write must not change the caller's request
	out.Close = true
	bw := http1Writers.Get().(*bufio.Writer)
	bw.Reset(b.conn)
	err := out.Write(bw)
	if err == nil {
		err = bw.Flush()
	}
	bw.Reset(nil)
	http1Writers.Put(bw)
	if err != nil {
		return nil, err
	}
	if _, err := b.br.Peek(1); err != nil {
		return nil, b.headerErr(err)
	}
	if trace := httptrace.ContextClientTrace(req.Context()); trace != nil && trace.GotFirstResponseByte != nil {
		trace.GotFirstResponseByte()
	}
	for {
		resp, err := http.ReadResponse(b.br, req)
		if err != nil {
			return nil, b.headerErr(err)
		}
		if resp.StatusCode >= 200 || resp.StatusCode == http.StatusSwitchingProtocols {
			return resp, nil
		}
		resp.Body.Close()
	}
}

// headerErr words a failure to read the answer's head: an exhausted header budget is
// said as such, and a server that closed without answering reads as io.EOF, as the
// transport reports it.
func (b *http1Body) headerErr(err error) error {
	if b.lim.N <= 0 {
		return fmt.Errorf("server response headers exceeded %d bytes", maxResponseHeader)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return io.EOF
	}
	return err
}

// http1Body is a response's body over its own connection: closing it closes the
// connection and gives the reader back to its pool. Read and Close are called from the
// check's goroutine only (http.Client, readHTTPBody), never at the same time.
type http1Body struct {
	conn    net.Conn
	unwatch func()
	lim     io.LimitedReader
	br      *bufio.Reader
	body    io.ReadCloser // http.ReadResponse's body over br
	closed  bool
}

func (b *http1Body) Read(p []byte) (int, error) {
	if b.closed {
		return 0, net.ErrClosed
	}
	return b.body.Read(p)
}

func (b *http1Body) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	b.unwatch()
	err := b.conn.Close()
	b.br.Reset(nil)
	http1Readers.Put(b.br)
	b.br, b.body = nil, nil
	return err
}
