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

// httpIdleTimeout is how long an idle probe connection is kept. It is
// shorter than the shortest check interval (10 s) on purpose: connections
// are reused within one check (redirect hops to the same host), while every
// check opens a fresh one, so its response time includes the connect and
// TLS handshake users pay, a renewed certificate is seen at once, and the
// egress guard re-resolves and re-checks the address each time.
const httpIdleTimeout = 5 * time.Second

// httpTransport returns the long-lived transport of the HTTP and WebSocket
// probes for one TLS verification setting, building it on first use. Every
// connection it opens goes through e.Dial, so the egress guard sees each
// redirect hop; it never uses a proxy.
func (e *Env) httpTransport(verifyTLS bool) *http.Transport {
	i := 0
	if !verifyTLS {
		i = 1
	}
	e.httpMu.Lock()
	defer e.httpMu.Unlock()
	if e.httpTransports[i] == nil {
		e.httpTransports[i] = &http.Transport{
			Proxy: nil,
			DialContext: func(ctx context.Context, network, address string) (net.Conn, error) {
				return e.Dial(ctx, network, address)
			},
			TLSClientConfig: &tls.Config{
				RootCAs: e.RootCAs,
				// Only when the service's verify_tls option is false: the
				// user monitors a server with a certificate nobody can verify.
				InsecureSkipVerify: !verifyTLS, //nolint:gosec // opt-in per service
			},
			// A custom dialer turns HTTP/2 off unless forced; servers that
			// speak it should be checked the way browsers reach them.
			// WebSocket upgrades still get HTTP/1.1 connections.
			ForceAttemptHTTP2:      true,
			MaxIdleConns:           100,
			MaxIdleConnsPerHost:    2,
			IdleConnTimeout:        httpIdleTimeout,
			ExpectContinueTimeout:  time.Second,
			MaxResponseHeaderBytes: 256 << 10,
			// Timeouts come from each request's context (the check's timeout).
		}
	}
	return e.httpTransports[i]
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
