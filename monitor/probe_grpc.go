package monitor

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// The gRPC probe makes the standard health check,
// grpc.health.v1.Health/Check {service: options.service}, and passes when the
// answer is SERVING. It speaks gRPC by hand over the standard library's
// HTTP/2 client (h2c with prior knowledge, or TLS with ALPN h2 when
// options.tls is set) rather than linking grpc-go, which would roughly
// double the binary for one unary call. A server without the health service
// answers UNIMPLEMENTED: SPEC §3.7's minimum for gRPC is "port reachable", so
// that is YELLOW ("health service not implemented; port reachable"), never
// GREEN, so the missing health check stays visible.

// grpcOptions are the GRPC options the services API stores.
type grpcOptions struct {
	Service string `json:"service"`
	TLS     bool   `json:"tls"`
}

// grpcMaxMessage caps the response message (a HealthCheckResponse is 2 bytes).
const grpcMaxMessage = 4096

const grpcNotImplemented = "health service not implemented; port reachable"

// probeGRPC checks the endpoint's gRPC health service.
func probeGRPC(ctx context.Context, env *Env, t *Target) Result {
	start := env.Now()
	var opts grpcOptions
	if len(t.Options) > 0 {
		if err := json.Unmarshal(t.Options, &opts); err != nil {
			// The API stored these options: a problem of ours, not the target's.
			r := failed(start, env.Now(), "invalid options: "+err.Error())
			r.Internal = true
			return r
		}
	}
	host, _, err := net.SplitHostPort(t.Endpoint)
	if err != nil {
		return failed(start, env.Now(), "invalid endpoint: "+err.Error())
	}

	var cert *Certificate
	tr := &http.Transport{
		DialContext:            env.Dial,
		Protocols:              new(http.Protocols),
		DisableCompression:     true,
		MaxResponseHeaderBytes: 64 << 10,
	}
	scheme := "http"
	if opts.TLS {
		scheme = "https"
		tr.Protocols.SetHTTP2(true)
		tr.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, c, err := grpcDialTLS(ctx, env, network, addr, host)
			cert = c
			return conn, err
		}
	} else {
		tr.Protocols.SetUnencryptedHTTP2(true)
	}
	defer tr.CloseIdleConnections()

	cc, err := tr.NewClientConn(ctx, scheme, t.Endpoint)
	if err != nil {
		r := grpcConnectFailed(ctx, t, start, env.Now(), err)
		r.Certificate = cert
		return r
	}
	defer cc.Close()

	r := grpcCheck(ctx, env, t, cc, scheme+"://"+t.Endpoint, opts.Service, start)
	r.Resolved, r.Connected, r.Certificate = true, true, cert
	return r
}

// grpcCheck sends the health check on cc and grades the answer.
func grpcCheck(ctx context.Context, env *Env, t *Target, cc *http.ClientConn, base, service string, start time.Time) Result {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/grpc.health.v1.Health/Check",
		bytes.NewReader(grpcFrame(grpcHealthRequest(service))))
	if err != nil {
		return failed(start, env.Now(), "invalid endpoint: "+err.Error())
	}
	req.Header.Set("Content-Type", "application/grpc")
	req.Header.Set("Te", "trailers")
	if env.UserAgent != "" {
		req.Header.Set("User-Agent", env.UserAgent)
	}
	// No grpc-timeout: the server would answer DEADLINE_EXCEEDED a hair
	// before our own deadline, and when we give up the stream is reset,
	// which cancels the call on the server anyway.
	grpcSetAuth(req.Header, t.Auth)

	resp, err := cc.RoundTrip(req)
	if err != nil {
		return grpcExchangeFailed(ctx, t, start, env.Now(), err)
	}
	defer resp.Body.Close()

	// A trailers-only response (any error) has grpc-status in its headers
	// and no body; anything without it must look like gRPC to be read.
	if _, _, ok := grpcStatus(resp); !ok {
		switch ct := resp.Header.Get("Content-Type"); {
		case resp.StatusCode != http.StatusOK:
			return failed(start, env.Now(), fmt.Sprintf("not a gRPC server: HTTP status %d", resp.StatusCode))
		case !strings.HasPrefix(ct, "application/grpc"):
			return failed(start, env.Now(), fmt.Sprintf("not a gRPC server: content-type %q", serverText([]byte(ct), 60)))
		}
	}
	msg, err := grpcReadMessage(resp.Body)
	if err != nil {
		return grpcExchangeFailed(ctx, t, start, env.Now(), err)
	}
	end := env.Now()
	code, text, ok := grpcStatus(resp) // now with the trailers
	switch {
	case !ok:
		return failed(start, end, "not a gRPC server: no grpc-status")
	case code == grpcUnimplemented:
		r := passed(t, start, end)
		if r.Status != StatusRed { // slower than the critical threshold stays RED
			r.Status, r.Error = StatusYellow, grpcNotImplemented
		}
		return r
	case code != 0:
		return failed(start, end, grpcErrorText(code, text))
	case msg == nil:
		return failed(start, end, "grpc error: empty health response")
	}
	status, err := grpcHealthStatus(msg)
	if err != nil {
		return failed(start, end, "grpc error: malformed health response")
	}
	if status != grpcServing {
		return failed(start, end, "health status "+grpcServingStatusName(status))
	}
	return passed(t, start, end)
}

// grpcDialTLS dials addr through env.Dial and completes a TLS handshake that
// must select HTTP/2. It returns the server's certificate whenever the
// server presented one, even when verification failed.
func grpcDialTLS(ctx context.Context, env *Env, network, addr, host string) (net.Conn, *Certificate, error) {
	raw, err := env.Dial(ctx, network, addr)
	if err != nil {
		return nil, nil, err
	}
	conn := tls.Client(raw, &tls.Config{ServerName: host, RootCAs: env.RootCAs,
		NextProtos: []string{"h2"}, MinVersion: tls.VersionTLS12})
	if err := handshakeTLS(ctx, conn); err != nil {
		raw.Close()
		var verr *tls.CertificateVerificationError
		if errors.As(err, &verr) && len(verr.UnverifiedCertificates) > 0 {
			return nil, describeCertificate(verr.UnverifiedCertificates[0], env.Now()), grpcTLSError{err}
		}
		return nil, nil, grpcTLSError{err}
	}
	state := conn.ConnectionState()
	cert := describeCertificate(state.PeerCertificates[0], env.Now())
	if state.NegotiatedProtocol != "h2" {
		conn.Close()
		return nil, cert, errNoH2
	}
	return conn, cert, nil
}

// grpcSetAuth sends the service's credentials as gRPC metadata.
func grpcSetAuth(h http.Header, c *Credentials) {
	switch {
	case c == nil:
	case c.Type == "basic":
		h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(c.Username+":"+c.Password)))
	case c.Type == "bearer":
		h.Set("Authorization", "Bearer "+c.Token)
	case c.Type == "header" && c.Name != "":
		h.Set(c.Name, c.Value)
	}
}

// grpcReadMessage reads the first length-prefixed message of a response
// (nil when there is none), then the rest of the body so the trailers
// arrive; both reads are capped.
func grpcReadMessage(body io.Reader) ([]byte, error) {
	var prefix [5]byte
	n, err := io.ReadFull(body, prefix[:])
	if err == io.EOF && n == 0 {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	size := uint32(prefix[1])<<24 | uint32(prefix[2])<<16 | uint32(prefix[3])<<8 | uint32(prefix[4])
	if prefix[0] != 0 || size > grpcMaxMessage {
		return nil, errBadMessage
	}
	msg := make([]byte, size)
	if _, err := io.ReadFull(body, msg); err != nil {
		return nil, err
	}
	if _, err := io.Copy(io.Discard, io.LimitReader(body, grpcMaxMessage)); err != nil {
		return nil, err
	}
	return msg, nil
}
