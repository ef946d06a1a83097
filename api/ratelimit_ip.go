package api

import (
	"net/netip"

	"github.com/gin-gonic/gin"
)

// clientBucket is the key every per-client-IP limit counts a request under (login,
// registration, public subscribe, acknowledge-link guesses, unknown heartbeat keys):
// ipBucket of the address gin trusts (TRUSTED_PROXIES decides whether X-Forwarded-For is).
func clientBucket(c *gin.Context) string { return ipBucket(c.ClientIP()) }

// ipBucket maps a client address to its rate-limit key (SPEC §12): an IPv4 address is
// itself, and so is an IPv4-mapped IPv6 address; an IPv6 address counts by its /64. One
// subscriber is routinely given a whole /64 and may send from any of its 2^64 addresses,
// so per-address keys would let one client walk around every per-IP limit. Text that is
// not an address (gin found none) is kept as it is.
func ipBucket(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}
