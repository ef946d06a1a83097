package api

import (
	"errors"
	"net"
	"net/netip"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/agent"
	"github.com/alertifypro/alertifypro/cluster"
	"github.com/alertifypro/alertifypro/config"
	"github.com/alertifypro/alertifypro/crypto"
	"github.com/alertifypro/alertifypro/store"
)

// agentChannelHandlers serves GET /api/v1/agent/connect, the agent channel (SPEC §8): an
// agent token is good for this route only (every other route reads it as an invalid
// token: 401), and this route takes nothing but an agent token.
type agentChannelHandlers struct {
	*base
	trusted []netip.Prefix // TRUSTED_PROXIES, whose X-Forwarded-Proto is believed
}

func newAgentChannelHandlers(b *base) *agentChannelHandlers {
	return &agentChannelHandlers{base: b, trusted: trustedProxyPrefixes(b.cfg)}
}

// trustedProxyPrefixes are TRUSTED_PROXIES as prefixes.
func trustedProxyPrefixes(cfg *config.Config) []netip.Prefix {
	var out []netip.Prefix
	for _, s := range cfg.TrustedProxies {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// connect authenticates the agent token and hands the connection to the hub, which
// upgrades it to a WebSocket and serves it until it ends.
func (h *agentChannelHandlers) connect(c *gin.Context) error {
	if h.cluster != nil && h.cluster.Writable() != nil {
		// Only the leader's hub records results: a follower forwards the channel
		// (clusterHeaders), so this is one that could not, or a forward that reached a
		// node no longer leading. The agent tries again, here or at its next URL.
		return errNotLeader()
	}
	if node := cluster.ForwardedNodeAgent(c.Request.Context()); node != "" {
		return h.connectNode(c, node)
	}
	token, ok := bearerToken(c.GetHeader("Authorization"))
	if !ok || !strings.HasPrefix(token, config.AgentTokenPrefix) {
		return errUnauthorized()
	}
	digest := crypto.Digest(token)
	tok, loc, err := h.store.AgentTokenByDigest(digest)
	if errors.Is(err, store.ErrNotFound) {
		return errUnauthorized()
	} else if err != nil {
		return err
	}
	if h.agents == nil {
		return &Error{Status: 503, Code: "unavailable", Message: "This server does not run the agent channel."}
	}
	h.agents.Serve(c.Writer, c.Request, agent.Peer{Token: tok, Digest: digest, Location: loc,
		Secure: h.secure(c), RemoteAddr: c.ClientIP()})
	return nil
}

// connectNode hands the hub a cluster node's own agent of the built-in location (SPEC
// §9: the nodes share its checks as its agents do an agent location's). Only the
// forwarding channel, whose peers proved with the cluster's certificate that they are its
// nodes, carries such a request (cluster.ForwardedNodeAgent), so it needs no token.
func (h *agentChannelHandlers) connectNode(c *gin.Context, node string) error {
	if h.agents == nil {
		return &Error{Status: 503, Code: "unavailable", Message: "This server does not run the agent channel."}
	}
	name := h.cfg.BuiltinLocation()
	loc := &store.Location{ID: builtinLocationID(name), Name: name, DisplayName: name}
	h.agents.Serve(c.Writer, c.Request, agent.Peer{Location: loc, Secure: true, RemoteAddr: node, Node: true})
	return nil
}

// secure reports whether the connection is TLS as far as this server can tell: TLS to the
// server itself; through a trusted proxy, what its X-Forwarded-Proto says; otherwise only
// a loopback peer that is not forwarding for someone else. Credentials need this and the
// agent's own view (SPEC §8: credentials only over TLS or loopback).
func (h *agentChannelHandlers) secure(c *gin.Context) bool {
	if cluster.IsForwarded(c.Request.Context()) {
		return cluster.ForwardedSecure(c.Request.Context()) // as the node the agent reached judged it
	}
	return connectionSecure(c, h.trusted)
}

// connectionSecure is agentChannelHandlers.secure's judgement of the connection to this
// node itself.
func connectionSecure(c *gin.Context, trusted []netip.Prefix) bool {
	r := c.Request
	if r.TLS != nil {
		return true
	}
	forwarded := r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" ||
		r.Header.Get("X-Forwarded-Proto") != ""
	peer, err := netip.ParseAddr(c.RemoteIP())
	if err != nil {
		return false
	}
	peer = peer.Unmap()
	for _, p := range trusted {
		if p.Contains(peer) && forwarded {
			return strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
		}
	}
	return !forwarded && net.IP(peer.AsSlice()).IsLoopback()
}
