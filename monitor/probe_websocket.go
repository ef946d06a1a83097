package monitor

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// wsCloseGrace bounds the closing handshake after a successful upgrade: the
// check has passed by then, and a server that never answers the close
// frame must not hold the result back for the rest of the timeout.
const wsCloseGrace = time.Second

// probeWebSocket performs the WebSocket opening handshake (HTTP/1.1 upgrade)
// on the endpoint with the service's headers and credential, and passes on
// 101 Switching Protocols with a valid Sec-WebSocket-Accept; then it closes
// with a normal closure. Redirects are not followed, as browsers do not
// follow them for WebSockets. A wss certificate is captured and graded with
// the default warning window (the type has no ssl_warn_days option).
func probeWebSocket(ctx context.Context, env *Env, t *Target) Result {
	start := env.Now()
	var o struct {
		Headers map[string]string `json:"headers"`
	}
	if len(t.Options) > 0 {
		if err := json.Unmarshal(t.Options, &o); err != nil {
			return netOptionsFailure(start, env.Now(), "invalid options: "+err.Error())
		}
	}
	header, host, err := requestHeaders(env, t, o.Headers)
	if err != nil {
		return netOptionsFailure(start, env.Now(), err.Error())
	}
	// The upgraded connection leaves the transport's control; conns keeps
	// hold of it, to bound the closing handshake and to close it.
	conns := newCheckConns(env.httpTransport(httpWebSocket), false)
	defer conns.close()
	client := &http.Client{
		Transport:     conns,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	conn, resp, err := websocket.Dial(ctx, t.Endpoint, &websocket.DialOptions{
		HTTPClient: client, HTTPHeader: header, Host: host,
	})
	end := env.Now()
	var r Result
	switch {
	case err == nil:
		r = passed(t, start, end)
	case resp != nil:
		// The server answered, but not with a valid upgrade.
		r = failed(start, end, "websocket upgrade failed: "+upgradeFailure(resp, err))
		r.Resolved, r.Connected = true, true
		if resp.Body != nil {
			r.Body, _ = io.ReadAll(io.LimitReader(resp.Body, maxHTTPBody)) // the library kept at most 1 KiB
		}
	default:
		if msg, cert, ok := describeTLSError(err, end); ok {
			r = failed(start, end, msg)
			r.Resolved, r.Connected, r.Certificate = true, true, cert
			return r
		}
		return failedErr(t, start, end, unwrapURLError(err))
	}
	if resp.TLS != nil {
		r.Certificate = certificateOf(*resp.TLS, end)
		gradeCertificate(&r, end, defaultSSLWarnDays, false)
	}
	if conn != nil {
		closeWebSocket(ctx, conn, conns)
	}
	return r
}

// upgradeFailure says why a response is not an upgrade: the status, or the
// handshake rule it broke.
func upgradeFailure(resp *http.Response, err error) string {
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return "expected status 101, got " + strconv.Itoa(resp.StatusCode)
	}
	msg := unwrapURLError(err).Error()
	msg = strings.TrimPrefix(msg, "failed to WebSocket dial: ")
	return netClip(msg, 120)
}

// closeWebSocket closes conn with a normal closure, waiting for the server's
// close frame no longer than wsCloseGrace or the check's deadline.
func closeWebSocket(ctx context.Context, conn *websocket.Conn, conns *checkConns) {
	deadline := time.Now().Add(wsCloseGrace)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	// The library's own close timeouts (5 s) ignore ctx: a deadline on the
	// underlying connection ends the wait instead.
	conns.setDeadline(deadline)
	// Close releases the connection whatever the closing handshake's
	// outcome; that outcome does not change the check's.
	_ = conn.Close(websocket.StatusNormalClosure, "")
}
