package monitor

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// checkConns is the http.RoundTripper of one HTTP or WebSocket check: every
// request (every redirect hop) gets a new connection from the transport's
// NewClientConn, outside any pool, and close ends them all when the check
// is done. It also keeps every network connection dialled for the check,
// which covers a connection the transport hands over to its caller (a
// WebSocket after the upgrade), so no connection outlives its check.
type checkConns struct {
	tr *http.Transport
	// http1 sends plain-HTTP requests with roundTripHTTP1 (HTTP checks; a WebSocket
	// upgrade needs the transport's writable 101 body).
	http1 bool

	mu      sync.Mutex
	clients []*http.ClientConn
	raw     []net.Conn
	closed  bool
}

// checkConnsKey carries the check's *checkConns in the context of its dials.
type checkConnsKey struct{}

// newCheckConns returns the round tripper of one check over tr; with http1, plain-HTTP
// requests go through roundTripHTTP1.
func newCheckConns(tr *http.Transport, http1 bool) *checkConns {
	return &checkConns{tr: tr, http1: http1}
}

// RoundTrip sends req on a new connection to its URL's host.
func (c *checkConns) RoundTrip(req *http.Request) (*http.Response, error) {
	addr, err := connectAddr(req.URL)
	if err != nil {
		closeRequestBody(req)
		return nil, err
	}
	if c.http1 && req.URL.Scheme == "http" {
		return c.roundTripHTTP1(req, addr)
	}
	ctx := context.WithValue(req.Context(), checkConnsKey{}, c)
	cc, err := c.tr.NewClientConn(ctx, req.URL.Scheme, addr)
	if err != nil {
		closeRequestBody(req)
		return nil, err
	}
	if !c.keep(cc) {
		closeRequestBody(req)
		return nil, net.ErrClosed
	}
	return cc.RoundTrip(req)
}

// keep adds cc to the connections close ends; false (cc closed) when the
// check is already over.
func (c *checkConns) keep(cc *http.ClientConn) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		cc.Close()
		return false
	}
	c.clients = append(c.clients, cc)
	return true
}

// trackConn records conn, just dialled under ctx, with the check whose
// checkConns ctx carries; a connection dialled after the check is over is
// closed at once.
func trackConn(ctx context.Context, conn net.Conn) {
	c, ok := ctx.Value(checkConnsKey{}).(*checkConns)
	if !ok {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		conn.Close()
		return
	}
	c.raw = append(c.raw, conn)
}

// setDeadline sets the deadline of every connection of the check.
func (c *checkConns) setDeadline(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, conn := range c.raw {
		_ = conn.SetDeadline(t)
	}
}

// close ends every connection of the check; later dials are closed as
// they arrive.
func (c *checkConns) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for _, cc := range c.clients {
		cc.Close()
	}
	for _, conn := range c.raw {
		conn.Close()
	}
	c.clients, c.raw = nil, nil
}

// connectAddr is the host:port a request to u connects to: the scheme's
// port when u names none, and an internationalised host in its ASCII
// (xn--) form, as net/http's own transport does, since the egress guard
// takes only ASCII names.
func connectAddr(u *url.URL) (string, error) {
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" || u.Scheme == "wss" {
			port = "443"
		}
	}
	if !isASCII(host) {
		ascii, err := idna.Lookup.ToASCII(host)
		if err != nil {
			return "", err
		}
		host = ascii
	}
	return net.JoinHostPort(host, port), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// closeRequestBody closes a request body the request will not send, as a
// RoundTripper must.
func closeRequestBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
