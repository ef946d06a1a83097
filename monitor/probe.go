package monitor

import (
	"context"
	"crypto/x509"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// Env is what a probe may use to reach the outside world. In production
// every function is backed by the egress guard; tests pass loopback ones.
type Env struct {
	// Dial opens a TCP or UDP connection ("tcp", "udp", ...) to host:port.
	// It resolves the name once and checks the resolved address.
	Dial func(ctx context.Context, network, address string) (net.Conn, error)
	// ResolveIP resolves host to one allowed address (PING, and anything
	// that needs an address rather than a connection).
	ResolveIP func(ctx context.Context, host string) (netip.Addr, error)
	// DialSystemResolver opens a "udp" or "tcp" connection to the host's own
	// DNS resolver (the first nameserver of /etc/resolv.conf), which DNS
	// checks without a resolver option ask. It is the operator's, not a
	// tenant target, so the egress policy does not judge it (SPEC §12).
	// Nil: such checks are RED as a configuration problem of ours.
	DialSystemResolver func(ctx context.Context, network string) (net.Conn, error)
	// SourceAddr is the local address checks leave from (PROBE_SOURCE_ADDR); Dial and
	// ResolveIP already honour it, probes that open sockets of their own (PING) bind them
	// to it. The zero value lets the system choose.
	SourceAddr netip.Addr
	// UserAgent is sent by HTTP and WebSocket probes ("AlertifyPro/<version>").
	UserAgent string
	// Now is the clock (certificate expiry, timestamps).
	Now func() time.Time
	// ICMP says how PING may send echo requests: "udp" (unprivileged
	// datagram socket), "ip" (raw socket) or "" (neither is possible here).
	ICMP string
	// RootCAs verifies servers' certificates; nil means the system roots.
	// Tests set it to trust their own loopback servers.
	RootCAs *x509.CertPool

	// httpMu guards httpTransports: the configuration HTTP and WebSocket
	// probes share, one transport per httpTransportKind, built on first use
	// by httpTransport from Dial and RootCAs (set RootCAs before the first
	// check). They share no connections (checkConns).
	httpMu         sync.Mutex
	httpTransports [httpKinds]*http.Transport

	// patterns holds the compiled regular expressions of the checks' options.
	patterns patternCache
}

// Probe checks one target. It returns when ctx ends at the latest, and it
// always returns a Result (failures are RED results, never errors).
type Probe func(ctx context.Context, env *Env, t *Target) Result

// ProbeFor returns the probe of a canonical check type, or nil for an
// unknown type. Its results carry the Timings of the check's connections and
// meet the connection_time_ms assertion of the target's options (assert_connect.go).
func ProbeFor(checkType string) Probe {
	if p := probeOf(checkType); p != nil {
		return withConnectionTime(withTimings(p))
	}
	return nil
}

// probeOf returns the bare probe of a canonical check type, or nil.
func probeOf(checkType string) Probe {
	switch checkType {
	case "HTTP":
		return probeHTTP
	case "WEBSOCKET":
		return probeWebSocket
	case "SSL":
		return probeSSL
	case "TCP":
		return probeTCP
	case "UDP":
		return probeUDP
	case "DNS":
		return probeDNS
	case "PING":
		return probePing
	case "SMTP":
		return probeSMTP
	case "IMAP":
		return probeIMAP
	case "FTP":
		return probeFTP
	case "SSH":
		return probeSSH
	case "REDIS":
		return probeRedis
	case "MYSQL":
		return probeMySQL
	case "POSTGRES":
		return probePostgres
	case "MONGODB":
		return probeMongoDB
	case "GRPC":
		return probeGRPC
	}
	return nil
}
