package cluster

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/hashicorp/raft"
)

// handshakeTimeout bounds the TLS handshake of a connection between nodes.
const handshakeTimeout = 10 * time.Second

// refusalLogEvery is how often a refused peer address is logged again: a node with
// another key retries all the time, and one line a minute says enough.
const refusalLogEvery = time.Minute

// tlsStream is the stream layer of Raft's network transport: TCP with the nodes' mutual TLS
// (peerTLS). Accept hands over only connections whose handshake succeeded — it runs in a
// goroutine of its own, so a slow or hostile peer never holds up the others — and a
// refused one is logged, with its address and why.
type tlsStream struct {
	ln        net.Listener
	tls       *peerTLS
	advertise net.Addr
	log       *slog.Logger
	conns     chan net.Conn // Raft's connections
	forwarded *chanListener // forwarded HTTP requests' connections (mux.go)
	closed    chan struct{}
	closeOnce sync.Once

	mu      sync.Mutex
	refused map[string]time.Time // remote host → when its refusal was last logged
}

// listenTLS listens on bind for the cluster's transport; advertise is the address the
// other nodes dial, which Raft stores in its configuration.
func listenTLS(bind string, advertise net.Addr, pt *peerTLS, log *slog.Logger) (*tlsStream, error) {
	ln, err := net.Listen("tcp", bind)
	if err != nil {
		return nil, err
	}
	s := &tlsStream{ln: ln, tls: pt, advertise: advertise, log: log, conns: make(chan net.Conn),
		forwarded: newChanListener(advertise), closed: make(chan struct{}), refused: map[string]time.Time{}}
	go s.acceptLoop()
	return s, nil
}

// acceptLoop accepts TCP connections until the listener closes and shakes hands on each.
func (s *tlsStream) acceptLoop() {
	for {
		raw, err := s.ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			s.Close()
			return
		}
		go s.handshake(raw)
	}
}

// handshake completes the server side of the mutual TLS on raw, then hands the connection
// on (demux: to Raft's Accept, or to the forwarding server); a peer without a certificate
// of this cluster is refused and logged.
func (s *tlsStream) handshake(raw net.Conn) {
	conn := tls.Server(raw, s.tls.server)
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	defer cancel()
	if err := conn.HandshakeContext(ctx); err != nil {
		s.logRefusal(raw.RemoteAddr(), err)
		_ = conn.Close()
		return
	}
	s.demux(conn)
}

// logRefusal logs a refused connection from remote, at most once per refusalLogEvery for
// each host.
func (s *tlsStream) logRefusal(remote net.Addr, err error) {
	host, _, _ := net.SplitHostPort(remote.String())
	s.mu.Lock()
	last, seen := s.refused[host]
	now := time.Now()
	if seen && now.Sub(last) < refusalLogEvery {
		s.mu.Unlock()
		return
	}
	s.refused[host] = now
	s.mu.Unlock()
	s.log.Warn("cluster: refused a connection that did not authenticate as a node of this cluster "+
		"(another CLUSTER_KEY, or not an AlertifyPro node)", "remote", remote.String(), "error", err.Error())
}

// Accept returns the next authenticated connection.
func (s *tlsStream) Accept() (net.Conn, error) {
	select {
	case c := <-s.conns:
		return c, nil
	case <-s.closed:
		return nil, net.ErrClosed
	}
}

// Close stops listening; connections already handed over stay open.
func (s *tlsStream) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.closed)
		_ = s.forwarded.Close()
		err = s.ln.Close()
	})
	return err
}

// Addr is the advertised address: the one Raft gives the other nodes.
func (s *tlsStream) Addr() net.Addr { return s.advertise }

// Dial connects to the node at address and completes the mutual TLS within timeout. A
// node that does not present a certificate of this cluster is refused (and the error
// logged by Raft, with the address).
//
// Nodes dial each other directly, not through the egress guard: the addresses are the
// operator's CLUSTER_PEERS, not a tenant's target, like the host's own resolver (SPEC §12),
// and a guard with EGRESS_POLICY=public would refuse the private addresses clusters use.
func (s *tlsStream) Dial(address raft.ServerAddress, timeout time.Duration) (net.Conn, error) {
	d := &tls.Dialer{NetDialer: &net.Dialer{Timeout: timeout}, Config: s.tls.client}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return d.DialContext(ctx, "tcp", string(address))
}
