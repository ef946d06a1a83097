package monitor

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"time"
)

// maxRedirects is how many redirects an HTTP check follows (SPEC §4.1).
const maxRedirects = 5

// The HTTP and WebSocket probes open a connection of their own for every
// request they make and close it when the check ends (SPEC §3.7, §4.2):
// nothing is pooled across checks, as in Gatus and the Prometheus blackbox
// exporter. So a response time includes the lookup, connect and handshake
// users pay; a listener that stopped accepting new connections is seen at
// once, however long an earlier connection stays open; a DNS change is
// followed by the next check, and the egress guard resolves and judges the
// address every time. A redirect hop opens a connection of its own, to the
// same host too: each hop is resolved and judged again, and the timings
// count every hop.
//
// What is shared is configuration only: one http.Transport per kind of
// check, built once, whose NewClientConn opens each connection outside its
// pool. Against an http.Transport built for each check, the other correct
// choice, it allocates about 2.4 KiB and 15 objects less per check
// (BenchmarkProbeHTTP; the CPU difference is within its noise). A shared
// transport's RoundTrip is no option even with keep-alives off: its HTTP/2
// pool hands the fresh connection one check dialled to a concurrent check
// of the same host, and drops the other's.

// httpTransportKind selects one of the Env's shared transports.
type httpTransportKind int

const (
	httpVerify    httpTransportKind = iota // HTTP checks (verify_tls true)
	httpNoVerify                           // HTTP checks with verify_tls false
	httpWebSocket                          // WebSocket upgrades: HTTP/1.1 only, verified
	httpKinds
)

// httpTransport returns the Env's transport of one kind, building it on
// first use. It is never used to round-trip (see checkConns): its dials go
// through e.Dial, so the egress guard sees every connection, and it never
// uses a proxy.
func (e *Env) httpTransport(kind httpTransportKind) *http.Transport {
	e.httpMu.Lock()
	defer e.httpMu.Unlock()
	if e.httpTransports[kind] == nil {
		tr := &http.Transport{
			Proxy: nil,
			DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
				conn, err := e.Dial(ctx, network, address)
				if err == nil {
					trackConn(ctx, conn)
				}
				return conn, err
			},
			TLSClientConfig: &tls.Config{
				RootCAs: e.RootCAs,
				// Only when the service's verify_tls option is false: the
				// user monitors a server with a certificate nobody can verify.
				InsecureSkipVerify: kind == httpNoVerify, //nolint:gosec // opt-in per service
			},
			// One request per connection: "Connection: close" tells the
			// server, and a connection closes after its response even if a
			// caller forgot to.
			DisableKeepAlives: true,
			// A custom dialer turns HTTP/2 off unless forced; servers that
			// speak it should be checked the way browsers reach them.
			ForceAttemptHTTP2:      kind != httpWebSocket,
			ExpectContinueTimeout:  time.Second,
			MaxResponseHeaderBytes: 256 << 10,
			// Timeouts come from each request's context (the check's timeout).
		}
		if kind == httpWebSocket {
			// A WebSocket upgrade is HTTP/1.1: offering h2 in ALPN would
			// let the server pick a protocol the upgrade cannot use.
			tr.Protocols = new(http.Protocols)
			tr.Protocols.SetHTTP1(true)
		}
		e.httpTransports[kind] = tr
	}
	return e.httpTransports[kind]
}

// redirectError is a redirect the probe refuses to follow; its text is the
// check's error.
type redirectError string

func (e redirectError) Error() string { return string(e) }

// redirectPolicy is an HTTP client's CheckRedirect for a check: with follow
// false the 3xx is the response; otherwise at most maxRedirects hops, to
// http(s) only. A header-type credential is dropped when a hop leaves the
// first host, as Go drops Authorization (basic and bearer) itself.
func redirectPolicy(follow bool, auth *Credentials) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if !follow {
			return http.ErrUseLastResponse
		}
		if s := req.URL.Scheme; s != "http" && s != "https" {
			return redirectError(fmt.Sprintf("redirect to unsupported scheme %q", netClip(s, 20)))
		}
		if len(via) > maxRedirects {
			return redirectError(fmt.Sprintf("stopped after %d redirects", maxRedirects))
		}
		if auth != nil && auth.Type == "header" && req.URL.Hostname() != via[0].URL.Hostname() {
			req.Header.Del(auth.Name)
		}
		return nil
	}
}

// applyAuth adds a service's credential to request headers h.
func applyAuth(h http.Header, c *Credentials) error {
	if c == nil {
		return nil
	}
	switch c.Type {
	case "basic":
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(c.Username+":"+c.Password)))
	case "bearer":
		h.Set("Authorization", "Bearer "+c.Token)
	case "header":
		h.Set(c.Name, c.Value)
	default:
		return fmt.Errorf("unsupported auth type %q", c.Type)
	}
	return nil
}

// requestHeaders builds the headers an HTTP or WebSocket check sends: the
// User-Agent, the service's headers (names from options, values from
// t.Headers — the stored options hold only masks) and its credential. It
// returns the Host override, if a Host header was configured.
func requestHeaders(env *Env, t *Target, names map[string]string) (http.Header, string, error) {
	h := http.Header{}
	if env.UserAgent != "" {
		h.Set("User-Agent", env.UserAgent)
	}
	host := ""
	for name := range names {
		name = http.CanonicalHeaderKey(name)
		value, ok := t.Headers[name]
		if !ok {
			continue // never send the mask in place of a missing value
		}
		if name == "Host" {
			host = value // Go ignores a Host entry in the header map
			continue
		}
		h.Set(name, value)
	}
	return h, host, applyAuth(h, t.Auth)
}
