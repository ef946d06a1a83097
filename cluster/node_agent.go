package cluster

import (
	"context"
	"net"
	"net/http"
	"time"
)

// Every node of a cluster — the leader included — checks its share of the built-in
// location's services as one of that location's agents (SPEC §9): it runs the agent's
// client in-process, connected to the leader's agent hub over the cluster's own channel
// (the Raft port and the nodes' mutual TLS, like forwarded writes), and its results reach
// the leader's recorder through the agent protocol's batches and ledger. So sharing
// (rendezvous hashing over the connected nodes), failover (a node that disappears hands
// its share to the others) and exactly-once recording are the agent protocol's own, with
// no second protocol; when the leader changes, the connections break and every node's
// agent reconnects to the new leader, whose hub assigns from then on.
//
// The certificate authenticates the node, so the request needs no token: HeaderNodeAgent
// names the node, and the leader believes it only on the forwarding channel, from which a
// follower strips it off every forwarded client request.

// NodeAgentURL is the server URL of a node's own agent: its host is never dialled (the
// transport goes to the current leader), and the connection is secure whatever the
// scheme says (mutual TLS).
const NodeAgentURL = "http://cluster-leader.invalid"

// NodeAgentTransport is the HTTP transport of this node's own agent (NodeAgentURL): every
// connection goes to the leader known when it is made, over the nodes' mutual TLS, and
// says it comes from this node's agent.
func (n *Node) NodeAgentTransport() http.RoundTripper {
	return &nodeAgentTransport{node: n.cfg.NodeID, base: &http.Transport{
		DialContext:         n.dialLeader,
		DisableKeepAlives:   true, // a new connection finds the leader of its moment
		TLSHandshakeTimeout: handshakeTimeout,
	}}
}

// dialLeader connects to the forwarding channel of the current leader (which may be this
// node itself).
func (n *Node) dialLeader(ctx context.Context, network, _ string) (net.Conn, error) {
	if n.raft == nil {
		return nil, ErrNoLeader
	}
	addr, id := n.raft.LeaderWithID()
	if id == "" {
		return nil, ErrNoLeader
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return n.dialForwarding(ctx, network, string(addr))
}

// nodeAgentTransport marks every request as this node's agent's.
type nodeAgentTransport struct {
	node string
	base http.RoundTripper
}

func (t *nodeAgentTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(HeaderNodeAgent, t.node)
	r.Header.Del("Authorization")
	return t.base.RoundTrip(r)
}
