package cluster

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httputil"
	"net/netip"
	"net/url"
	"time"
)

// Headers of a forwarded request, honoured only on the forwarding channel (ForwardListener),
// whose peers proved with their certificate that they are nodes of this cluster: a client
// that sends them to a node's public port is not believed.
const (
	// HeaderClientIP carries the address of the client the forwarding node served.
	HeaderClientIP = "X-AlertifyPro-Client-IP"
	// HeaderForwardedBy names the node that forwarded the request.
	HeaderForwardedBy = "X-AlertifyPro-Forwarded-By"
	// HeaderClientSecure says the forwarding node judged the client's connection secure
	// (TLS, or loopback): the agent channel sends credentials only over such (SPEC §8).
	HeaderClientSecure = "X-AlertifyPro-Client-Secure"
	// HeaderNodeAgent names the node whose own agent of the built-in location opens the
	// agent channel (node_agent.go): only a node, over the cluster's mutual TLS, can say so.
	HeaderNodeAgent = "X-AlertifyPro-Node-Agent"
)

// forwardTimeout bounds the wait for the leader's answer's header: longer than any write
// of the API takes (an import of a large configuration included).
const forwardTimeout = 2 * time.Minute

// ErrNoLeader is Forward's error while no leader is known.
var ErrNoLeader = errors.New("no leader is known")

// forwardedKey marks the context of a request that came through the forwarding channel;
// its value is what the forwarding node said of the client (forwardedClient).
type forwardedKey struct{}

// forwardedClient is what a forwarding node told of the request's client.
type forwardedClient struct {
	secure    bool   // HeaderClientSecure
	nodeAgent string // HeaderNodeAgent: the node whose own agent this is
}

// secureClientKey marks a request whose client connection this node judged secure.
type secureClientKey struct{}

// WithSecureClient marks the request of ctx as coming over a connection this node judges
// secure; Forward tells the leader so (HeaderClientSecure).
func WithSecureClient(ctx context.Context) context.Context {
	return context.WithValue(ctx, secureClientKey{}, true)
}

// ForwardedSecure reports whether the node that forwarded the request of ctx judged its
// client's connection secure.
func ForwardedSecure(ctx context.Context) bool {
	fc, _ := ctx.Value(forwardedKey{}).(forwardedClient)
	return fc.secure
}

// ForwardedNodeAgent is the node whose own agent of the built-in location sent the request
// of ctx, "" for any other request (node_agent.go).
func ForwardedNodeAgent(ctx context.Context) string {
	fc, _ := ctx.Value(forwardedKey{}).(forwardedClient)
	return fc.nodeAgent
}

// IsForwarded reports whether the request of ctx was forwarded by another node: it is
// served here as it is, never forwarded again.
func IsForwarded(ctx context.Context) bool { return ctx.Value(forwardedKey{}) != nil }

// ForwardListener is where the other nodes' forwarded requests arrive (over the Raft
// transport's port and mutual TLS); serve it with ServeForwarded's handler.
func (n *Node) ForwardListener() net.Listener { return n.stream.forwarded }

// ServeForwarded wraps the API for requests forwarded by other nodes: the client's address
// is the one the forwarding node saw (HeaderClientIP), so per-address limits and the audit
// log see the real client, and the request is marked forwarded. It answers the nodes'
// own question about this node's progress itself (progress.go).
func (n *Node) ServeForwarded(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == progressPath {
			n.serveProgress(w, r)
			return
		}
		if ip, err := netip.ParseAddr(r.Header.Get(HeaderClientIP)); err == nil {
			r.RemoteAddr = netip.AddrPortFrom(ip, 0).String()
		}
		fc := forwardedClient{secure: r.Header.Get(HeaderClientSecure) == "1", nodeAgent: r.Header.Get(HeaderNodeAgent)}
		r.Header.Del(HeaderClientIP)
		r.Header.Del(HeaderClientSecure)
		r.Header.Del(HeaderNodeAgent)
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), forwardedKey{}, fc)))
	})
}

// newForwarder is the reverse proxy that sends requests to the leader: over the Raft
// transport's port with the nodes' mutual TLS, the connection opened by the marker byte.
// The URL's host is the leader's Raft address, so connections pooled to a former leader
// are not reused for the new one.
func (n *Node) newForwarder() *httputil.ReverseProxy {
	transport := &http.Transport{
		DialContext:           n.dialForwarding,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		ResponseHeaderTimeout: forwardTimeout,
	}
	return &httputil.ReverseProxy{
		Transport: transport,
		Rewrite: func(pr *httputil.ProxyRequest) {
			leader, _ := pr.In.Context().Value(leaderAddrKey{}).(string)
			pr.Out.URL = &url.URL{Scheme: "http", Host: leader, Path: pr.In.URL.Path, RawPath: pr.In.URL.RawPath,
				RawQuery: pr.In.URL.RawQuery}
			pr.Out.Host = pr.In.Host
			clientIP, _ := pr.In.Context().Value(clientIPKey{}).(string)
			pr.Out.Header.Set(HeaderClientIP, clientIP)
			pr.Out.Header.Set(HeaderForwardedBy, n.cfg.NodeID)
			// Only this node says what it judged of its client, and a client's request is
			// never a node's own agent.
			pr.Out.Header.Del(HeaderClientSecure)
			if secure, _ := pr.In.Context().Value(secureClientKey{}).(bool); secure {
				pr.Out.Header.Set(HeaderClientSecure, "1")
			}
			pr.Out.Header.Del(HeaderNodeAgent)
			// The leader answers uncompressed; this node's own middleware compresses
			// for the client, once.
			pr.Out.Header.Del("Accept-Encoding")
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			fail, _ := r.Context().Value(failKey{}).(func(error))
			fail(err)
		},
	}
}

// dialForwarding opens a connection to the forwarding server of the node at addr (its Raft
// address): the nodes' mutual TLS, then the marker byte.
func (n *Node) dialForwarding(ctx context.Context, network, addr string) (net.Conn, error) {
	dialer := &tls.Dialer{NetDialer: &net.Dialer{Timeout: transportTimeout}, Config: n.tls.client}
	conn, err := dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, &notSentError{err}
	}
	if _, err := conn.Write([]byte{forwardMarker}); err != nil {
		_ = conn.Close()
		return nil, &notSentError{err}
	}
	return conn, nil
}

// notSentError is a forward that failed before any byte of the request left: the leader
// could not be connected to (it died, or is no longer where it was).
type notSentError struct{ err error }

func (e *notSentError) Error() string { return "the leader could not be reached: " + e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// NotSent reports whether a forward failed before the request was sent (Forward's fail
// gets it): the leader cannot have saved anything of it, so the client may send it again
// as it is — unlike a connection that broke after the request left.
func NotSent(err error) bool {
	var ns *notSentError
	return errors.As(err, &ns)
}

// Context keys of one forwarded request.
type (
	leaderAddrKey struct{}
	clientIPKey   struct{}
	failKey       struct{}
)

// Forward sends r to the leader and copies its answer to w (SPEC §9: a client sees one
// API). clientIP is the client's address as this node determined it; fail writes the
// answer when the leader cannot be reached or answers nothing (the write may or may not
// have been saved if the connection broke after sending). It returns ErrNoLeader, having
// written nothing, when no leader is known or this node is the leader.
func (n *Node) Forward(w http.ResponseWriter, r *http.Request, clientIP string, fail func(error)) error {
	if n.raft == nil {
		return ErrNoLeader
	}
	addr, id := n.raft.LeaderWithID()
	if id == "" || string(id) == n.cfg.NodeID {
		return ErrNoLeader
	}
	ctx := context.WithValue(r.Context(), leaderAddrKey{}, string(addr))
	ctx = context.WithValue(ctx, clientIPKey{}, clientIP)
	ctx = context.WithValue(ctx, failKey{}, fail)
	n.forwarder.ServeHTTP(w, r.WithContext(ctx))
	return nil
}
