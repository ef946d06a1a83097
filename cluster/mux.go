package cluster

import (
	"bufio"
	"net"
	"sync"
	"time"
)

// forwardMarker is the first byte a node sends on a connection that carries forwarded HTTP
// requests instead of Raft's RPCs, whose first byte is an RPC type (0 to 4). Both share the
// transport's port and its mutual TLS, so forwarding is as encrypted and as authenticated
// as Raft itself and needs no address of its own.
const forwardMarker byte = 'H'

// peekedConn is a connection whose first bytes were read ahead into r.
type peekedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *peekedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

// demux reads the first byte of an authenticated connection and hands it to Raft, or —
// after the marker — to the forwarding server. A connection that sends nothing within
// handshakeTimeout is closed.
func (s *tlsStream) demux(conn net.Conn) {
	r := bufio.NewReader(conn)
	_ = conn.SetReadDeadline(time.Now().Add(handshakeTimeout))
	first, err := r.Peek(1)
	_ = conn.SetReadDeadline(time.Time{})
	if err != nil {
		_ = conn.Close()
		return
	}
	target := s.conns
	var refused <-chan struct{} // nil: never
	if first[0] == forwardMarker {
		_, _ = r.Discard(1)
		target, refused = s.forwarded.conns, s.forwarded.closed
	}
	select {
	case target <- &peekedConn{Conn: conn, r: r}:
	case <-s.closed:
		_ = conn.Close()
	case <-refused: // the forwarding server has stopped
		_ = conn.Close()
	}
}

// chanListener is a net.Listener whose connections come from a channel: the forwarded
// connections the transport's listener sorted out.
type chanListener struct {
	conns     chan net.Conn
	addr      net.Addr
	closed    chan struct{}
	closeOnce sync.Once
}

func newChanListener(addr net.Addr) *chanListener {
	return &chanListener{conns: make(chan net.Conn), addr: addr, closed: make(chan struct{})}
}

// Accept returns the next forwarded connection.
func (l *chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

// Close stops Accept; the transport closes connections it could no longer hand over.
func (l *chanListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return nil
}

// Addr is the transport's address.
func (l *chanListener) Addr() net.Addr { return l.addr }
