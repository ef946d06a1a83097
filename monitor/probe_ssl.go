package monitor

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net"
	"strings"
)

// probeSSL completes a TLS handshake with the endpoint (a bare domain means
// port 443), verifying the chain against env.RootCAs and the name against
// the endpoint's host, and grades the leaf certificate: GREEN when valid,
// YELLOW within ssl_warn_days of expiry, RED when expired or when the
// handshake or verification fails (bad chain, wrong name).
func probeSSL(ctx context.Context, env *Env, t *Target) Result {
	start := env.Now()
	o := struct {
		SSLWarnDays int `json:"ssl_warn_days"`
	}{defaultSSLWarnDays}
	if len(t.Options) > 0 {
		if err := json.Unmarshal(t.Options, &o); err != nil {
			return netOptionsFailure(start, env.Now(), "invalid options: "+err.Error())
		}
	}
	if o.SSLWarnDays <= 0 {
		o.SSLWarnDays = defaultSSLWarnDays
	}
	host, port := sslHostPort(t.Endpoint)
	conn, err := env.Dial(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return failedErr(t, start, env.Now(), err)
	}
	defer conn.Close()
	defer netWatchDeadline(ctx, conn)()
	tc := tls.Client(conn, &tls.Config{ServerName: host, RootCAs: env.RootCAs})
	defer tc.Close() // sends close_notify, bounded by the deadline
	err = handshakeTLS(ctx, tc)
	end := env.Now()
	if err != nil {
		if msg, cert, ok := describeTLSError(err, end); ok {
			r := failed(start, end, msg)
			r.Resolved, r.Connected, r.Certificate = true, true, cert
			return r
		}
		r := netConnFailure(ctx, t, start, end, err)
		if !errors.Is(err, context.DeadlineExceeded) && !isTimeout(err) && ctx.Err() == nil {
			r.Error = "TLS handshake failed: " + r.Error
		}
		return r
	}
	r := passed(t, start, end)
	r.Certificate = certificateOf(tc.ConnectionState(), end)
	gradeCertificate(&r, end, o.SSLWarnDays, false)
	return r
}

// sslHostPort splits an SSL endpoint: host:port, or a bare domain or IP
// (IPv6 bracketed or not) on port 443. The host, without brackets or a
// trailing dot, is also the name the certificate must match.
func sslHostPort(endpoint string) (host, port string) {
	host, port, err := net.SplitHostPort(endpoint)
	if err != nil {
		host, port = strings.TrimSuffix(strings.TrimPrefix(endpoint, "["), "]"), "443"
	}
	return strings.TrimSuffix(host, "."), port
}
