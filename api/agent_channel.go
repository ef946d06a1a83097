package api

import (
	"errors"
	"net"
	"net/netip"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/alertifypro/alertifypro/agent"
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
	h := &agentChannelHandlers{base: b}
	for _, s := range b.cfg.TrustedProxies {
		if p, err := netip.ParsePrefix(s); err == nil {
			h.trusted = append(h.trusted, p)
		}
	}
	return h
}

// connect authenticates the agent token and hands the connection to the hub, which
// upgrades it to a WebSocket and serves it until it ends.
func (h *agentChannelHandlers) connect(c *gin.Context) error {
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

// secure reports whether the connection is TLS as far as this server can tell: TLS to the
// server itself; through a trusted proxy, what its X-Forwarded-Proto says; otherwise only
// a loopback peer that is not forwarding for someone else. Credentials need this and the
// agent's own view (SPEC §8: credentials only over TLS or loopback).
func (h *agentChannelHandlers) secure(c *gin.Context) bool {
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
	for _, p := range h.trusted {
		if p.Contains(peer) && forwarded {
			return strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https")
		}
	}
	return !forwarded && net.IP(peer.AsSlice()).IsLoopback()
}
