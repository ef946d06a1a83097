package egress

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Transport returns the Guard's shared HTTP transport, one verifying certificates and one
// not. It is long-lived so that connections are pooled across notification sends; checks
// do not use it (every check opens connections of its own, SPEC §3.7). Callers share it
// and must not modify it (Clone it to adjust).
// Every connection goes through DialContext. It has no response timeout of its own:
// callers bound each request with its context (a check's timeout_seconds).
func (g *Guard) Transport(insecureSkipVerify bool) *http.Transport {
	if insecureSkipVerify {
		return g.transports[1]
	}
	return g.transports[0]
}

func (g *Guard) newTransport(insecureSkipVerify bool) *http.Transport {
	return &http.Transport{
		// Never a proxy from HTTP_PROXY and friends: the proxy would make the connection
		// for us, to whatever address it resolves, and the guard would only see the proxy.
		Proxy:             nil,
		DialContext:       g.DialContext,
		ForceAttemptHTTP2: true, // a custom DialContext and TLS config would otherwise turn HTTP/2 off
		TLSClientConfig: &tls.Config{
			InsecureSkipVerify: insecureSkipVerify, //nolint:gosec // a per-service choice (verify_tls=false)
		},
		TLSHandshakeTimeout:    10 * time.Second,
		ExpectContinueTimeout:  time.Second,
		IdleConnTimeout:        90 * time.Second,
		MaxIdleConns:           256,
		MaxIdleConnsPerHost:    4,
		MaxResponseHeaderBytes: 256 << 10, // a monitored server is not trusted to be modest
	}
}

// CheckRedirect returns an http.Client.CheckRedirect that follows at most max redirects
// (max <= 0: none, the redirect response itself is returned), and only to http and https
// URLs. A hop to a literal address the policy refuses is refused here; a hop to a name is
// judged when DialContext resolves it, as every dial is.
func (g *Guard) CheckRedirect(max int) func(req *http.Request, via []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if max <= 0 {
			return http.ErrUseLastResponse
		}
		// via holds the requests already made, so len(via) is the number of this hop.
		if len(via) > max {
			return fmt.Errorf("stopped after %d redirects", max)
		}
		if err := checkScheme(req.URL, "http", "https"); err != nil {
			return err
		}
		return g.CheckHost(req.URL.Hostname())
	}
}

// CheckScheme refuses URLs whose scheme is not http, https, ws or wss (case-insensitive):
// file:, gopher: and the like must not be fetched on a tenant's behalf.
func CheckScheme(u *url.URL) error {
	return checkScheme(u, "http", "https", "ws", "wss")
}

func checkScheme(u *url.URL, allowed ...string) error {
	if u == nil {
		return &RefusedError{Target: "empty URL", Reason: "no scheme (only " + strings.Join(allowed, ", ") + ")"}
	}
	for _, s := range allowed {
		if strings.EqualFold(u.Scheme, s) {
			return nil
		}
	}
	return &RefusedError{
		Target: u.Redacted(), // never a password in an error that is stored and shown
		Reason: fmt.Sprintf("scheme %q not allowed (only %s)", u.Scheme, strings.Join(allowed, ", ")),
	}
}
